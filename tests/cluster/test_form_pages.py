"""The one way to write a form page (territories.pages): refusals on their field, 400, redirect."""

from decimal import Decimal

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from django.urls import reverse

from cluster.models import Engagement
from territories.errors import DomainError
from territories.models import Actor
from territories.pages import add_refusal, confirm_page, form_page, run_action
from tests.helpers import page_text


class NameForm(forms.Form):
    name = forms.CharField()


def _request(method="post", data=None):
    request = getattr(RequestFactory(), method)("/page/", data or {})
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


def _messages(request):
    return [(message.level_tag, str(message)) for message in get_messages(request)]


def _page(request, form, action, **options):
    return form_page(request, form, action=action, success=options.get("success", "Enregistré."),
                     next=options.get("next", "/fait/"), template="confirm.html",
                     context={"question": "?"}, current=options.get("current"))


def _refuse(**extra):
    def action(*_args):
        raise DomainError("Refusé.", code="refused", **extra)
    return action


# add_refusal ----------------------------------------------------------------------------------

def test_a_refusal_naming_a_field_of_the_form_is_shown_next_to_it():
    form = NameForm({"name": "Lou"})
    assert form.is_valid()
    assert add_refusal(form, DomainError("Nom pris.", code="duplicate", field="name")) == 400
    assert form.errors == {"name": ["Nom pris."]}


def test_a_refusal_without_a_field_or_with_one_the_form_lacks_goes_above_the_form():
    form = NameForm({"name": "Lou"})
    form.is_valid()
    add_refusal(form, DomainError("Non.", code="no"))
    add_refusal(form, DomainError("Pas ici.", code="elsewhere", field="perimeter_codes"))
    assert form.non_field_errors() == ["Non.", "Pas ici."]
    assert "name" not in form.errors


def test_the_field_is_optional_and_kept_on_the_error():
    assert DomainError("Non.").field is None
    assert DomainError("Non.", code="x", status=409, field="email").field == "email"


# form_page -------------------------------------------------------------------------------------

def test_a_get_renders_the_page_with_200_and_runs_nothing():
    ran = []
    response = _page(_request("get"), NameForm(None), lambda data: ran.append(data))
    assert response.status_code == 200
    assert ran == []


def test_an_invalid_post_answers_400_and_runs_nothing():
    ran = []
    response = _page(_request(), NameForm({}), lambda data: ran.append(data))
    assert response.status_code == 400
    assert ran == []


def test_a_refused_post_answers_400_with_the_message_on_its_field():
    request = _request()
    form = NameForm({"name": "Lou"})
    response = _page(request, form, _refuse(field="name"))
    assert response.status_code == 400
    assert form.errors == {"name": ["Refusé."]}
    assert _messages(request) == []


def test_an_accepted_post_adds_the_message_and_redirects_where_the_result_says():
    request = _request()
    response = _page(request, NameForm({"name": "Lou"}), lambda data: data["name"],
                     success=lambda name: f"{name} est enregistré·e.",
                     next=lambda name: f"/personnes/{name}/")
    assert (response.status_code, response["Location"]) == (302, "/personnes/Lou/")
    assert _messages(request) == [("success", "Lou est enregistré·e.")]


def test_an_edit_conflict_shows_the_current_version_with_409():
    shown = []

    class VersionedForm(NameForm):
        def show_conflict(self, error, *, current):
            shown.append((error.code, current))
            self.add_error(None, error.message)

    conflict = DomainError("Modifié entre-temps.", code="edit_conflict", status=409)
    form = VersionedForm({"name": "Lou"})
    response = _page(_request(), form, lambda data: (_ for _ in ()).throw(conflict),
                     current=lambda: "la version actuelle")
    assert response.status_code == 409
    assert shown == [("edit_conflict", "la version actuelle")]


def test_a_refused_access_is_not_a_form_error_but_the_403_page():
    class Denied(DomainError, PermissionDenied):
        pass

    def action(data):
        raise Denied("Accès refusé.", code="denied")

    with pytest.raises(Denied):
        _page(_request(), NameForm({"name": "Lou"}), action)


# run_action and confirm_page -------------------------------------------------------------------

def test_a_button_says_it_worked_or_why_not():
    request = _request()
    assert run_action(request, lambda: 3, success=lambda n: f"{n} fait(s).") is True
    assert run_action(request, _refuse()) is False
    assert _messages(request) == [("success", "3 fait(s)."), ("error", "Refusé.")]


def test_a_confirm_page_shows_the_refusal_with_its_status_and_redirects_once_done():
    response = confirm_page(_request(), action=_refuse(status=409), success="Fait.",
                            next="/fait/", template="confirm.html", context={"question": "?"})
    assert response.status_code == 409
    assert "Refusé." in response.content.decode()
    request = _request()
    response = confirm_page(request, action=lambda: None, success="Fait.", next="/fait/",
                            template="confirm.html", context={"question": "?"})
    assert (response.status_code, response["Location"]) == (302, "/fait/")
    assert _messages(request) == [("success", "Fait.")]


# A real page: the engagement form -------------------------------------------------------------

@pytest.fixture
def pme(territory_a):
    return Actor.objects.create(territory=territory_a, name="Les Paniers de l'Huveaune",
                                kind=Actor.Kind.PME, is_published=True)


def _engagement(company, **extra):
    return {"company": company.pk, "kind": "mecenat_competences", "size": "", "value": "",
            "start_date": "", "description": "", **extra}


@pytest.mark.django_db
def test_the_services_refusal_lands_on_its_field_and_nothing_is_written(
        client, cluster, territory_a, facilitator):
    association = Actor.objects.create(territory=territory_a, name="Arbres en ville",
                                       kind=Actor.Kind.ASSOCIATION, is_published=True)
    client.force_login(facilitator)
    response = client.post(reverse("engagement_create", args=[cluster.pk]),
                           _engagement(association))
    assert response.status_code == 400
    assert response.context["form"].errors == {"size": [
        "Indiquez la taille de l'entreprise : cet acteur n'est pas répertorié comme une "
        "entreprise."]}
    assert not Engagement.objects.exists()


@pytest.mark.django_db
def test_a_refusal_of_the_service_is_shown_on_the_field_it_names(client, cluster, pme,
                                                                 facilitator, monkeypatch):
    monkeypatch.setattr(
        "cluster.views.commitments.engagement_save",
        _refuse_with("La valeur ne convient pas.", field="value"))
    client.force_login(facilitator)
    response = client.post(reverse("engagement_create", args=[cluster.pk]),
                           _engagement(pme, value="10"))
    assert response.status_code == 400
    assert response.context["form"].errors == {"value": ["La valeur ne convient pas."]}
    assert "La valeur ne convient pas." in page_text(response)
    assert not Engagement.objects.exists()


def _refuse_with(message, **extra):
    def service(**_kwargs):
        raise DomainError(message, code="refused", **extra)
    return service


@pytest.mark.django_db
def test_an_accepted_engagement_redirects_with_its_message(client, cluster, pme, facilitator):
    client.force_login(facilitator)
    response = client.post(reverse("engagement_create", args=[cluster.pk]),
                           _engagement(pme, value="1500"), follow=True)
    assert response.redirect_chain == [(reverse("engagement_list", args=[cluster.pk]), 302)]
    assert "L'engagement de « Les Paniers de l'Huveaune » est enregistré." in page_text(response)
    assert Engagement.objects.get().value == Decimal(1500)
