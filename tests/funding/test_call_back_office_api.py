"""The back office of calls through the API: the same services and rights as the pages."""

from datetime import timedelta

import pytest
from django.utils import timezone

from funding.models import Call, FunderMember
from tests.funding.factories import FunderFactory, FunderMemberFactory
from tests.funding.reviewing import call_with_grid, submitted_dossier

pytestmark = pytest.mark.django_db
URL = "/api/gestion/appels/"


@pytest.fixture
def funder_admin(funder):
    return FunderMemberFactory(funder=funder, role=FunderMember.Role.ADMIN,
                               user__email="admin.financeur@exemple.fr").user


def _post(client, url, data=None, method="post"):
    return getattr(client, method)(url, data or {}, content_type="application/json")


def _call(funder, **changes):
    now = timezone.now()
    return {"title": "Label vague 3", "funder": funder.slug, "kind": "label", "wave": 3,
            "opens_at": (now + timedelta(days=1)).isoformat(),
            "deadline": (now + timedelta(days=90)).isoformat(), **changes}


def test_an_admin_creates_fills_opens_closes_and_copies_a_call(client, funder, funder_admin):
    client.force_login(funder_admin)
    response = _post(client, URL, _call(funder))
    assert response.status_code == 201, response.json()
    created = response.json()
    assert (created["state"], created["wave"], created["criteria"]) == ("brouillon", 3, [])
    url = f"{URL}{created['id']}/"
    response = _post(client, url + "grille/", {"criteria": [
        {"label": "Coopération", "weight": 2, "max_score": 5},
        {"label": "Défis", "weight": 1, "max_score": 5}]}, method="put")
    assert [line["weight"] for line in response.json()["criteria"]] == [2, 1]
    now = timezone.now()
    response = _post(client, url + "ouvrir/", {"opens_at": now.isoformat(),
                                               "deadline": (now + timedelta(days=9)).isoformat()})
    assert response.json()["state"] == "ouvert"
    assert _post(client, url + "clore/").json()["state"] == "clos"
    response = _post(client, url + "clore/")
    assert response.status_code == 409 and response.json()["code"] == "invalid_transition"
    response = _post(client, url + "copier/")
    assert response.status_code == 201 and response.json()["title"] == "Label vague 3 (copie)"
    response = _post(client, url, {"title": "Nouveau titre"}, method="patch")
    assert response.json()["title"] == "Nouveau titre"


def test_bad_inputs_are_refused_and_write_nothing(client, funder, staff, territory_a):
    client.force_login(staff)
    response = _post(client, URL, _call(funder, deadline=timezone.now().isoformat(),
                                        opens_at=(timezone.now() + timedelta(days=2)).isoformat()))
    assert response.status_code == 400 and "doit suivre" in response.json()["detail"]
    response = _post(client, URL, _call(funder, kind="financement"))
    assert response.status_code == 400 and response.json()["code"] == "wave_without_label"
    assert not Call.objects.filter(title="Label vague 3").exists()
    call = call_with_grid(funder)
    response = _post(client, f"{URL}{call.pk}/grille/", {"criteria": [
        {"label": "Seul", "weight": 0, "max_score": 5}]}, method="put")
    assert response.status_code == 400
    submitted_dossier(call, territory_a.clusters.get())
    response = _post(client, f"{URL}{call.pk}/grille/", {"criteria": [
        {"label": "Seul", "weight": 1, "max_score": 5}]}, method="put")
    assert response.status_code == 409 and response.json()["code"] == "grid_in_use"
    assert call.criteria.count() == 3


@pytest.mark.parametrize(("role", "expected"), [
    ("member_a", 403), ("reviewer", 403), ("funder_admin", 404)])
def test_others_may_not_manage_the_call(client, request, funder, role, expected):
    person = request.getfixturevalue(role)
    other = call_with_grid(FunderFactory(name="Fondation voisine"))
    client.force_login(person)
    assert _post(client, f"{URL}{other.pk}/clore/").status_code == expected
    listed = client.get(URL)
    assert listed.status_code == (200 if role == "funder_admin" else 403)


def test_anonymous_is_asked_to_sign_in(client):
    assert client.get(URL).status_code in (401, 403)


def test_the_public_api_shows_the_wave_and_state_never_a_draft(client, funder, staff):
    call_with_grid(funder, kind="label", title="Label ouvert")
    client.force_login(staff)
    _post(client, URL, _call(funder, title="Label en brouillon"))
    client.logout()
    titles = {row["title"]: row for row in client.get("/api/appels/").json()["results"]}
    assert "Label en brouillon" not in titles
    assert (titles["Label ouvert"]["wave"], titles["Label ouvert"]["state"]) == (3, "ouvert")
