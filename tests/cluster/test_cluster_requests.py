"""A collective asking for a cluster on a territory another collective stewards sends it a
request; the steward's facilitators or staff accept it (the cluster is created) or refuse."""

from datetime import date

import pytest
from django.urls import reverse

from cluster.models import Cluster, ClusterRequest, Membership, Stewardship
from cluster.services import cluster_create
from cluster.stewardship import cluster_request_accept, cluster_start
from tests.cluster.factories import MembershipFactory
from tests.helpers import as_role, page_text
from tests.territories.factories import TerritoryFactory

pytestmark = pytest.mark.django_db

SENT = ("Une demande a été envoyée aux animateur·rices du collectif « Collectif porteur "
        "Aix-Marseille-Provence » qui anime ce territoire.")


def api_create(client, collective, territory, **extra):
    return client.post(reverse("api:cluster-list"), {
        "collective": collective.slug, "territory": territory.slug,
        "start_date": "2026-09-01", "duration_months": 10, **extra,
    }, content_type="application/json")


@pytest.fixture
def pending(territory_a, collective_b, facilitator_b):
    return cluster_start(collective=collective_b, territory=territory_a,
                         start_date=date(2026, 9, 1), duration_months=10, by=facilitator_b,
                         message="Nous animons déjà les quartiers Nord.").request


# Asking --------------------------------------------------------------------------------------

def test_the_page_sends_a_request_instead_of_creating_the_cluster(
        client, facilitator_b, facilitator, collective_b, territory_a, mailoutbox,
        django_capture_on_commit_callbacks):
    client.force_login(facilitator_b)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("cluster_create"), {
            "collective": collective_b.pk, "territory": territory_a.pk,
            "start_date": "2026-09-01", "duration_months": "10",
            "message": "Nous animons déjà les quartiers Nord."}, follow=True)
    assert SENT in page_text(response)
    request = ClusterRequest.objects.get()
    assert response.redirect_chain[-1][0] == request.get_absolute_url()
    assert (request.status, request.requested_by, request.duration_months) == \
        ("pending", facilitator_b, 10)
    assert not Cluster.objects.filter(collective=collective_b).exists()
    # Both sides: the steward's facilitator, and the one who asked.
    assert sorted(mail.to[0] for mail in mailoutbox) == sorted([facilitator.email,
                                                                facilitator_b.email])
    mail = next(mail for mail in mailoutbox if mail.to == [facilitator.email])
    assert "Nous animons déjà les quartiers Nord." in mail.body
    assert request.get_absolute_url() in mail.body


def test_the_api_answers_202_with_the_request(client, facilitator_b, collective_b,
                                              territory_a):
    client.force_login(facilitator_b)
    response = api_create(client, collective_b, territory_a, message="Bonjour")
    assert response.status_code == 202, response.json()
    body = response.json()
    assert (body["code"], body["detail"]) == ("cluster_request_sent", SENT)
    assert body["request"]["status"] == "pending"
    assert body["request"]["territory"] == territory_a.slug
    assert ClusterRequest.objects.get().message == "Bonjour"


@pytest.mark.parametrize(("role", "collective", "status"), [
    ("facilitator", "a", 409),     # collective A already runs its cluster there
    ("member_a", "a", 403),
    ("facilitator_b", "b", 202),   # a request, not a cluster
    ("member_b", "b", 403),
    ("reviewer", "b", 403),
    ("staff", "b", 201),           # the coordinator creates it at once
    ("anonymous", "b", 401),
])
def test_cluster_creation_on_a_stewarded_territory_by_role(
        client, people, collective_a, collective_b, territory_a, role, collective, status):
    as_role(client, people, role)
    collective = collective_a if collective == "a" else collective_b
    response = api_create(client, collective, territory_a)
    assert response.status_code == status, response.json()
    assert ClusterRequest.objects.count() == (1 if status == 202 else 0)
    assert Cluster.objects.filter(collective=collective_b).exists() == (status == 201)
    # Whoever gets a cluster there, the steward stays collective A.
    assert Stewardship.objects.get(territory=territory_a).collective == collective_a


def test_a_facilitator_of_the_steward_starts_her_other_collective_at_once(
        client, facilitator, collective_b, territory_a):
    MembershipFactory(collective=collective_b, user=facilitator,
                      role=Membership.Role.FACILITATOR)
    client.force_login(facilitator)
    assert api_create(client, collective_b, territory_a).status_code == 201


def test_a_cluster_on_a_territory_without_steward_makes_the_collective_its_steward(
        client, facilitator_b, collective_b):
    territory = TerritoryFactory(name="Pays de Grasse", slug="pays-de-grasse")
    client.force_login(facilitator_b)
    response = client.post(reverse("cluster_create"), {
        "collective": collective_b.pk, "territory": territory.pk,
        "start_date": "2026-09-01", "duration_months": "12"})
    cluster = Cluster.objects.get(collective=collective_b, territory=territory)
    assert response.url == reverse("cluster_dashboard", args=[cluster.pk])
    assert Stewardship.objects.get(territory=territory).collective == collective_b
    assert not ClusterRequest.objects.exists()


