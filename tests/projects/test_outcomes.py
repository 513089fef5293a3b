"""A project reports outcomes on the network's shared indicators, through its service and
the API; they show apart on the national dashboard."""

import pytest
from django.urls import reverse
from django.utils import timezone

from cluster.errors import DomainError
from cluster.models import Challenge, SharedIndicator
from projects.models import Project, ProjectOutcome
from projects.outcomes import project_outcome_record
from tests.helpers import as_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(cluster):
    challenge = Challenge.objects.create(cluster=cluster, title="Moins de déchets")
    return Project.objects.create(cluster=cluster, challenge=challenge, title="Ressourcerie",
                                  slug="ressourcerie", summary="…", is_published=True)


@pytest.fixture
def tonnes():
    return SharedIndicator.objects.get(slug="tonnes-dechets-evitees")


def test_the_service_refuses_the_future_and_a_second_outcome_the_same_day(project, tonnes,
                                                                            facilitator):
    today = timezone.localdate()
    fields = {"project": project, "indicator": tonnes, "value": 12, "source": "Pesées",
              "by": facilitator}
    project_outcome_record(measured_on=today, **fields)
    with pytest.raises(DomainError, match="déjà un résultat"):
        project_outcome_record(measured_on=today, **fields)
    with pytest.raises(DomainError, match="futur"):
        project_outcome_record(measured_on=today.replace(year=today.year + 1), **fields)
    assert ProjectOutcome.objects.count() == 1


@pytest.mark.parametrize("role, expected", [
    ("facilitator", 201), ("member_a", 201), ("staff", 201), ("member_b", 403),
    ("reviewer", 403), ("anonymous", 403)])
def test_members_report_outcomes_through_the_api(client, cast, project, tonnes, role,
                                                  expected):
    url = reverse("api:project-report-outcome", args=[project.slug])
    body = {"indicator": "tonnes-dechets-evitees", "measured_on": "2026-12-01",
            "value": "18.5", "source": "Pesées de la ressourcerie"}
    response = as_role(client, cast, role).post(url, body, content_type="application/json")
    assert response.status_code in {expected, 401 if role == "anonymous" else expected}
    if expected == 201:
        assert response.json()["unit"] == "t"
        again = client.post(url, body, content_type="application/json")
        assert again.status_code == 409
        assert again.json()["code"] == "duplicate_outcome"
        summary = client.get("/api/reseau/").json()
        theme = next(t for t in summary["themes"] if t["slug"] == "economie-circulaire")
        row = next(r for r in theme["indicators"]
                   if r["indicator"]["slug"] == "tonnes-dechets-evitees")
        assert row["years"] == [{"year": 2026, "objectives": None, "projects": "18.50",
                                 "territories": 0}]
    else:
        assert not ProjectOutcome.objects.exists()


def test_an_unknown_indicator_is_a_clear_400(client, facilitator, project):
    client.force_login(facilitator)
    response = client.post(reverse("api:project-report-outcome", args=[project.slug]),
                           {"indicator": "inconnu", "measured_on": "2026-12-01",
                            "value": "1", "source": "x"}, content_type="application/json")
    assert response.status_code == 400
