"""The back office of calls: the national team manages every funder's calls, a funder's
administrator its own, without staff rights; create, edit the grid, open, close, copy."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from funding.models import Call, CallState, Criterion, Dossier, FunderMember
from funding.services import call_close, call_copy, call_grid_save, call_open, call_save
from territories.errors import DomainError
from tests.funding.factories import CallFactory, FunderFactory, FunderMemberFactory
from tests.funding.reviewing import call_data as _data
from tests.funding.reviewing import call_with_grid, new_cluster, submitted_dossier
from tests.helpers import as_role, page_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def funder_admin(funder):
    return FunderMemberFactory(funder=funder, role=FunderMember.Role.ADMIN,
                               user__email="admin.financeur@exemple.fr").user


@pytest.fixture
def other_funder():
    return FunderFactory(name="Fondation voisine")


@pytest.fixture
def people(anonymous, member_a, reviewer, funder_admin, staff):
    return {"anonymous": anonymous, "member_a": member_a, "reviewer": reviewer,
            "funder_admin": funder_admin, "staff": staff}


def _post_data(funder, **changes):
    data = _data(funder, **changes)
    data["funder"] = funder.pk
    for name in ("opens_at", "deadline"):
        data[name] = timezone.localtime(data[name]).strftime("%Y-%m-%dT%H:%M")
    data["wave"] = data["wave"] or ""
    return data


GRID = [{"label": "Coopération", "description": "", "weight": 2, "max_score": 5},
        {"label": "Impact", "description": "Défis mesurables", "weight": 1, "max_score": 5}]


# Services ------------------------------------------------------------------------------


def test_a_new_call_is_a_draft_that_no_collective_sees(funder, staff, member_a):
    call = call_save(by=staff, **_data(funder))
    assert call.is_draft and call.state == CallState.DRAFT and call.slug == "fonds-damorcage-2027"
    from funding.permissions import visible_calls
    assert call not in visible_calls(member_a)


@pytest.mark.parametrize(("changes", "field", "words"), [
    ({"deadline": timezone.now() - timedelta(days=3)}, "deadline", "doit suivre"),
    ({"wave": 2}, "wave", "Seul un appel de label"),
])
def test_a_bad_call_is_refused_on_its_field(funder, staff, changes, field, words):
    with pytest.raises(DomainError, match=words) as refusal:
        call_save(by=staff, **_data(funder, **changes))
    assert refusal.value.field == field
    assert not Call.objects.filter(title="Fonds d'amorçage 2027").exists()


def test_a_funder_admin_manages_its_own_funders_calls_only(funder, other_funder,
                                                          funder_admin, reviewer):
    assert call_save(by=funder_admin, **_data(funder)).funder == funder
    for person, target in ((funder_admin, other_funder), (reviewer, funder)):
        with pytest.raises(DomainError, match="administrateur·rices"):
            call_save(by=person, **_data(target, title="Autre"))
    assert not Call.objects.filter(title="Autre").exists()


def test_the_grid_refuses_zero_weights_and_writes_nothing(funder, staff):
    call = call_with_grid(funder)
    before = list(call.criteria.values_list("label", "weight"))
    for grid in ([{**GRID[0], "weight": 0}, GRID[1]], [], [{**GRID[0], "label": " "}]):
        with pytest.raises(DomainError) as refusal:
            call_grid_save(call=call, by=staff, criteria=grid)
        assert refusal.value.field == "criteria"
    assert list(call.criteria.values_list("label", "weight")) == before


def test_the_grid_is_frozen_once_a_dossier_was_submitted(funder, staff, territory_a):
    call = call_with_grid(funder)
    submitted_dossier(call, territory_a.clusters.get())
    with pytest.raises(DomainError, match="sa grille ne se modifie plus") as refusal:
        call_grid_save(call=call, by=staff, criteria=GRID)
    assert refusal.value.status == 409
    assert call.criteria.count() == 3


def test_open_close_and_their_refusals(funder, staff):
    call = call_save(by=staff, **_data(funder))
    with pytest.raises(DomainError, match="au moins un critère"):
        call_open(call=call, by=staff, opens_at=call.opens_at, deadline=call.deadline)
    call_grid_save(call=call, by=staff, criteria=GRID)
    with pytest.raises(DomainError, match="brouillon"):
        call_close(call=call, by=staff)
    with pytest.raises(DomainError, match="doit suivre"):
        call_open(call=call, by=staff, opens_at=call.deadline, deadline=call.opens_at)
    now = timezone.now()
    call = call_open(call=call, by=staff, opens_at=now - timedelta(hours=1),
                     deadline=now + timedelta(days=30))
    assert call.state == CallState.OPEN
    with pytest.raises(DomainError, match="déjà ouvert"):
        call_open(call=call, by=staff, opens_at=now, deadline=now + timedelta(days=3))
    call = call_close(call=call, by=staff)
    assert call.state == CallState.CLOSED and call.deadline <= timezone.now()
    with pytest.raises(DomainError, match="déjà clos") as refusal:
        call_close(call=call, by=staff)
    assert refusal.value.status == 409


def test_a_copy_is_a_draft_with_the_same_grid(funder, staff):
    call = call_with_grid(funder, kind=Call.Kind.LABEL, title="Label vague 3")
    copy = call_copy(call=call, by=staff)
    assert copy.title == "Label vague 3 (copie)" and copy.is_draft and copy.wave == call.wave
    assert list(copy.criteria.values_list("label", "weight", "max_score")) == list(
        call.criteria.values_list("label", "weight", "max_score"))
    assert call_copy(call=call, by=staff).slug != copy.slug


# Pages ---------------------------------------------------------------------------------

ROLES = ["anonymous", "member_a", "reviewer", "funder_admin", "staff"]
EXPECTED = {"anonymous": 302, "member_a": 403, "reviewer": 403, "funder_admin": 200,
            "staff": 200}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", ["manage_call_list", "manage_call_create",
                                  "manage_dossier_list"])
def test_who_reaches_the_back_office(client, people, role, name):
    response = as_role(client, people, role).get(reverse(f"funding:{name}"))
    assert response.status_code == EXPECTED[role]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", ["manage_call", "manage_call_edit", "manage_call_grid",
                                  "manage_call_open", "manage_call_close",
                                  "manage_call_copy"])
def test_who_reaches_a_calls_pages(client, people, funder, role, name):
    call = call_with_grid(funder)
    response = as_role(client, people, role).get(reverse(f"funding:{name}", args=[call.pk]))
    assert response.status_code == EXPECTED[role]


def test_a_funder_admin_gets_403_on_another_funders_call(client, funder_admin, other_funder):
    call = call_with_grid(other_funder)
    client.force_login(funder_admin)
    assert client.get(reverse("funding:manage_call", args=[call.pk])).status_code == 403
    assert client.get(reverse("funding:manage_call", args=[999999])).status_code == 404


def test_the_admin_lists_only_its_funders_calls(client, funder, other_funder, funder_admin):
    call_with_grid(funder, title="Appel du French Impact")
    call_with_grid(other_funder, title="Appel de la fondation")
    text = page_text(client.force_login(funder_admin) or client.get(
        reverse("funding:manage_call_list")))
    assert "Appel du French Impact" in text and "Appel de la fondation" not in text


def test_the_form_creates_a_draft_and_shows_reversed_dates_on_the_field(client, staff, funder):
    client.force_login(staff)
    url = reverse("funding:manage_call_create")
    bad = _post_data(funder, deadline=timezone.now() - timedelta(days=1))
    response = client.post(url, bad)
    assert response.status_code == 400
    assert "doit suivre la date d'ouverture" in response.context["form"].errors["deadline"][0]
    response = client.post(url, _post_data(funder))
    call = Call.objects.get(title="Fonds d'amorçage 2027")
    assert response.status_code == 302 and response.url == reverse("funding:manage_call",
                                                                   args=[call.pk])


def test_the_grid_page_saves_the_formset_and_refuses_zero_weights(client, staff, funder):
    call = call_save(by=staff, **_data(funder))
    client.force_login(staff)
    url = reverse("funding:manage_call_grid", args=[call.pk])
    form = {"criteria-TOTAL_FORMS": 2, "criteria-INITIAL_FORMS": 0,
            "criteria-0-label": "Coopération", "criteria-0-weight": 0,
            "criteria-0-max_score": 5, "criteria-1-label": "", "criteria-1-weight": 1,
            "criteria-1-max_score": 5}
    response = client.post(url, form)
    assert response.status_code == 400 and "1 au moins" in page_text(response)
    assert not Criterion.objects.filter(call=call).exists()
    response = client.post(url, {**form, "criteria-0-weight": 3})
    assert response.status_code == 302
    assert list(call.criteria.values_list("label", "weight")) == [("Coopération", 3)]


def test_the_grid_page_answers_409_once_dossiers_were_submitted(client, staff, funder,
                                                                territory_a):
    call = call_with_grid(funder)
    submitted_dossier(call, territory_a.clusters.get())
    client.force_login(staff)
    response = client.post(reverse("funding:manage_call_grid", args=[call.pk]), {
        "criteria-TOTAL_FORMS": 1, "criteria-INITIAL_FORMS": 0, "criteria-0-label": "X",
        "criteria-0-weight": 1, "criteria-0-max_score": 5})
    assert response.status_code == 409 and "ne se modifie plus" in page_text(response)


def test_closing_a_closed_call_says_so(client, staff, funder):
    call = CallFactory(funder=funder, deadline=timezone.now() - timedelta(days=1))
    client.force_login(staff)
    response = client.post(reverse("funding:manage_call_close", args=[call.pk]))
    assert response.status_code == 409 and "déjà clos" in page_text(response)


def test_the_copy_page_leads_to_the_copy(client, staff, funder):
    call = call_with_grid(funder, title="Appel 2026")
    client.force_login(staff)
    response = client.post(reverse("funding:manage_call_copy", args=[call.pk]))
    copy = Call.objects.get(title="Appel 2026 (copie)")
    assert response.url == reverse("funding:manage_call", args=[copy.pk])


def _calls_with_dossiers(funder, collective, count):
    for number in range(count):
        call = call_with_grid(funder, title=f"Appel {number}")
        for status in (Dossier.Status.SUBMITTED, Dossier.Status.ACCEPTED):
            submitted_dossier(call, new_cluster(collective, f"Territoire {number}{status}"),
                              status=status)


@pytest.mark.parametrize("size", [1, 4])
def test_the_list_costs_the_same_queries_whatever_its_size(client, staff, funder,
                                                           collective_a, size,
                                                           django_assert_num_queries):
    _calls_with_dossiers(funder, collective_a, size)
    client.force_login(staff)
    # The session, the person, the funders they manage, the count and the page of calls.
    with django_assert_num_queries(4):
        response = client.get(reverse("funding:manage_call_list"))
    assert response.status_code == 200
    counts = {call.title: dict(call.counts) for call in response.context["page"]}
    assert counts["Appel 0"]["déposé"] == counts["Appel 0"]["accepté"] == 1


@pytest.mark.parametrize("size", [1, 4])
def test_the_dossier_list_costs_the_same_queries_whatever_its_size(
        client, staff, funder, collective_a, size, django_assert_num_queries):
    _calls_with_dossiers(funder, collective_a, size)
    client.force_login(staff)
    # The session, the person, the filter's calls, the count and the page of dossiers.
    with django_assert_num_queries(5):
        response = client.get(reverse("funding:manage_dossier_list"), {"status": "accepte"})
    assert len(response.context["page"].object_list) == size


def test_the_funder_admin_sees_the_link_on_the_funder_page(client, funder, funder_admin,
                                                           reviewer):
    url = reverse("funding:funder_detail", args=[funder.slug])
    manage = reverse("funding:manage_call_list")
    assert manage in page_text(client.force_login(funder_admin) or client.get(url))
    assert manage not in page_text(client.force_login(reviewer) or client.get(url))

