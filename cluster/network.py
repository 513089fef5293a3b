"""The national network's figures: shared indicators added up across territories, and the
registry through which the national dashboard (/reseau/) gathers from the apps above.

Gathering from higher apps without importing them
-------------------------------------------------
Like the schéma directeur's section providers (cluster/masterplan.py), the figures
owned by projects and funding come from *providers* registered at start-up by
``ProjectsConfig.ready()`` and ``FundingConfig.ready()``:

* a **territory provider** ``function(territory_ids, *, public) -> {territory_id: {...}}``
  adds keys to each territory's row (projects by stage, funds raised and planned);
* a **contribution provider** ``function(territory_ids, *, public) -> [Contribution]``
  adds figures reported on shared indicators (the projects' outcomes).

Each provider runs a fixed number of queries, whatever the number of territories.

How shared indicators add up (the rule)
---------------------------------------
* A measurement is a level at a date, not a flow: for each objective and each year,
  only the **latest measurement of that year** counts (measuring twice a year counts once).
* Only figures **in the indicator's unit** are added: an objective whose unit differs
  (written before the indicator fixed it) is left out and listed as such.
* Counts (ETP, t, repas/an, personnes…) are **summed** across territories. Shares (unit
  ``%``) are never summed: the network figure is the **mean of the territories'
  shares**, shown with each territory's own share beside it.
* The objectives of the territories and the outcomes of projects are two columns that are
  never added together: a project's outcome is often already counted in its territory's
  objective.

Every figure is traceable: `indicator_contributions` returns the measurements it is made
of, with their objective or project, which the indicator's page lists.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cluster.models import Measurement, SharedIndicator
from territories.models import Theme

OBJECTIVES, PROJECTS = "objectifs", "projets"
ORIGINS = {OBJECTIVES: _("objectifs des territoires"), PROJECTS: _("résultats des projets")}

_territory_providers = {}
_territory_columns = {}
_contribution_providers = {}


def register_territory_provider(key, function, *, columns=()):
    """Add `function`'s figures to every territory row of the dashboard under `key`.

    `columns` are the [(key, label)] of the dicts it returns, in the order shown.
    """
    _territory_providers[key] = function
    _territory_columns[key] = list(columns)


def provider_columns(key):
    """Return the [(key, label)] of a territory provider; [] when it is not registered."""
    return _territory_columns.get(key, [])


def register_contribution_provider(key, function):
    """Add `function`'s figures on shared indicators (a list of Contribution)."""
    _contribution_providers[key] = function


def territory_figures(territory_ids, *, public):
    """Return {key: {territory_id: data}} from every registered territory provider."""
    return {key: function(territory_ids, public=public)
            for key, function in _territory_providers.items()}


@dataclass(frozen=True)
class Contribution:
    """One figure counted in a shared indicator, and where it comes from."""

    indicator_id: int
    territory_id: int
    territory: str
    origin: str  # OBJECTIVES or PROJECTS
    label: str  # the objective's or the project's title
    unit: str
    measured_on: date
    value: Decimal
    source: str
    url: str = ""  # the objective's or the project's page, when there is one

    @property
    def year(self):
        return self.measured_on.year


def objective_contributions(territory_ids, *, public):
    """The latest measurement per year of every objective that adopted a shared indicator."""
    measurements = (Measurement.objects
                    .filter(objective__shared_indicator__isnull=False,
                            objective__challenge__cluster__territory__in=territory_ids)
                    .select_related("objective__challenge__cluster__territory")
                    .order_by("objective_id", "measured_on", "pk"))
    latest = {}
    for measurement in measurements:
        objective = measurement.objective
        latest[objective.pk, measurement.measured_on.year] = measurement
    contributions = []
    for measurement in latest.values():
        objective = measurement.objective
        cluster = objective.challenge.cluster
        contributions.append(Contribution(
            indicator_id=objective.shared_indicator_id, territory_id=cluster.territory_id,
            territory=cluster.territory.name, origin=OBJECTIVES, label=objective.title,
            unit=objective.unit, measured_on=measurement.measured_on, value=measurement.value,
            source=measurement.source,
            url="" if public else reverse("objective_detail",
                                          args=[cluster.pk, objective.pk])))
    return contributions


