"""Join requests through the API: a person asks, the collective's facilitators answer; the
same services, rules and e-mails as the pages."""

import pytest
from django.core import mail
from django.urls import reverse

from cluster.join_models import JoinRequest
from cluster.models import Membership, User
from cluster.onboarding import join_request_send
from cluster.services import api_token_create

pytestmark = pytest.mark.django_db

LIST = "api:join-request-list"


@pytest.fixture
def newcomer(db):
    return User.objects.create_user(email="nouvelle@exemple.fr", password="un-secret-2026",
                                    first_name="Inès", last_name="Nouvelle")


@pytest.fixture
def pending(newcomer, collective_a):
    return join_request_send(collective=collective_a, by=newcomer, message="Bonjour !")


def _post(client, name, *args, data=None):
    return client.post(reverse(name, args=args), data if data is not None else {},
                       content_type="application/json")


def _ids(client, query=""):
    response = client.get(reverse(LIST) + query)
    assert response.status_code == 200, response.json()
    return [row["id"] for row in response.json()["results"]]


def test_a_person_asks_to_join_and_the_facilitators_get_an_e_mail(
        client, newcomer, facilitator, collective_a, committed):
    client.force_login(newcomer)
    with committed():
        response = _post(client, LIST, data={"collective": collective_a.pk,
                                             "message": "  Je travaille à la Région.  "})
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body == {"id": body["id"], "collective": collective_a.pk,
                    "collective_name": collective_a.name, "person": "Inès Nouvelle",
                    "message": "Je travaille à la Région.", "status": "pending",
                    "created_at": body["created_at"], "decided_at": None}
    assert mail.outbox[-1].to == [facilitator.email]
    assert "Je travaille à la Région." in mail.outbox[-1].body
    assert _ids(client) == [body["id"]]


def test_the_facilitator_lists_the_pending_requests_and_accepts_one(
        client, newcomer, facilitator, collective_a, pending, committed):
    client.force_login(facilitator)
    assert _ids(client, "?status=pending") == [pending.pk]
    assert _ids(client, f"?collective={collective_a.pk}") == [pending.pk]
    with committed():
        response = _post(client, "api:join-request-accept", pending.pk)
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "accepted"
    assert collective_a.memberships.filter(user=newcomer, role="member").exists()
    assert mail.outbox[-1].to == [newcomer.email]
    assert "Bienvenue" in mail.outbox[-1].subject
    assert _ids(client, "?status=pending") == []


def test_the_facilitator_refuses_and_answering_twice_is_a_409(
        client, newcomer, facilitator, collective_a, pending, committed):
    client.force_login(facilitator)
    with committed():
        response = _post(client, "api:join-request-refuse", pending.pk)
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "refused"
    assert not collective_a.memberships.filter(user=newcomer).exists()
    assert mail.outbox[-1].to == [newcomer.email]
    for name in ("api:join-request-accept", "api:join-request-refuse"):
        response = _post(client, name, pending.pk)
        assert response.status_code == 409
        assert response.json()["code"] == "already_decided"
        assert "déjà reçu une réponse" in response.json()["detail"]
    assert not collective_a.memberships.filter(user=newcomer).exists()


@pytest.mark.parametrize(("role", "read", "answer"), [
    ("anonymous", 401, 401),
    ("member_b", 404, 404),   # another collective's member never learns it exists
    ("member_a", 404, 404),   # a member who does not facilitate neither
    ("requester", 200, 403),  # the person reads her request, may not answer it
    ("facilitator", 200, 200),
    ("staff", 200, 200),
])
def test_who_reads_and_answers_a_request(client, cast, newcomer, pending, role, read, answer):
    people = {**cast, "requester": newcomer}
    if role != "anonymous":
        client.force_login(people[role])
    assert client.get(reverse("api:join-request-detail", args=[pending.pk])
                      ).status_code == read
    response = _post(client, "api:join-request-accept", pending.pk)
    assert response.status_code == answer
    if answer == 403:
        assert "animateur·rices du collectif" in response.json()["detail"]
    pending.refresh_from_db()
    assert pending.status == ("accepted" if answer == 200 else "pending")


def test_other_people_do_not_see_the_request_in_the_list(client, cast, pending):
    for role in ("member_a", "member_b", "reviewer"):
        client.force_login(cast[role])
        assert _ids(client) == []
    assert client.get(reverse(LIST)).status_code == 200


def test_anonymous_may_not_ask(client, collective_a):
    assert _post(client, LIST, data={"collective": collective_a.pk}).status_code == 401
    assert not JoinRequest.objects.exists()


@pytest.mark.parametrize(("data", "status", "code", "message"), [
    ({"collective": "aix"}, 400, "invalid", "Type incorrect"),
    ({"collective": 999999}, 400, "invalid", "999999"),
    ({"collective": 99999999999999999999999}, 400, "invalid", "collective"),
    ({"collective": True}, 400, "invalid", "collective"),
    ({}, 400, "invalid", "obligatoire"),
    ({"collective": "COLLECTIVE", "message": "x" * 2001}, 400, "invalid", "2000"),
    (["COLLECTIVE"], 400, "not_an_object", "doit être un objet JSON"),
])
def test_bad_requests_get_a_400_in_french_and_nothing_is_written(
        client, newcomer, collective_a, data, status, code, message):
    client.force_login(newcomer)
    if isinstance(data, dict) and data.get("collective") == "COLLECTIVE":
        data["collective"] = collective_a.pk
    response = _post(client, LIST, data=data)
    assert response.status_code == status, response.json()
    assert response.json()["code"] == code
    assert message in str(response.json())
    assert not JoinRequest.objects.exists()


def test_a_member_or_a_second_request_is_refused_with_a_409(
        client, newcomer, member_a, collective_a, pending):
    client.force_login(member_a)
    response = _post(client, LIST, data={"collective": collective_a.pk})
    assert response.status_code == 409
    assert response.json()["code"] == "already_member"
    assert "Vous faites déjà partie" in response.json()["detail"]
    client.force_login(newcomer)
    response = _post(client, LIST, data={"collective": collective_a.pk})
    assert response.status_code == 409
    assert response.json()["code"] == "already_requested"
    assert "attend déjà la réponse" in response.json()["detail"]
    assert JoinRequest.objects.count() == 1


def test_a_bad_id_in_the_url_is_a_404(client, facilitator):
    client.force_login(facilitator)
    assert _post(client, "api:join-request-accept", 999999).status_code == 404
    response = client.post("/api/demandes-d-adhesion/abc/accepter/")
    assert response.status_code == 404


def test_a_token_limited_to_one_collective_reaches_no_other_ones_requests(
        client, facilitator, collective_a, collective_b, pending):
    Membership.objects.create(user=facilitator, collective=collective_b,
                              role=Membership.Role.FACILITATOR)
    _row, secret = api_token_create(user=facilitator, lifetime_days=30,
                                    collective=collective_b)
    auth = {"HTTP_AUTHORIZATION": f"Token {secret}"}
    response = client.get(reverse(LIST), **auth)
    assert response.status_code == 200 and response.json()["results"] == []
    response = client.post(reverse("api:join-request-accept", args=[pending.pk]), **auth)
    assert response.status_code == 404
    pending.refresh_from_db()
    assert pending.status == "pending"
