"""Two people edit the same objective: the refused page says what changed since."""

import pytest
from django.urls import reverse

from cluster.models import Challenge, Objective
from tests.editing import form_data, signed_in
from tests.helpers import page_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def objective(territory_a):
    challenge = Challenge.objects.create(cluster=territory_a.clusters.get(), title="Nourrir")
    return Objective.objects.create(challenge=challenge, title="Surfaces", unit="ha",
                                    baseline=12, target=40, target_date="2029-06-01")


def test_a_refused_objective_page_lists_what_changed_and_keeps_the_input(
        objective, facilitator, staff):
    url = reverse("objective_update", args=[objective.challenge.cluster_id, objective.pk])
    first, second = signed_in(facilitator), signed_in(staff)
    camille, coordination = form_data(first.get(url)), form_data(second.get(url))
    assert first.post(url, {**camille, "target": "45"}).status_code == 302

    refused = second.post(url, {**coordination, "unit": "hectares"})
    assert refused.status_code == 409
    text = page_text(refused)
    assert "Quelqu'un a modifié cet objectif" in text
    assert "Cible vaut maintenant : 45" in text
    assert "Unité vaut maintenant" not in text
    objective.refresh_from_db()
    assert objective.target == 45 and objective.unit == "ha" and objective.version == 2

    again = form_data(refused)
    assert again["unit"] == "hectares" and again["version"] == "2"
    assert second.post(url, again).status_code == 302
    objective.refresh_from_db()
    assert objective.unit == "hectares" and objective.version == 3


@pytest.mark.parametrize("version", [10**20, 0, "un"])
def test_a_broken_objective_version_in_the_api_is_a_400(client, facilitator, objective,
                                                         version):
    client.force_login(facilitator)
    response = client.patch(reverse("api:objective-detail", args=[objective.pk]),
                            {"target": "50", "version": version},
                            content_type="application/json")
    assert response.status_code == 400 and "version" in response.json()["errors"]
    objective.refresh_from_db()
    assert objective.target == 40 and objective.version == 1