register_contribution_provider(OBJECTIVES, objective_contributions)


def indicator_contributions(territory_ids, *, public, indicators=None):
    """Return every Contribution of the given territories, of every registered provider."""
    contributions = []
    for function in _contribution_providers.values():
        contributions += function(territory_ids, public=public)
    if indicators is not None:
        wanted = {indicator.pk for indicator in indicators}
        contributions = [item for item in contributions if item.indicator_id in wanted]
    return sorted(contributions, key=lambda item: (item.indicator_id, item.measured_on,
                                                   item.territory, item.origin, item.label))


def same_unit(contribution, indicator):
    return contribution.unit.strip().casefold() == indicator.unit.strip().casefold()


def combine(values, indicator):
    """Add up the figures of one indicator: a sum, or a mean for shares (see the rule)."""
    if not values:
        return None
    total = sum(values, Decimal(0))
    if indicator.is_share:
        return (total / len(values)).quantize(Decimal("0.1"))
    return total


def indicator_figures(indicator, contributions):
    """Return the indicator's figures by year and origin, with the contributions left out.

    {"years": [{"year", "objectifs": value|None, "projets": value|None,
    "territories": n}], "excluded": [Contribution], "per_territory": {name: {year: value}}}
    """
    by_year = defaultdict(lambda: defaultdict(list))
    territories_by_year = defaultdict(set)
    per_territory = defaultdict(dict)
    excluded = []
    for item in contributions:
        if not same_unit(item, indicator):
            excluded.append(item)
            continue
        by_year[item.year][item.origin].append(item.value)
        territories_by_year[item.year].add(item.territory_id)
        if item.origin == OBJECTIVES:
            shares = per_territory[item.territory]
            shares.setdefault(item.year, [])
            shares[item.year].append(item.value)
    years = [{"year": year,
              OBJECTIVES: combine(by_year[year][OBJECTIVES], indicator),
              PROJECTS: combine(by_year[year][PROJECTS], indicator),
              "territories": len(territories_by_year[year])}
             for year in sorted(by_year)]
    return {
        "years": years, "excluded": excluded,
        "per_territory": {name: {year: combine(values, indicator)
                                 for year, values in sorted(by_year_values.items())}
                          for name, by_year_values in sorted(per_territory.items())},
    }


def themes_with_indicators(territory_ids, *, public):
    """Return the five national themes, each with its indicators and their figures by year.

    [{"theme", "indicators": [{"indicator", "rule", "years", "excluded",
    "per_territory", "latest"}]}] — in a fixed number of queries.
    """
    indicators = list(SharedIndicator.objects.select_related("theme").order_by("name"))
    contributions = defaultdict(list)
    for item in indicator_contributions(territory_ids, public=public):
        contributions[item.indicator_id].append(item)
    themes = []
    for theme in sorted(Theme.objects.national(), key=_theme_order):
        rows = []
        for indicator in indicators:
            if indicator.theme_id != theme.pk:
                continue
            figures = indicator_figures(indicator, contributions[indicator.pk])
            rows.append({"indicator": indicator, "rule": rule_of(indicator), **figures,
                         "latest": figures["years"][-1] if figures["years"] else None})
        themes.append({"theme": theme, "indicators": rows})
    return themes


# The five themes in the order of the seed (« Cinq thématiques clé sont remontées des
# territoires », Localtis 2019); a theme flagged national later comes after them.
THEME_ORDER = ["alimentation-durable", "economie-circulaire", "inclusion-emploi",
               "mobilite-douce", "bien-vieillir"]


def _theme_order(theme):
    known = theme.slug in THEME_ORDER
    return (not known, THEME_ORDER.index(theme.slug) if known else 0, theme.name)


def rule_of(indicator):
    if indicator.is_share:
        return _("moyenne des territoires (une part ne s'additionne pas)")
    return _("somme des territoires")
