"""Transfers of expertise through the API: the same services, rules and e-mails as the pages,
for every role; bad input is a 4xx, never a 500."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from cluster.models import Transfer
from cluster.services.network import transfer_ask, transfer_decide
from territories.models import Theme

pytestmark = pytest.mark.django_db

LIST = "api:transfer-list"


@pytest.fixture
def peer(cluster_b):
    cluster_b.territory.is_published = True
    cluster_b.territory.save(update_fields=["is_published"])
    return cluster_b


@pytest.fixture
def asked(cluster, peer, facilitator):
    return transfer_ask(requester=cluster, provider=peer,
                        theme=Theme.objects.get(slug="mobilite-douce"),
                        subject="Vélo-école", format="atelier", by=facilitator)


def _post(client, name, *args, data=None):
    return client.post(reverse(name, args=args), data if data is not None else {},
                       content_type="application/json")


def _body(cluster, peer, **changes):
    return {"requester": cluster.pk, "provider": peer.pk, "theme": "mobilite-douce",
            "subject": "Vélo-école", "format": "atelier", **changes}


@pytest.mark.parametrize(("role", "status"), [
    ("facilitator", 201), ("member_a", 403), ("facilitator_b", 400), ("member_b", 400),
    ("reviewer", 400), ("staff", 201),
])
def test_who_asks_a_transfer(client, people, cluster, peer, role, status, committed):
    client.force_login(people[role])
    with committed():
        response = _post(client, LIST, data=_body(cluster, peer))
    assert response.status_code == status, response.json()
    if status == 201:
        assert response.json()["status"] == "demande"
        assert mail.outbox[-1].to == [people["facilitator_b"].email]
    else:
        # A member of the requester's collective is told why; others, that it is unknown.
        assert not Transfer.objects.exists()
        if status == 400:
            assert "requester" in response.json()["errors"]


def test_the_api_refuses_the_own_territory_and_a_second_open_transfer(
        client, facilitator, cluster, peer):
    client.force_login(facilitator)
    own = _post(client, LIST, data=_body(cluster, cluster))
    assert (own.status_code, own.json()["code"]) == (400, "own_territory")
    assert "un autre territoire que le vôtre" in own.json()["detail"]
    assert _post(client, LIST, data=_body(cluster, peer)).status_code == 201
    again = _post(client, LIST, data=_body(cluster, peer))
    assert (again.status_code, again.json()["code"]) == (409, "already_asked")
    assert Transfer.objects.count() == 1


@pytest.mark.parametrize(("role", "read", "accept"), [
    ("facilitator", 200, 403), ("member_a", 200, 403), ("facilitator_b", 200, 200),
    ("member_b", 200, 403), ("reviewer", 404, 404), ("staff", 200, 200),
])
def test_who_reads_and_accepts_a_transfer(client, people, asked, role, read, accept):
    client.force_login(people[role])
    assert client.get(reverse("api:transfer-detail", args=[asked.pk])).status_code == read
    response = _post(client, "api:transfer-accept", asked.pk, data={"answer": "Oui"})
    assert response.status_code == accept


def test_the_anonymous_public_reads_accepted_transfers_only(client, asked, facilitator_b):
    assert client.get(reverse(LIST)).json()["results"] == []
    assert _post(client, "api:transfer-refuse", asked.pk).status_code in (401, 403)
    transfer_decide(transfer=asked, accept=True, by=facilitator_b)
    [row] = client.get(reverse(LIST)).json()["results"]
    assert (row["id"], row["status"], row["held_on"]) == (asked.pk, "accepte", None)


def test_the_peer_refuses_then_no_one_records_it_held(client, asked, facilitator,
                                                      facilitator_b):
    client.force_login(facilitator_b)
    assert _post(client, "api:transfer-refuse", asked.pk).json()["status"] == "refuse"
    client.force_login(facilitator)
    response = _post(client, "api:transfer-held", asked.pk, data={
        "held_on": timezone.localdate().isoformat(), "format": "visite", "outcome": "x"})
    assert (response.status_code, response.json()["code"]) == (409, "wrong_status")


def test_either_side_records_the_transfer_held(client, asked, facilitator, facilitator_b,
                                               member_a, committed):
    transfer_decide(transfer=asked, accept=True, by=facilitator_b)
    data = {"held_on": timezone.localdate().isoformat(), "format": "visite",
            "outcome": "Une vélo-école ouverte"}
    client.force_login(member_a)
    assert _post(client, "api:transfer-held", asked.pk, data=data).status_code == 403
    client.force_login(facilitator)
    with committed():
        response = _post(client, "api:transfer-held", asked.pk, data=data)
    assert response.json()["status"] == "realise"
    assert {message.to[0] for message in mail.outbox[-2:]} == {facilitator.email,
                                                               facilitator_b.email}


@pytest.mark.parametrize("body", [
    [], ["x"], {"requester": "abc", "provider": [], "theme": 3, "subject": "x",
                "format": "visite"},
    {"requester": 1, "provider": 2, "theme": "mobilite-douce", "subject": "a\x00b",
     "format": "visite"},
])
def test_bad_bodies_are_a_400(client, facilitator, body):
    client.force_login(facilitator)
    assert _post(client, LIST, data=body).status_code == 400


def test_wrong_id_types_are_a_404(client, facilitator):
    client.force_login(facilitator)
    assert client.get("/api/transferts/abc/").status_code == 404
    assert client.post("/api/transferts/1.5/accepter/").status_code == 404
    assert client.get(reverse("api:transfer-detail", args=[999999])).status_code == 404
    assert client.get("/reseau/transferts/abc/").status_code == 404


@pytest.mark.parametrize("count", [2, 12])
def test_the_list_takes_constant_queries(client, count, cluster, peer, facilitator,
                                         django_assert_max_num_queries):
    themes = list(Theme.objects.national())
    from cluster.services import cluster_create
    from tests.cluster.factories import CollectiveFactory
    from tests.territories.factories import TerritoryFactory

    for number in range(count):
        other = cluster_create(collective=CollectiveFactory(), territory=TerritoryFactory(),
                               start_date=timezone.localdate())
        transfer_ask(requester=cluster, provider=other, theme=themes[number % 5],
                     subject=f"Sujet {number}", format="visite", by=facilitator)
    client.force_login(facilitator)
    with django_assert_max_num_queries(8):
        response = client.get(reverse(LIST))
    assert response.json()["count"] == count


def test_the_endpoints_are_documented(openapi_schema):
    paths = openapi_schema["paths"]
    assert {"/api/transferts/", "/api/transferts/{id}/", "/api/transferts/{id}/accepter/",
            "/api/transferts/{id}/refuser/", "/api/transferts/{id}/realise/"} <= set(paths)
    create = paths["/api/transferts/"]["post"]
    assert {"201", "400", "403", "409"} <= set(create["responses"])
    assert "409" in paths["/api/transferts/{id}/realise/"]["post"]["responses"]
