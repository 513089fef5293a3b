"""Demo data of the network: national themes on the press kit's défis, and objectives that
adopt the shared indicators where the défi fits one.

The défis are the press kit's (seeds/dossier-presse-territoires-french-impact-2019.txt);
the objectives and every figure here are invented for the demo and say so: each
measurement's source is « donnée de démonstration ».
"""

from datetime import date
from decimal import Decimal

from django.db.models import Q

from cluster.latest_measurements import refresh_latest_measurements
from cluster.models import Challenge, Measurement, Objective, SharedIndicator
from cluster.roadmap import add_months

DEMO_SOURCE = "Donnée de démonstration (chiffre inventé, pas une mesure réelle)"

# Défis whose press-kit wording belongs to a national theme their own theme is not.
EXTRA_THEMES = {
    ("region-nouvelle-aquitaine", "sante"): "bien-vieillir",
    ("roissy-pays-de-france", "mobilite-douce"): "inclusion-emploi",
    ("mayotte", None): "inclusion-emploi",
}

# (territory, the défi's theme, indicator, what to do): "adopt" the défi's demo objective,
# already in the indicator's unit and direction; or add an objective with its figures,
# (title, baseline, target, [a value each quarter from the cluster's start]).
ADOPTIONS = [
    ("valence-romans", "inclusion-emploi", "emplois-insertion",
     ("Emplois d'insertion créés dans l'industrie créative", 0, 40, [0, 6, 12, 17, 23, 28])),
    ("pays-de-grasse", "inclusion-emploi", "emplois-insertion",
     ("Emplois d'insertion créés par les chantiers du territoire", 0, 60, [4, 11, 19, 26, 31])),
    ("territoire-ledonien-cluster-jura", "inclusion-emploi", "emplois-insertion",
     ("Emplois d'insertion créés dans les tiers-lieux ruraux", 0, 15, [0, 2, 4, 5, 7, 9])),
    ("lyon-metropole", "economie-circulaire", "tonnes-dechets-evitees",
     ("Tonnes de déchets évitées par le réemploi", 0, 2500, [400, 800, 1150, 1600, 2100])),
    ("region-normandie", "economie-circulaire", "tonnes-dechets-evitees",
     ("Tonnes de déchets évitées par les filières locales", 0, 12000,
      [2500, 4100, 6000, 7800, 9800])),
    ("vallee-de-la-marne", "economie-circulaire", "tonnes-dechets-evitees",
     ("Tonnes de déchets évitées par les acteurs du réemploi", 0, 1500,
      [300, 520, 760, 930, 1150])),
    ("clermont-ferrand", "alimentation-durable", "repas-circuits-courts",
     ("Repas en circuits courts servis en restauration collective", 0, 400000,
      [40000, 90000, 150000, 210000, 260000])),
    ("valence-romans", "alimentation-durable", "repas-circuits-courts",
     ("Repas bio ou raisonnés locaux servis par an", 0, 250000,
      [20000, 55000, 90000, 120000, 150000])),
    ("figeac", "alimentation-durable", "producteurs-locaux-engages", "adopt"),
    ("vallee-de-la-marne", "alimentation-durable", "producteurs-locaux-engages", "adopt"),
    ("clermont-ferrand", "mobilite-douce", "part-velo-domicile-travail",
     ("Part des trajets domicile-travail à vélo", Decimal("2.5"), 8,
      [Decimal("2.5"), Decimal("2.9"), Decimal("3.4"), Decimal("3.8"), Decimal("4.1")])),
    ("vallee-de-la-marne", "mobilite-douce", "part-velo-domicile-travail",
     ("Part des trajets domicile-travail à vélo", Decimal("1.8"), 6,
      [Decimal("1.8"), Decimal("2.0"), Decimal("2.6"), Decimal("3.1")])),
    ("le-mans-sarthe", "bien-vieillir", "personnes-agees-accompagnees", "adopt"),
    ("region-normandie", "bien-vieillir", "personnes-agees-accompagnees", "adopt"),
    ("region-nouvelle-aquitaine", "sante", "personnes-agees-accompagnees", "adopt"),
]


def _challenge(cluster, theme):
    return (cluster.challenges.filter(theme_id=theme).order_by("position", "pk").first()
            if theme else None)


def attach_national_themes(clusters):
    """Give each défi its theme as national theme when it is one, and the extra ones."""
    national = Challenge.national_themes.through
    links = []
    for slug, cluster in clusters.items():
        for challenge in cluster.challenges.filter(Q(theme__is_national=True)
                                                   | Q(theme__isnull=True)
                                                   | Q(theme_id__in=["sante",
                                                                     "mobilite-douce"])):
            extra = EXTRA_THEMES.get((slug, challenge.theme_id))
            for theme in {challenge.theme_id if challenge.theme and challenge.theme.is_national
                          else None, extra} - {None}:
                links.append(national(challenge_id=challenge.pk, theme_id=theme))
    national.objects.bulk_create(links, ignore_conflicts=True)


def load_shared_indicators(clusters, *, today, by):
    """Adopt the shared indicators where the press kit's défis fit them (see ADOPTIONS)."""
    attach_national_themes(clusters)
    indicators = {indicator.slug: indicator for indicator in SharedIndicator.objects.all()}
    for slug, theme, indicator_slug, spec in ADOPTIONS:
        cluster, indicator = clusters.get(slug), indicators.get(indicator_slug)
        challenge = _challenge(cluster, theme) if cluster else None
        if challenge is None or indicator is None:
            continue
        challenge.national_themes.add(indicator.theme_id)
        if spec == "adopt":
            challenge.objectives.filter(unit=indicator.unit, direction=indicator.direction,
                                        shared_indicator=None).update(
                shared_indicator=indicator)
            continue
        title, baseline, target, values = spec
        if challenge.objectives.filter(shared_indicator=indicator).exists():
            continue
        objective = Objective.objects.create(
            challenge=challenge, title=title, shared_indicator=indicator, unit=indicator.unit,
            direction=indicator.direction, baseline=baseline, target=target,
            target_date=add_months(cluster.start_date, 36))
        Measurement.objects.bulk_create(
            Measurement(objective=objective, measured_on=measured_on, value=Decimal(value),
                        source=DEMO_SOURCE, created_by=by)
            for measured_on, value in _quarters(cluster.start_date, values)
            if measured_on <= today)
        refresh_latest_measurements([objective.pk])  # bulk_create sends no signal


def _quarters(start: date, values):
    return ((add_months(start, 3 * index), value) for index, value in enumerate(values))