def test_a_second_request_is_refused_with_409(client, facilitator_b, collective_b, territory_a,
                                              pending):
    client.force_login(facilitator_b)
    response = api_create(client, collective_b, territory_a)
    assert response.status_code == 409
    assert response.json()["code"] == "already_requested"
    page = client.post(reverse("cluster_create"), {
        "collective": collective_b.pk, "territory": territory_a.pk,
        "start_date": "2026-09-01", "duration_months": "10"})
    assert page.status_code == 400
    assert "attend déjà la réponse du collectif « Collectif porteur " \
        "Aix-Marseille-Provence »" in page_text(page)
    assert ClusterRequest.objects.count() == 1


def test_a_refused_collective_may_ask_again(facilitator, facilitator_b, collective_b,
                                            territory_a, pending):
    from cluster.stewardship import cluster_request_refuse

    cluster_request_refuse(cluster_request=pending, by=facilitator)
    again = cluster_start(collective=collective_b, territory=territory_a,
                          start_date=date(2027, 1, 1), by=facilitator_b)
    assert again.request.status == "pending"
    assert ClusterRequest.objects.count() == 2


@pytest.mark.parametrize(("payload", "code"), [
    ({"message": "x" * 2001}, "invalid"),
    ({"duration_months": 8}, "invalid"),
    ({"territory": "territoire-inconnu"}, "invalid"),
    ({"territory": "lyon-metropole"}, "invalid"),  # a draft facilitator B cannot read… yet
])
def test_bad_requests_are_refused_and_nothing_is_written(client, facilitator, collective_a,
                                                         territory_b, payload, code):
    """Facilitator A asks for a cluster; a draft of another collective is "not found"."""
    other = TerritoryFactory(name="Vallée de la Drôme", slug="vallee-de-la-drome")
    cluster_create(collective=territory_b.clusters.get().collective, territory=other,
                   start_date=date(2026, 1, 1))
    client.force_login(facilitator)
    response = client.post(reverse("api:cluster-list"), {
        "collective": collective_a.slug, "territory": other.slug,
        "start_date": "2026-09-01", "duration_months": 10, **payload,
    }, content_type="application/json")
    assert response.status_code == 400, response.json()
    assert response.json()["code"] == code
    assert not ClusterRequest.objects.exists()


def test_a_too_long_message_is_refused_by_the_service(facilitator_b, collective_b,
                                                      territory_a):
    from cluster.errors import DomainError

    with pytest.raises(DomainError) as error:
        cluster_start(collective=collective_b, territory=territory_a,
                      start_date=date(2026, 9, 1), by=facilitator_b, message="x" * 2001)
    assert error.value.code == "too_long"
    assert not ClusterRequest.objects.exists()


# Deciding ------------------------------------------------------------------------------------

def test_accepting_on_the_page_creates_the_cluster_and_tells_both_sides(
        client, facilitator, facilitator_b, collective_b, territory_a, pending, mailoutbox,
        django_capture_on_commit_callbacks, time_machine):
    time_machine.move_to("2026-08-20 10:00:00+02:00")
    client.force_login(facilitator)
    detail = client.get(pending.get_absolute_url())
    assert "Nous animons déjà les quartiers Nord." in page_text(detail)
    assert reverse("cluster_request_decide", args=[pending.pk]) in page_text(detail)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("cluster_request_decide", args=[pending.pk]),
                               {"decision": "accept", "answer": "Bienvenue !"}, follow=True)
    assert "le cluster du collectif « Collectif porteur Lyon-Métropole » est créé" in \
        page_text(response)
    pending.refresh_from_db()
    cluster = Cluster.objects.get(collective=collective_b, territory=territory_a)
    assert (pending.status, pending.decided_by, pending.cluster, pending.answer) == \
        ("accepted", facilitator, cluster, "Bienvenue !")
    assert pending.decided_at.isoformat().startswith("2026-08-20T08:00")
    assert (cluster.start_date, cluster.duration_months, cluster.steps.count()) == \
        (date(2026, 9, 1), 10, 7)
    assert sorted(mail.to[0] for mail in mailoutbox) == sorted([facilitator.email,
                                                                facilitator_b.email])
    assert all("acceptée" in mail.subject and "Bienvenue !" in mail.body
               for mail in mailoutbox)
    # The cluster does not make collective B an editor of the territory.
    client.force_login(facilitator_b)
    assert client.get(reverse("territories:update", args=[territory_a.slug])).status_code \
        == 403


def test_refusing_through_the_api(client, staff, collective_b, pending):
    client.force_login(staff)
    response = client.post(reverse("api:cluster-request-refuse", args=[pending.pk]),
                           {"answer": "Le territoire a déjà son cluster."},
                           content_type="application/json")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "refused"
    assert response.json()["cluster"] is None
    assert not Cluster.objects.filter(collective=collective_b).exists()


