"""The national network's figures: shared indicators added up across territories, and the
registry through which the national dashboard (/reseau/) gathers from the apps above.

Gathering from higher apps without importing them
-------------------------------------------------
Like the schéma directeur's section providers (cluster/masterplan.py), the figures
owned by projects and funding come from *providers* registered at start-up by
``ProjectsConfig.ready()`` and ``FundingConfig.ready()``:

* a **territory provider** ``function(territory_ids, *, public) -> {territory_id: {...}}``
  adds keys to each territory's row of a page (projects by stage, funds raised and
  planned), with ``totals(territories, *, public)`` for the whole network;
* a **contribution provider** ``function(territory_ids, *, public) -> [Contribution]``
  lists figures reported on shared indicators (the projects' outcomes), with
  ``figures(territories, *, public)`` adding them up in the database.

Each provider runs a fixed number of queries, whatever the number of territories; the
totals are computed by the database (GROUP BY), the rows one page at a time.

How shared indicators add up (the rule)
---------------------------------------
* A measurement is a level at a date, not a flow: for each objective and each year,
  only the **latest measurement of that year** counts (measuring twice a year counts once).
* Only figures **in the indicator's unit** are added: an objective whose unit differs
  (written before the indicator fixed it) is left out and listed as such.
* Counts (ETP, t, repas/an, personnes…) are **summed** across territories. Shares (unit
  ``%``) are never summed: the network figure is the **mean of the objectives' shares**
  (one objective per territory in practice), and the comparison page shows each
  territory's own share.
* The objectives of the territories and the outcomes of projects are two columns that are
  never added together: a project's outcome is often already counted in its territory's
  objective.

Every figure is traceable: `indicator_contributions` returns the measurements it is made
of, with their objective or project, which the indicator's page lists.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Avg, Count, F, Sum, Window
from django.db.models.functions import ExtractYear, Lower, Rank, Trim
from django.db.models.lookups import Exact
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cluster.models import Measurement, SharedIndicator
from territories.models import Theme

OBJECTIVES, PROJECTS = "objectifs", "projets"
ORIGINS = {OBJECTIVES: _("objectifs des territoires"), PROJECTS: _("résultats des projets")}

_territory_providers = {}
_territory_totals = {}
_territory_columns = {}
_contribution_providers = {}
_figure_providers = {}


def register_territory_provider(key, function, *, totals, columns=()):
    """Add `function`'s figures to every territory row of the dashboard under `key`.

    `function(territory_ids, *, public)` returns {territory_id: {column: value}} for the
    rows of one page; `totals(territories, *, public)` the same dict for the whole
    network, added up by the database; `columns` are the [(column, label)] in order.
    """
    _territory_providers[key] = function
    _territory_totals[key] = totals
    _territory_columns[key] = list(columns)


def provider_columns(key):
    """Return the [(key, label)] of a territory provider; [] when it is not registered."""
    return _territory_columns.get(key, [])


def register_contribution_provider(key, function, *, figures):
    """Add figures reported on shared indicators under `key` (OBJECTIVES or PROJECTS).

    `function(territory_ids, *, public)` returns the [Contribution] one by one (an
    indicator's page, a comparison); `figures(territories, *, public)` returns them added
    up by the database: [{"indicator_pk", "year", "total", "mean", "territories"}] of the
    figures in the indicator's unit, and [{"indicator_pk", "excluded"}] for the others.
    """
    _contribution_providers[key] = function
    _figure_providers[key] = figures


def territory_figures(territory_ids, *, public):
    """Return {key: {territory_id: data}} from every registered territory provider."""
    return {key: function(territory_ids, public=public)
            for key, function in _territory_providers.items()}


def network_totals(territories, *, public):
    """Return {key: {column: value}} for the whole network, from every territory provider."""
    return {key: function(territories, public=public)
            for key, function in _territory_totals.items()}


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
                    .filter(is_latest_of_year=True, objective__shared_indicator__isnull=False,
                            objective__challenge__cluster__territory__in=territory_ids)
                    .select_related("objective__challenge__cluster__territory"))
    contributions = []
    for measurement in measurements:
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


class Year(ExtractYear):
    """The year of a date; computed by SQLite itself rather than by a Python function
    called on every row (Django's ExtractYear on SQLite)."""

    def as_sqlite(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.lhs)
        return f"CAST(strftime('%%Y', {sql}) AS INTEGER)", params

    def as_postgresql(self, compiler, connection, **extra_context):
        # A float rather than EXTRACT's numeric, which PostgreSQL computes slowly.
        sql, params = compiler.compile(self.lhs)
        return f"date_part('year', {sql})::integer", params


def latest_of_each_year(rows, *, same):
    """Keep the rows no later row of the same `same` fields and year follows.

    One pass of the database over the rows (a window ranking each year's rows from the
    latest), not a search for a later row under every row.
    """
    ranked = rows.annotate(rank=Window(
        Rank(), partition_by=[F(field) for field in same] + [Year("measured_on")],
        order_by=F("measured_on").desc())).filter(rank=1)
    return rows.model.objects.filter(pk__in=ranked.values("pk")).annotate(
        year=Year("measured_on"))


def added_up(rows, *, indicator, territory, unit=None):
    """Sum and average `rows` by indicator and year in the database, in one query, and
    count those left out for their unit.

    `unit` is the path of the unit written with each row (an objective's), compared with
    its indicator's; None when the rows are always in the indicator's unit. The rows are
    then grouped by whether their unit is the indicator's as well (compared once a row,
    not once an aggregate): that group is counted, the other is left out.
    """
    keys = {"indicator_pk": F(indicator)}
    if unit is not None:
        keys["counted"] = Exact(Lower(Trim(unit)), Lower(Trim(f"{indicator}__unit")))
    groups = (rows.values("year", **keys).annotate(
        total=Sum("value"), mean=Avg("value"), territories=Count(territory, distinct=True),
        rows=Count("pk")).order_by())
    figures, left_out = [], []
    for group in groups:
        if group.get("counted", True):
            figures.append({key: group[key] for key in
                            ("year", "indicator_pk", "total", "mean", "territories")})
        else:
            left_out.append({"indicator_pk": group["indicator_pk"], "year": group["year"],
                             "excluded": group["rows"]})
    return figures, left_out


def objective_figures(territories, *, public):
    """The objectives' figures on shared indicators, added up by the database.

    The latest measurement of each year is flagged on its row (cluster.latest_measurements).
    """
    rows = Measurement.objects.filter(
        is_latest_of_year=True, objective__shared_indicator__isnull=False,
        objective__challenge__cluster__territory__in=territories).annotate(
        year=Year("measured_on"))
    return added_up(rows, indicator="objective__shared_indicator",
                    territory="objective__challenge__cluster__territory",
                    unit="objective__unit")


register_contribution_provider(OBJECTIVES, objective_contributions, figures=objective_figures)


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
    """Return the indicator's figures by year and origin, from its contributions one by one.

    {"years": [{"year", "objectifs": value|None, "projets": value|None, "territories": n}],
    "excluded": [Contribution]}: the same figures as `themes_with_indicators`, computed
    here from the rows an indicator's page lists.
    """
    by_year = defaultdict(lambda: defaultdict(list))
    territories_by_year = defaultdict(set)
    excluded = []
    for item in contributions:
        if not same_unit(item, indicator):
            excluded.append(item)
            continue
        by_year[item.year][item.origin].append(item.value)
        if item.origin == OBJECTIVES:
            territories_by_year[item.year].add(item.territory_id)
    years = [{"year": year,
              OBJECTIVES: combine(by_year[year][OBJECTIVES], indicator),
              PROJECTS: combine(by_year[year][PROJECTS], indicator),
              "territories": len(territories_by_year[year])}
             for year in sorted(by_year)]
    return {"years": years, "excluded": excluded}


def themes_with_indicators(territories, *, public):
    """Return the five national themes, each with its indicators and their figures by year.

    [{"theme", "indicators": [{"indicator", "rule", "years", "excluded", "latest"}]}] where
    `excluded` is the number of figures left out for their unit. The database adds the
    figures up: a fixed number of queries and of rows, whatever the number of territories.
    """
    indicators = list(SharedIndicator.objects.select_related("theme").order_by("name"))
    by_indicator = {indicator.pk: indicator for indicator in indicators}
    years = defaultdict(lambda: defaultdict(dict))
    excluded = Counter()
    for origin, function in _figure_providers.items():
        figures, left_out = function(territories, public=public)
        for row in figures:
            indicator = by_indicator[row["indicator_pk"]]
            cell = years[indicator.pk][row["year"]]
            value = row["mean"] if indicator.is_share else row["total"]
            cell[origin] = (Decimal(value).quantize(Decimal("0.1")) if indicator.is_share
                            else value)
            if origin == OBJECTIVES:
                cell["territories"] = row["territories"]
        for row in left_out:
            excluded[row["indicator_pk"]] += row["excluded"]
    themes = []
    for theme in sorted(Theme.objects.national(), key=_theme_order):
        rows = []
        for indicator in indicators:
            if indicator.theme_id != theme.pk:
                continue
            by_year = [{"year": year, OBJECTIVES: cell.get(OBJECTIVES),
                        PROJECTS: cell.get(PROJECTS), "territories": cell.get("territories", 0)}
                       for year, cell in sorted(years[indicator.pk].items())]
            rows.append({"indicator": indicator, "rule": rule_of(indicator), "years": by_year,
                         "excluded": excluded[indicator.pk],
                         "latest": by_year[-1] if by_year else None})
        themes.append({"theme": theme, "indicators": rows})
    return themes


def per_territory(territory_ids, *, public):
    """{indicator_id: {territory_id: {year: value}}} of the objectives, for a comparison."""
    indicators = {indicator.pk: indicator for indicator in SharedIndicator.objects.all()}
    values = defaultdict(lambda: defaultdict(lambda: defaultdict(list)))
    for item in objective_contributions(territory_ids, public=public):
        indicator = indicators[item.indicator_id]
        if same_unit(item, indicator):
            values[item.indicator_id][item.territory_id][item.year].append(item.value)
    return {indicator_id: {territory: {year: combine(found, indicators[indicator_id])
                                       for year, found in by_year.items()}
                           for territory, by_year in by_territory.items()}
            for indicator_id, by_territory in values.items()}


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
