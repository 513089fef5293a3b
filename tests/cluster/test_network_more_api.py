"""Savoir-faire and besoins, regulatory blockers and masterclasses through the API: the same
services, access helpers and e-mails as the pages, for every role; bad input is a 4xx."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cluster.models import Blocker, Challenge, KnowHow, Masterclass
from cluster.services.network import (
    blocker_raise,
    blocker_track,
    know_how_add,
    masterclass_join,
)
from territories.models import Theme

pytestmark = pytest.mark.django_db

ROLES = ["facilitator", "member_a", "facilitator_b", "member_b", "reviewer", "staff", None]


def _login(client, people, role):
    if role:
        client.force_login(people[role])


def _post(client, name, *args, data=None, method="post"):
    return getattr(client, method)(reverse(name, args=args),
                                   data if data is not None else {},
                                   content_type="application/json")


def _future(days=10):
    return (timezone.now() + timedelta(days=days)).isoformat()


@pytest.fixture
def theme(db):
    return Theme.objects.get(slug="mobilite-douce")


@pytest.fixture
def challenge(cluster):
    return Challenge.objects.create(cluster=cluster, title="Cantines en circuits courts")


@pytest.fixture
def blocker(cluster, challenge, facilitator):
    return blocker_raise(cluster=cluster, challenge=challenge, rule="Code rural",
                         text="Un bail qui bloque.", by=facilitator)


@pytest.fixture
def masterclass(db):
    return Masterclass.objects.create(title="Financer un tiers-lieu",
                                      starts_at=timezone.now() + timedelta(days=10),
                                      place="En ligne")


# Savoir-faire and besoins ---------------------------------------------------------------------

@pytest.mark.parametrize(("role", "status"), [
    ("facilitator", 201), ("member_a", 403), ("facilitator_b", 400), ("member_b", 400),
    ("reviewer", 400), ("staff", 201), (None, 401),
])
def test_who_adds_know_how(client, people, cluster, role, status):
    _login(client, people, role)
    response = _post(client, "api:know-how-list", data={
        "cluster": cluster.pk, "kind": "savoir_faire", "theme": "mobilite-douce",
        "text": "Vélo-école"})
    assert response.status_code == status, response.json()
    assert KnowHow.objects.count() == (1 if status == 201 else 0)
    if status == 201:
        assert response.json()["territory"] == cluster.territory.slug


@pytest.mark.parametrize(("role", "listed", "delete"), [
    ("facilitator", 1, 204), ("member_a", 1, 403), ("facilitator_b", 2, 403),
    ("member_b", 2, 403), ("reviewer", 1, 403), ("staff", 2, 204), (None, 1, 401),
])
def test_who_reads_and_removes_know_how(client, people, cluster, cluster_b, theme, role,
                                        listed, delete):
    """Territory A is published, B a draft: its lines are read by its editors only."""
    item = know_how_add(cluster=cluster, kind="besoin", theme=theme, text="Vélo-école")
    know_how_add(cluster=cluster_b, kind="besoin", theme=theme, text="Brouillon")
    _login(client, people, role)
    response = client.get(reverse("api:know-how-list"))
    assert response.json()["count"] == listed
    status = _post(client, "api:know-how-detail", item.pk, method="delete").status_code
    assert status == delete
    assert KnowHow.objects.filter(pk=item.pk).exists() == (delete != 204)


@pytest.mark.parametrize("body", [
    [], ["x"], {"cluster": "abc", "kind": "besoin", "theme": "mobilite-douce", "text": "x"},
    {"cluster": [1], "kind": "besoin", "theme": "mobilite-douce", "text": "x"},
    {"cluster": 1, "kind": "autre", "theme": "mobilite-douce", "text": "x"},
    {"cluster": 1, "kind": "besoin", "theme": 3, "text": "x"},
    {"cluster": 1, "kind": "besoin", "theme": "mobilite-douce", "text": "a\x00b"},
    {"cluster": 1, "kind": "besoin", "theme": "mobilite-douce", "text": "  "},
])
def test_bad_know_how_bodies_are_a_400(client, facilitator, cluster, body):
    client.force_login(facilitator)
    if isinstance(body, dict) and body.get("cluster") == 1:
        body = {**body, "cluster": cluster.pk}
    assert _post(client, "api:know-how-list", data=body).status_code == 400
    assert not KnowHow.objects.exists()


def test_know_how_on_a_theme_that_is_not_national_is_a_400(client, facilitator, cluster):
    theme = Theme.objects.filter(is_national=False).first()
    client.force_login(facilitator)
    response = _post(client, "api:know-how-list", data={
        "cluster": cluster.pk, "kind": "besoin", "theme": theme.slug, "text": "x"})
    assert response.status_code == 400 and "theme" in response.json()["errors"]


# Regulatory blockers --------------------------------------------------------------------------

@pytest.mark.parametrize(("role", "status"), [
    ("facilitator", 201), ("member_a", 403), ("facilitator_b", 400), ("member_b", 400),
    ("reviewer", 400), ("staff", 201), (None, 401),
])
def test_who_raises_a_blocker(client, people, cluster, challenge, committed, role, status):
    _login(client, people, role)
    with committed():
        response = _post(client, "api:blocker-list", data={
            "cluster": cluster.pk, "challenge": challenge.pk, "rule": "Code rural",
            "text": "Un bail qui bloque."})
    assert response.status_code == status, response.json()
    if status == 201:
        assert response.json()["status"] == "remonte"
        assert [message.to for message in mail.outbox] == [[people["staff"].email]]
    else:
        assert not Blocker.objects.exists() and mail.outbox == []


def test_a_blocker_s_rule_and_defi_are_checked(client, facilitator, cluster, cluster_b,
                                               challenge):
    client.force_login(facilitator)
    body = {"cluster": cluster.pk, "challenge": challenge.pk, "rule": "  ", "text": "x"}
    empty = _post(client, "api:blocker-list", data=body)
    assert (empty.status_code, empty.json()["code"]) == (400, "rule_required")
    other = Challenge.objects.create(cluster=cluster_b, title="Autre défi")
    wrong = _post(client, "api:blocker-list", data={**body, "rule": "R",
                                                     "challenge": other.pk})
    assert (wrong.status_code, wrong.json()["code"]) == (400, "challenge_required")
    for challenge_id in ("abc", [challenge.pk], 999999, None):
        response = _post(client, "api:blocker-list", data={**body, "rule": "R",
                                                           "challenge": challenge_id})
        assert response.status_code == 400
    assert _post(client, "api:blocker-list", data=[body]).status_code == 400
    assert _post(client, "api:blocker-list",
                 data={**body, "rule": "R\x00"}).status_code == 400
    assert not Blocker.objects.exists()


@pytest.mark.parametrize(("role", "read", "track"), [
    ("facilitator", 200, 403), ("member_a", 200, 403), ("facilitator_b", 404, 404),
    ("member_b", 404, 404), ("reviewer", 404, 404), ("staff", 200, 200), (None, 401, 401),
])
def test_who_reads_and_tracks_a_blocker(client, people, blocker, committed, role, read,
                                        track):
    mail.outbox.clear()
    _login(client, people, role)
    assert client.get(reverse("api:blocker-detail", args=[blocker.pk])).status_code == read
    listed = client.get(reverse("api:blocker-list"))
    if read == 200:
        assert [row["id"] for row in listed.json()["results"]] == [blocker.pk]
    elif role:
        assert listed.json()["results"] == []
    with committed():
        response = _post(client, "api:blocker-track", blocker.pk, data={"status": "instruit"})
    assert response.status_code == track
    blocker.refresh_from_db()
    assert blocker.status == ("instruit" if track == 200 else "remonte")
    if track == 200:
        assert [message.to for message in mail.outbox] == [[people["facilitator"].email]]


def test_the_api_checks_the_blocker_s_transitions(client, staff, blocker):
    client.force_login(staff)
    url = "api:blocker-track"
    skipped = _post(client, url, blocker.pk, data={"status": "parraine", "sponsor": "M. X"})
    assert (skipped.status_code, skipped.json()["code"]) == (409, "wrong_status")
    assert _post(client, url, blocker.pk, data={"status": "instruit"}).status_code == 200
    nobody = _post(client, url, blocker.pk, data={"status": "parraine"})
    assert (nobody.status_code, nobody.json()["code"]) == (400, "sponsor_required")
    for body in ([], {"status": "ouvert"}, {"status": ["leve"]}, {"status": "leve\x00"}):
        assert _post(client, url, blocker.pk, data=body).status_code == 400
    lifted = _post(client, url, blocker.pk, data={"status": "leve", "public_summary": "Levé."})
    assert lifted.json()["lifted_on"] == timezone.localdate().isoformat()
    assert client.post("/api/freins/abc/suivre/").status_code == 404


def test_the_public_reads_lifted_blockers_summary_only(client, blocker, cluster_b):
    other = blocker_raise(cluster=cluster_b, challenge=Challenge.objects.create(
        cluster=cluster_b, title="Défi"), rule="Règle du brouillon", text="x", by=None)
    for row in (blocker, other):
        blocker_track(blocker=row, status="instruit")
    assert client.get(reverse("api:lifted-blocker-list")).json()["results"] == []
    for row in (blocker, other):
        blocker_track(blocker=row, status="leve", public_summary="Seuil relevé.")
    [row] = client.get(reverse("api:lifted-blocker-list")).json()["results"]
    assert row["id"] == blocker.pk and row["public_summary"] == "Seuil relevé."
    assert "text" not in row and "raised_by" not in row
    assert client.get(reverse("api:blocker-list")).status_code == 401


# Masterclasses --------------------------------------------------------------------------------

@pytest.mark.parametrize(("role", "join"), [
    ("facilitator", 200), ("member_a", 200), ("facilitator_b", 200), ("member_b", 200),
    ("reviewer", 400), ("staff", 400), (None, 401),
])
def test_members_of_any_collective_join_and_leave(client, people, masterclass, role, join):
    _login(client, people, role)
    [row] = client.get(reverse("api:masterclass-list")).json()["results"]
    assert (row["joined"], row["participant_count"]) == (False, 0)
    response = _post(client, "api:masterclass-join", masterclass.pk)
    assert response.status_code == join
    if join == 200:
        assert (response.json()["joined"], response.json()["participant_count"]) == (True, 1)
        left = _post(client, "api:masterclass-leave", masterclass.pk)
        assert (left.json()["joined"], left.json()["participant_count"]) == (False, 0)
    elif role:
        assert response.json()["code"] == "not_a_member"


def test_a_started_masterclass_is_not_joined(client, member_a, masterclass):
    Masterclass.objects.filter(pk=masterclass.pk).update(
        starts_at=timezone.now() - timedelta(minutes=1))
    client.force_login(member_a)
    response = _post(client, "api:masterclass-join", masterclass.pk)
    assert (response.status_code, response.json()["code"]) == (409, "started")


@pytest.mark.parametrize(("role", "status"), [
    ("facilitator", 403), ("member_a", 403), ("facilitator_b", 403), ("member_b", 403),
    ("reviewer", 403), ("staff", 201), (None, 401),
])
def test_only_the_national_team_announces_a_masterclass(client, people, role, status):
    _login(client, people, role)
    response = _post(client, "api:masterclass-list", data={
        "title": "Bien vieillir chez soi", "theme": "bien-vieillir", "starts_at": _future(),
        "place": "Nantes"})
    assert response.status_code == status
    assert Masterclass.objects.count() == (1 if status == 201 else 0)


@pytest.mark.parametrize("body", [
    [], {"title": "x", "starts_at": "demain", "place": "x"},
    {"title": "x", "starts_at": _future(-1), "place": "x"},
    {"title": "x", "starts_at": _future(), "place": "x", "theme": 3},
    {"title": "x", "starts_at": _future(), "place": "x", "theme": "pas-un-theme"},
    {"title": "x\x00", "starts_at": _future(), "place": "x"},
    {"title": " ", "starts_at": _future(), "place": "x"},
    {"title": ["x"], "starts_at": _future(), "place": "x"},
])
def test_bad_masterclass_bodies_are_a_400(client, staff, body):
    client.force_login(staff)
    assert _post(client, "api:masterclass-list", data=body).status_code == 400
    assert not Masterclass.objects.exists()


def test_staff_edit_then_cancel_a_masterclass(client, staff, facilitator, member_a,
                                              masterclass, committed):
    masterclass_join(masterclass=masterclass, user=member_a)
    body = {"title": "Tiers-lieux et finances", "starts_at": _future(20), "place": "Paris"}
    client.force_login(facilitator)
    assert _post(client, "api:masterclass-detail", masterclass.pk, data=body,
                 method="put").status_code == 403
    assert _post(client, "api:masterclass-detail", masterclass.pk,
                 method="delete").status_code == 403
    client.force_login(staff)
    response = _post(client, "api:masterclass-detail", masterclass.pk, data=body, method="put")
    assert (response.json()["title"], response.json()["participant_count"]) == (
        "Tiers-lieux et finances", 1)
    with committed():
        deleted = _post(client, "api:masterclass-detail", masterclass.pk, method="delete")
    assert deleted.status_code == 204 and not Masterclass.objects.exists()
    assert [message.to for message in mail.outbox] == [[member_a.email]]
    assert client.get("/api/masterclasses/abc/").status_code == 404
    assert client.post("/api/masterclasses/1.5/inscription/").status_code == 404


# Bounded lists and the contract ---------------------------------------------------------------

def test_the_lists_take_constant_queries(client, staff, member_a, cluster, theme):
    client.force_login(staff)
    lists = ["api:know-how-list", "api:blocker-list", "api:lifted-blocker-list",
             "api:masterclass-list"]

    def grow(count):
        for number in range(count):
            know_how_add(cluster=cluster, kind="besoin", theme=theme, text=f"B{number}")
            blocker = blocker_raise(cluster=cluster, challenge=Challenge.objects.create(
                cluster=cluster, title=f"D{number}"), rule=f"R{number}", text="x", by=None)
            blocker_track(blocker=blocker, status="instruit")
            blocker_track(blocker=blocker, status="leve", public_summary="Levé.")
            Masterclass.objects.create(title=f"M{number}", theme=theme, place="x",
                                       starts_at=timezone.now() + timedelta(days=number + 1)
                                       ).participants.add(member_a)

    def counts():
        result = []
        for name in lists:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(reverse(name)).status_code == 200
            result.append(len(queries))
        return result

    grow(2)
    small = counts()
    grow(10)
    assert counts() == small
    assert max(small) <= 8


def test_the_endpoints_are_documented(openapi_schema):
    paths = openapi_schema["paths"]
    assert {"/api/savoir-faire/", "/api/savoir-faire/{id}/", "/api/freins/",
            "/api/freins/{id}/", "/api/freins/{id}/suivre/", "/api/freins-leves/",
            "/api/masterclasses/", "/api/masterclasses/{id}/",
            "/api/masterclasses/{id}/inscription/",
            "/api/masterclasses/{id}/desinscription/"} <= set(paths)
    assert {"201", "400", "403"} <= set(paths["/api/freins/"]["post"]["responses"])
    assert {"200", "400", "403", "404", "409"} <= set(
        paths["/api/freins/{id}/suivre/"]["post"]["responses"])
    assert {"204", "403", "404", "409"} <= set(
        paths["/api/masterclasses/{id}/"]["delete"]["responses"])
    assert {"201", "400", "403"} <= set(paths["/api/savoir-faire/"]["post"]["responses"])
    schemas = openapi_schema["components"]["schemas"]
    assert schemas["Blocker"]["properties"]["lifted_on"]["nullable"] is True
    assert "text" not in schemas["LiftedBlocker"]["properties"]