@pytest.mark.parametrize("first", ["accepter", "refuser"])
@pytest.mark.parametrize("second", ["accepter", "refuser"])
def test_a_decided_request_cannot_be_decided_again(client, facilitator, collective_b,
                                                   pending, first, second):
    client.force_login(facilitator)
    url = "api:cluster-request-accept" if first == "accepter" else "api:cluster-request-refuse"
    assert client.post(reverse(url, args=[pending.pk]),
                       content_type="application/json").status_code == 200
    url = "api:cluster-request-accept" if second == "accepter" else "api:cluster-request-refuse"
    response = client.post(reverse(url, args=[pending.pk]), content_type="application/json")
    assert response.status_code == 409
    assert response.json()["code"] == "already_decided"
    assert Cluster.objects.filter(collective=collective_b).count() == \
        (1 if first == "accepter" else 0)
    page = client.post(reverse("cluster_request_decide", args=[pending.pk]),
                       {"decision": "accept"}, follow=True)
    assert "Cette demande a déjà reçu une réponse" in page_text(page)


@pytest.mark.parametrize(("role", "status"), [
    ("facilitator", 200), ("staff", 200), ("facilitator_b", 403), ("member_b", 403),
    ("member_a", 404), ("reviewer", 404), ("anonymous", 401),
])
def test_who_may_accept_a_request(client, people, collective_b, pending, role, status):
    as_role(client, people, role)
    response = client.post(reverse("api:cluster-request-accept", args=[pending.pk]),
                           content_type="application/json")
    assert response.status_code == status
    page = client.post(reverse("cluster_request_decide", args=[pending.pk]),
                       {"decision": "accept"})
    if role == "anonymous":
        assert page.status_code == 302 and "/compte/connexion/" in page.url
    pending.refresh_from_db()
    assert (pending.status == "accepted") == (status == 200)
    assert Cluster.objects.filter(collective=collective_b).exists() == (status == 200)


@pytest.mark.parametrize(("role", "seen"), [
    ("facilitator", True), ("staff", True), ("facilitator_b", True), ("member_b", True),
    ("member_a", False), ("reviewer", False),
])
def test_who_reads_a_request(client, people, pending, role, seen):
    as_role(client, people, role)
    assert client.get(pending.get_absolute_url()).status_code == (200 if seen else 404)
    listed = client.get(reverse("api:cluster-request-list")).json()["results"]
    assert [item["id"] for item in listed] == ([pending.pk] if seen else [])
    page = client.get(reverse("cluster_request_list"))
    assert (pending.get_absolute_url() in page_text(page)) == seen


def test_the_steward_sees_the_request_to_decide_on_the_list(client, facilitator, pending):
    client.force_login(facilitator)
    response = client.get(reverse("cluster_request_list"))
    assert list(response.context["to_decide"]) == [pending]
    assert list(response.context["others"]) == []


@pytest.mark.parametrize("pk", [0, 99999])
def test_forged_request_ids_are_not_found(client, facilitator, pending, pk):
    client.force_login(facilitator)
    assert client.post(reverse("api:cluster-request-accept", args=[pk]),
                       content_type="application/json").status_code == 404
    assert client.post(reverse("cluster_request_decide", args=[pk]),
                       {"decision": "accept"}).status_code == 404
    assert client.get(reverse("cluster_request_detail", args=[pk])).status_code == 404


@pytest.mark.parametrize("data", [{}, {"decision": "peut-être"},
                                  {"decision": "accept", "answer": "x" * 2001}])
def test_a_bad_decision_is_explained_and_nothing_changes(client, facilitator, pending, data):
    client.force_login(facilitator)
    response = client.post(reverse("cluster_request_decide", args=[pending.pk]), data)
    assert response.status_code == 400
    pending.refresh_from_db()
    assert pending.status == "pending" and not Cluster.objects.filter(
        collective=pending.collective).exists()


def test_accepting_when_the_collective_already_has_its_cluster_changes_nothing(
        facilitator, collective_b, territory_a, pending):
    from cluster.errors import DomainError

    # Meanwhile the coordinator created collective B's cluster herself.
    cluster_create(collective=collective_b, territory=territory_a, start_date=date(2026, 9, 1))
    with pytest.raises(DomainError) as error:
        cluster_request_accept(cluster_request=pending, by=facilitator)
    assert error.value.status == 409
    pending.refresh_from_db()
    assert (pending.status, pending.decided_by) == ("pending", None)


def test_staff_still_answer_a_request_whose_territory_lost_its_steward(
        client, staff, facilitator, collective_b, territory_a, pending):
    Stewardship.objects.filter(territory=territory_a).delete()
    client.force_login(facilitator)
    assert client.post(reverse("api:cluster-request-accept", args=[pending.pk])).status_code \
        == 404
    client.force_login(staff)
    response = client.post(reverse("api:cluster-request-accept", args=[pending.pk]),
                           content_type="application/json")
    assert response.status_code == 200, response.json()
    assert Cluster.objects.filter(collective=collective_b, territory=territory_a).exists()
