"""No row moves to another collective's cluster (or territory) through the API.

The person steers collective A and is a plain member of collective B: B's cluster is
visible to them, but they may not create a défi there. Before, changing a défi's
cluster (or an objective's défi) put the row in B all the same. Every writable
serializer with a parent now refuses the move (`FixedParentsMixin`), or ignores the
field on update (milestones, events: read-only there).
"""

from datetime import date

import pytest
from django.urls import reverse

from cluster.models import (
    Challenge,
    Engagement,
    Membership,
    Objective,
    SteeringMeeting,
)
from cluster.services import milestone_add
from funding.models import Dossier, FundingPlan
from projects.models import Event, Project
from territories.models import Actor, Place
from tests.cluster.factories import MembershipFactory
from tests.funding.factories import DossierFactory, FundingPlanFactory
from tests.projects.factories import ActorFactory, ChallengeFactory, EventFactory, ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(facilitator, collective_b):
    """Facilitator of collective A, plain member of collective B."""
    MembershipFactory(collective=collective_b, user=facilitator, role=Membership.Role.MEMBER)
    return facilitator


@pytest.fixture
def cluster_a(territory_a):
    return territory_a.clusters.get()


def objective_of(challenge):
    return Objective.objects.create(challenge=challenge, title="Composter", unit="t",
                                    baseline=5, target=10, target_date=date(2028, 12, 31))


def rows(cluster_a, cluster_b, territory_a, territory_b):
    """For each endpoint: (url, a move to B, the row read back, where it must stay)."""
    challenge = ChallengeFactory(cluster=cluster_a)
    objective = objective_of(challenge)
    company = ActorFactory(territory=territory_a, kind=Actor.Kind.PME)
    engagement = Engagement.objects.create(cluster=cluster_a, company=company, size="pme",
                                           kind=Engagement.Kind.PARTNERSHIP)
    meeting = SteeringMeeting.objects.create(cluster=cluster_a, held_on=date(2026, 3, 1),
                                             title="Comité de mars")
    project = ProjectFactory(cluster=cluster_a)
    plan = FundingPlanFactory(cluster=cluster_a)
    dossier = DossierFactory(cluster=cluster_a)
    place = Place.objects.create(territory=territory_a, name="La Friche")
    event = EventFactory(cluster=cluster_a)
    milestone = milestone_add(step=cluster_a.steps.get(number=1), title="Carte publiée",
                              due_date=date(2026, 3, 1))
    challenge_b = ChallengeFactory(cluster=cluster_b)
    return {
        "défi": (f"/api/defis/{challenge.pk}/", {"cluster": cluster_b.pk},
                 lambda: Challenge.objects.get(pk=challenge.pk).cluster, cluster_a),
        "objectif": (f"/api/objectifs/{objective.pk}/", {"challenge": challenge_b.pk},
                     lambda: Objective.objects.get(pk=objective.pk).challenge, challenge),
        "engagement": (f"/api/engagements/{engagement.pk}/", {"cluster": cluster_b.pk},
                       lambda: Engagement.objects.get(pk=engagement.pk).cluster, cluster_a),
        "comité": (f"/api/comites/{meeting.pk}/", {"cluster": cluster_b.pk},
                   lambda: SteeringMeeting.objects.get(pk=meeting.pk).cluster, cluster_a),
        "projet": (reverse("api:project-detail", args=[project.slug]), {"cluster": cluster_b.pk},
                   lambda: Project.objects.get(pk=project.pk).cluster, cluster_a),
        "plan": (reverse("api:plan-detail", args=[plan.pk]), {"cluster": cluster_b.pk},
                 lambda: FundingPlan.objects.get(pk=plan.pk).cluster, cluster_a),
        "dossier": (reverse("api:dossier-detail", args=[dossier.pk]),
                    {"cluster": cluster_b.pk, "version": dossier.version},
                    lambda: Dossier.objects.get(pk=dossier.pk).cluster, cluster_a),
        "acteur": (reverse("api:actor-detail", args=[company.pk]),
                   {"territory": territory_b.slug},
                   lambda: Actor.objects.get(pk=company.pk).territory, territory_a),
        "lieu": (reverse("api:place-detail", args=[place.pk]), {"territory": territory_b.slug},
                 lambda: Place.objects.get(pk=place.pk).territory, territory_a),
        "évènement": (f"/api/evenements/{event.pk}/", {"cluster": cluster_b.pk},
                      lambda: Event.objects.get(pk=event.pk).cluster, cluster_a),
        "jalon": (f"/api/jalons/{milestone.pk}/",
                  {"step": cluster_b.steps.get(number=1).pk},
                  lambda: type(milestone).objects.get(pk=milestone.pk).step.cluster, cluster_a),
    }


# Read-only on update: the field is ignored, the rest of the change goes through.
IGNORED = {"évènement", "jalon"}


@pytest.mark.parametrize("name", ["défi", "objectif", "engagement", "comité", "projet", "plan",
                                  "dossier", "acteur", "lieu", "évènement", "jalon"])
def test_a_row_never_moves_to_a_cluster_where_the_person_may_not_create_it(
        client, person, cluster_a, cluster_b, territory_a, territory_b, name):
    url, move, read_back, home = rows(cluster_a, cluster_b, territory_a, territory_b)[name]
    client.force_login(person)
    response = client.patch(url, move, content_type="application/json")
    if name in IGNORED:
        assert response.status_code == 200
    else:
        assert response.status_code == 400, response.content
        body = response.json()
        assert body["code"] == "invalid"
        assert "ne change" in body["detail"] or "ne déplace pas" in body["detail"]
    assert read_back() == home


def test_creating_in_the_other_collective_is_refused_the_same_way(client, person, cluster_b):
    client.force_login(person)
    response = client.post("/api/defis/", {"cluster": cluster_b.pk, "kind": "social",
                                           "title": "Défi parachuté"},
                           content_type="application/json")
    assert response.status_code == 403
    assert not Challenge.objects.filter(cluster=cluster_b).exists()


def test_sending_back_the_same_parent_is_accepted(client, person, cluster_a):
    challenge = ChallengeFactory(cluster=cluster_a, title="Zéro déchet")
    objective = objective_of(challenge)
    client.force_login(person)
    response = client.put(f"/api/defis/{challenge.pk}/", {
        "cluster": cluster_a.pk, "kind": "environnemental", "title": "Zéro déchet en 2030",
        "summary": "", "position": 0}, content_type="application/json")
    assert response.status_code == 200, response.content
    response = client.patch(f"/api/objectifs/{objective.pk}/", {
        "challenge": challenge.pk, "title": "Composter le double"},
        content_type="application/json")
    assert response.status_code == 200, response.content
    assert Objective.objects.get(pk=objective.pk).title == "Composter le double"


def test_an_objective_stays_under_its_defi_even_in_the_same_cluster(client, person,
                                                                     cluster_a):
    first, second = ChallengeFactory(cluster=cluster_a), ChallengeFactory(cluster=cluster_a)
    objective = objective_of(first)
    client.force_login(person)
    response = client.patch(f"/api/objectifs/{objective.pk}/", {"challenge": second.pk},
                            content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"] == "Un objectif ne change pas de défi."
    assert Objective.objects.get(pk=objective.pk).challenge == first
