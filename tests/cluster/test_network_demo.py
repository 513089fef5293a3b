"""Done when: /reseau/ shows the five themes with the shared indicators summed from the demo,
each demo figure labelled as such."""

import re

import pytest
from django.urls import reverse

from cluster.indicators_demo import DEMO_SOURCE
from cluster.models import Challenge, Measurement, Objective
from projects.models import ProjectOutcome
from tests.helpers import page_text

pytestmark = pytest.mark.django_db


def test_the_network_page_shows_the_five_themes_summed_from_the_demo(client, demo):
    text = page_text(client.get(reverse("network")))
    for theme in ("Alimentation durable et circuits courts",
                  "Économie circulaire et valorisation des déchets", "Inclusion par l'emploi",
                  "Mobilité douce", "Bien vieillir"):
        assert theme in text
    # Valence-Romans, Pays de Grasse and the Lédonien: 6 + 11 + 2 ETP in January 2027.
    adopted = Objective.objects.filter(shared_indicator__slug="emplois-insertion")
    assert adopted.count() == 3
    assert "19 ETP" in text.replace("\u202f", " ").replace("\xa0", " ")
    # Tonnes avoided: Lyon, Normandie, Vallée de la Marne add up; shares are averaged.
    assert "moyenne des territoires" in text
    # The seed's transfer: Nantes' know-how on tiers-lieux for Strasbourg.
    assert "Nantes Métropole partage son expertise avec Strasbourg Eurométropole : Les " \
        "tiers-lieux" in re.sub(r"<[^>]+>", "", text)


def test_demo_figures_say_they_are_invented_and_defis_have_national_themes(demo):
    valence = Challenge.objects.get(cluster__territory__slug="valence-romans",
                                    theme_id="inclusion-emploi")
    assert "inclusion-emploi" in valence.national_themes.values_list("slug", flat=True)
    assert Challenge.objects.filter(national_themes__isnull=False).distinct().count() > 30
    added = Measurement.objects.filter(objective__shared_indicator__isnull=False,
                                       source=DEMO_SOURCE)
    assert added.exists()
    assert all("démonstration" in source for source in Measurement.objects.filter(
        objective__shared_indicator__isnull=False).values_list("source", flat=True))
    assert ProjectOutcome.objects.filter(source__icontains="démonstration").count() == 3


def test_the_indicator_page_traces_the_demo_sum(client, demo):
    text = page_text(client.get(reverse("network_indicator", args=["emplois-insertion"])))
    assert "Valence-Romans" in text
    assert "Consigne des emballages en verre" in text
    assert "Donnée de démonstration" in text
