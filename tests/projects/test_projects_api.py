"""The projects API: public reads of published projects, the collective's writes, stages."""

import pytest
from django.urls import reverse
from django.utils import timezone

from cluster.models import Membership, SteeringMeeting
from projects.models import Project, Replication
from tests.cluster.factories import MembershipFactory
from tests.helpers import as_role
from tests.projects.factories import ActorFactory, ChallengeFactory, ProjectFactory

pytestmark = pytest.mark.django_db

ROLES = ["facilitator", "member_a", "member_b", "reviewer", "staff", "anonymous"]
WORKERS = {"facilitator", "member_a", "staff"}


@pytest.fixture
def project(cluster):
    return ProjectFactory(cluster=cluster, title="Micro-ferme urbaine", slug="micro-ferme")


@pytest.fixture
def published(cluster):
    return ProjectFactory(cluster=cluster, title="Consigne du verre", slug="consigne",
                          is_published=True)


@pytest.mark.parametrize("role", ROLES)
def test_everyone_reads_published_projects_the_collective_reads_its_drafts(
        client, cast, project, published, role):
    response = as_role(client, cast, role).get(reverse("api:project-list"))
    slugs = {item["slug"] for item in response.json()["results"]}
    assert slugs == ({"micro-ferme", "consigne"} if role in WORKERS else {"consigne"})
    draft = client.get(reverse("api:project-detail", args=["micro-ferme"]))
    assert draft.status_code == (200 if role in WORKERS else 404)


@pytest.mark.parametrize("role", ROLES)
def test_only_the_collective_creates_a_project(client, cast, cluster, role):
    challenge = ChallengeFactory(cluster=cluster)
    carrier = ActorFactory(territory=cluster.territory)
    response = as_role(client, cast, role).post(reverse("api:project-list"), {
        "cluster": cluster.pk, "challenge": challenge.pk, "title": "Ressourcerie mobile",
        "summary": "Un camion qui collecte et répare.", "carriers": [carrier.pk],
        "themes": ["economie-circulaire"],
    }, content_type="application/json")
    expected = {"anonymous": 401}.get(role, 201 if role in WORKERS else 400)
    assert response.status_code == expected
    assert Project.objects.exists() == (role in WORKERS)
    if role in WORKERS:
        assert response.json()["stage"] == "idee"
        assert response.json()["themes"] == ["economie-circulaire"]


def test_a_carrier_of_another_territory_is_refused(client, member_a, cluster, territory_b):
    client.force_login(member_a)
    response = client.post(reverse("api:project-list"), {
        "cluster": cluster.pk, "challenge": ChallengeFactory(cluster=cluster).pk,
        "title": "Intrus", "summary": "…",
        "carriers": [ActorFactory(territory=territory_b).pk],
    }, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "foreign_actor"
    assert not Project.objects.exists()


def test_the_stage_cannot_be_written_directly(client, member_a, project):
    client.force_login(member_a)
    response = client.patch(reverse("api:project-detail", args=[project.slug]),
                            {"stage": "impact", "title": "Micro-ferme du Panier"},
                            content_type="application/json")
    assert response.status_code == 200
    project.refresh_from_db()
    assert (project.stage, project.title) == ("idee", "Micro-ferme du Panier")
    assert project.carriers.exists()  # a partial update keeps the links


@pytest.mark.parametrize(
    ("payload", "status", "code"),
    [
        ({"to_stage": "prototype", "reason": "Retenu par le comité"}, 200, None),
        ({"to_stage": "impact", "reason": "Trop vite"}, 409, "unreachable_stage"),
        ({"to_stage": "inconnue", "reason": "?"}, 400, "invalid"),
        ({"to_stage": "prototype", "reason": ""}, 400, "invalid"),
    ],
)
def test_moving_a_stage_through_the_api(client, member_a, project, payload, status, code):
    client.force_login(member_a)
    response = client.post(reverse("api:project-move-stage", args=[project.slug]),
                           {"changed_on": timezone.localdate().isoformat(), **payload},
                           content_type="application/json")
    assert response.status_code == status
    if code:
        assert response.json()["code"] == code
        project.refresh_from_db()
        assert project.stage == "idee"
    else:
        assert response.json()["stage_changes"][0]["reason"] == "Retenu par le comité"


@pytest.mark.parametrize("role", ["member_b", "reviewer"])
def test_others_cannot_move_a_published_project(client, cast, published, role):
    client.force_login(cast[role])
    response = client.post(reverse("api:project-move-stage", args=[published.slug]),
                           {"to_stage": "prototype", "reason": "x",
                            "changed_on": timezone.localdate().isoformat()},
                           content_type="application/json")
    assert response.status_code == 403
    published.refresh_from_db()
    assert published.stage == "idee"


def test_a_prototype_decision_through_the_api(client, facilitator, project, cluster):
    meeting = SteeringMeeting.objects.create(cluster=cluster, title="Comité n°1",
                                             held_on=timezone.localdate())
    client.force_login(facilitator)
    response = client.post(reverse("api:project-decide", args=[project.slug]),
                           {"meeting": meeting.pk, "text": "Prototyper sur 6 mois."},
                           content_type="application/json")
    assert response.status_code == 201
    assert project.prototype_decisions.get().decision.meeting == meeting


def test_replication_through_the_api(client, published, territory_b, collective_b):
    facilitator_b = MembershipFactory(collective=collective_b,
                                      role=Membership.Role.FACILITATOR).user
    cluster_b = territory_b.clusters.get()
    ChallengeFactory(cluster=cluster_b)
    collective_b.actor_links.create(actor=ActorFactory(territory=territory_b), family="ess")
    client.force_login(facilitator_b)
    response = client.post(reverse("api:project-replicate", args=[published.slug]),
                           {"cluster": cluster_b.pk}, content_type="application/json")
    assert response.status_code == 201
    assert response.json()["replicated_from"] == "consigne"
    assert Replication.objects.get().copy.cluster == cluster_b


def test_the_list_filters_and_keeps_a_constant_number_of_queries(
        client, staff, cluster, django_assert_max_num_queries):
    for n in range(10):
        project = ProjectFactory(cluster=cluster, stage="prototype" if n % 2 else "idee")
        project.themes.set(["economie-circulaire", "culture"])
    client.force_login(staff)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("api:project-list"), {"stage": "prototype"})
    assert response.json()["count"] == 5
    assert client.get(reverse("api:project-list"),
                      {"territory": "lyon-metropole"}).json()["count"] == 0
