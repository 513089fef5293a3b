"""The national dashboard's rows: every territory of the network and where it stands.

The page and the API (/reseau/, /api/reseau/) both build on `network_dashboard`, which
runs a fixed number of queries whatever the number of territories: one per kind of
figure, never one per territory. Figures owned by the apps above (projects by stage,
funds) come through the registry of cluster/network.py.
"""

from collections import Counter, defaultdict
from decimal import Decimal

from django.db import connection
from django.db.models import (
    Case,
    CharField,
    Count,
    DateField,
    DecimalField,
    ExpressionWrapper,
    F,
    FilteredRelation,
    Func,
    IntegerField,
    Q,
    Value,
    When,
)
from django.db.models.functions import Cast, Round
from django.db.models.lookups import GreaterThan, LessThan
from django.utils.translation import gettext_lazy as _

from cluster.models import Challenge, Objective, RoadmapStep, SharedIndicator
from cluster.network import (
    network_totals,
    per_territory,
    territory_figures,
    themes_with_indicators,
)
from territories.choices import choice_labels
from territories.models import Label, Territory

# The state of an objective against the time gone by since its cluster started.
OBJECTIVE_STATES = {
    "reached": _("atteints"),
    "on_track": _("dans les temps"),
    "late": _("en retard"),
    "unmeasured": _("non mesurés"),
}
NO_LABEL = "none"
# A comparison shows a handful of territories side by side, not the whole network.
MAX_COMPARED = 8


def network_territories(*, staff):
    """Every territory for the national team; the published ones for everybody else."""
    territories = Territory.objects.select_related("label").order_by("name", "pk")
    return territories if staff else territories.filter(is_published=True)


def objective_state(*, baseline, target, target_date, latest, start, today):
    """Say whether an objective is reached, on track, late or not measured yet.

    On track: its progress from baseline to target (Objective.progress) is at least the
    share of the time gone by from its cluster's start to its target date. Late: below it.
    """
    if latest is None:
        return "unmeasured"
    progress = (latest - baseline) / (target - baseline)
    if progress >= 1:
        return "reached"
    span = (target_date - start).days
    elapsed = Decimal((today - start).days) / span if span > 0 else Decimal(1)
    return "late" if progress < min(Decimal(1), max(Decimal(0), elapsed)) else "on_track"


def _current_steps(territory_ids):
    """{territory_id: (number, kind label, status label)}: the step under way, or next."""
    steps = defaultdict(list)
    for territory, number, kind, status in (
            RoadmapStep.objects.filter(cluster__territory__in=territory_ids)
            .order_by("cluster__territory", "cluster", "number")
            .values_list("cluster__territory", "number", "kind", "status")):
        steps[territory].append((number, kind, status))
    # The choices' labels are translated once per request, not once per row.
    kinds = choice_labels(RoadmapStep.Kind.choices)
    statuses = choice_labels(RoadmapStep.Status.choices)
    current = {}
    for territory, rows in steps.items():
        row = (next((row for row in rows if row[2] == RoadmapStep.Status.DOING), None)
               or next((row for row in rows if row[2] == RoadmapStep.Status.TODO), None)
               or rows[-1])
        current[territory] = {"number": row[0], "kind": kinds[row[1]],
                              "status": statuses[row[2]]}
    return current


class _Days(Func):
    """The days from the date `start` to the date `end` (an integer), in the database."""

    output_field = IntegerField()

    def __init__(self, end, start):
        super().__init__(end, start)

    def as_sql(self, compiler, connection, **extra_context):
        (end, end_params), (start, start_params) = (compiler.compile(expression)
                                                      for expression in self.source_expressions)
        if connection.vendor == "sqlite":
            return (f"CAST(julianday({end}) - julianday({start}) AS INTEGER)",
                    [*end_params, *start_params])
        return f"(({end})::date - ({start})::date)", [*end_params, *start_params]


def _state(today):
    """`objective_state` as a database expression, exact: the share of the way from
    baseline to target and the share of the time gone by are compared by cross products
    (in hundredths on SQLite, whose decimals are binary floats)."""
    def exact(expression):
        if connection.vendor == "sqlite":  # two decimal places: whole hundredths
            return Cast(Round(F(expression) * 100), IntegerField())
        return F(expression)

    latest, baseline, target = exact("latest__value"), exact("baseline"), exact("target")
    gone = _Days(Value(today, output_field=DateField()), F("challenge__cluster__start_date"))
    span = _Days(F("target_date"), F("challenge__cluster__start_date"))
    increase = Q(target__gt=F("baseline"))
    done = ExpressionWrapper((latest - baseline) * span, output_field=DecimalField())
    due = ExpressionWrapper(gone * (target - baseline), output_field=DecimalField())
    return Case(
        When(latest__value__isnull=True, then=Value("unmeasured")),
        When(increase & Q(latest__value__gte=F("target")), then=Value("reached")),
        When(~increase & Q(latest__value__lte=F("target")), then=Value("reached")),
        # The target date has come (or precedes the start): not reached is late.
        When(Q(target_date__lte=F("challenge__cluster__start_date"))
             | Q(target_date__lte=today), then=Value("late")),
        # Before the start, the time gone by counts as none.
        When(Q(challenge__cluster__start_date__gte=today)
             & (increase & Q(latest__value__lt=F("baseline"))
                | ~increase & Q(latest__value__gt=F("baseline"))), then=Value("late")),
        When(Q(challenge__cluster__start_date__gte=today), then=Value("on_track")),
        When(increase, then=Case(When(GreaterThan(due, done), then=Value("late")),
                                 default=Value("on_track"))),
        default=Case(When(LessThan(due, done), then=Value("late")),
                     default=Value("on_track")),
        output_field=CharField())


def objective_states(objectives, today, *, by_territory=True):
    """Count the objectives by state: {territory_id: Counter(state)}, or Counter(state)
    over all of them when not `by_territory`.

    The database works the states out and counts them (one query, a row per territory
    and state): the network's total runs over every objective of every territory.
    """
    rows = objectives.alias(latest=FilteredRelation(
        "measurements", condition=Q(measurements__is_latest=True))).annotate(
        state=_state(today)).order_by()
    if not by_territory:
        return Counter(dict(rows.values("state").annotate(count=Count("pk"))
                            .values_list("state", "count")))
    states = defaultdict(Counter)
    for territory, state, count in (rows.values("challenge__cluster__territory", "state")
                                    .annotate(count=Count("pk"))
                                    .values_list("challenge__cluster__territory", "state",
                                                 "count")):
        states[territory][state] = count
    return states


def territory_rows(territories, *, public, today):
    """Return one row per territory: label, wave, roadmap step, défis, objectives, and the
    figures of the registered providers (`projects`, `funds`…)."""
    territories = list(territories)
    ids = [territory.pk for territory in territories]
    steps = _current_steps(ids)
    challenges = dict(Challenge.objects.filter(cluster__territory__in=ids)
                      .values("cluster__territory").annotate(count=Count("pk"))
                      .order_by().values_list("cluster__territory", "count"))
    states = objective_states(
        Objective.objects.filter(challenge__cluster__territory__in=ids), today)
    figures = territory_figures(ids, public=public)
    statuses = {**choice_labels(Label.Status.choices), NO_LABEL: str(_("sans label"))}
    rows = []
    for territory in territories:
        label = getattr(territory, "label", None)
        status = label.status if label else NO_LABEL
        rows.append({
            "territory": territory,
            "label_status": status,
            "label_status_display": statuses[status],
            "wave": label.wave if label else None,
            "step": steps.get(territory.pk),
            "challenges": challenges.get(territory.pk, 0),
            "objectives": {state: states[territory.pk][state] for state in OBJECTIVE_STATES},
            **{key: data.get(territory.pk) for key, data in figures.items()},
        })
    return rows


def network_summary(territories, *, public, today):
    """Add up the network in the database: territories by wave and label status, défis,
    objectives by state, and the registered providers' totals (projects, funds)."""
    waves = defaultdict(Counter)
    for wave, status, count in (territories.order_by().values("label__wave", "label__status")
                                .annotate(count=Count("pk"))
                                .values_list("label__wave", "label__status", "count")):
        waves[wave][status or NO_LABEL] += count
    statuses = [(status.value, status.label) for status in Label.Status] + [
        (NO_LABEL, _("sans label"))]
    states = objective_states(
        Objective.objects.filter(challenge__cluster__territory__in=territories), today,
        by_territory=False)
    totals = network_totals(territories, public=public)
    return {
        "territories": sum(sum(counts.values()) for counts in waves.values()),
        "statuses": statuses,
        "waves": [{"wave": wave, "counts": [waves[wave][status] for status, _label in statuses],
                   "total": sum(waves[wave].values())}
                  for wave in sorted(waves, key=lambda wave: (wave is None, wave or 0))],
        "challenges": Challenge.objects.filter(cluster__territory__in=territories).count(),
        "objectives": {state: states[state] for state in OBJECTIVE_STATES},
        "projects": totals.get("projects", {}),
        "funds": totals.get("funds", {}),
    }


def network_dashboard(territories, *, public, today):
    """The network's figures for /reseau/ and /api/reseau/: the summary and the themes.

    The territories' own rows are built for one page at a time (`territory_rows`).
    """
    return {"summary": network_summary(territories, public=public, today=today),
            "themes": themes_with_indicators(territories, public=public)}


def compare_territories(slugs, *, staff, today):
    """Return the rows of the territories named by `slugs`, side by side, or an error.

    {"rows", "indicators": [{"indicator", "cells": [latest {"year", "value"} or None]}],
    "unknown": [slugs], "error": French message or ""}. The public compares published
    territories only: a draft's slug is as unknown as a wrong one.
    """
    slugs = list(dict.fromkeys(slug.strip() for slug in slugs if slug.strip()))[:MAX_COMPARED]
    territories = list(network_territories(staff=staff).filter(slug__in=slugs))
    found = {territory.slug for territory in territories}
    unknown = [slug for slug in slugs if slug not in found]
    territories.sort(key=lambda territory: slugs.index(territory.slug))
    error = ""
    if unknown:
        error = _("Territoire inconnu ou non publié : %(slugs)s.") % {
            "slugs": ", ".join(unknown)}
    elif len(territories) < 2:
        error = _("Choisissez au moins deux territoires à comparer.")
    if error:
        return {"rows": [], "indicators": [], "unknown": unknown, "error": error}
    rows = territory_rows(territories, public=not staff, today=today)
    indicators = []
    values = per_territory([territory.pk for territory in territories], public=not staff)
    for indicator in SharedIndicator.objects.select_related("theme").order_by("name"):
        if indicator.pk not in values:
            continue
        cells = []
        for territory in territories:
            years = values[indicator.pk].get(territory.pk) or {}
            year = max(years, default=None)
            cells.append({"year": year, "value": years[year]} if year else None)
        indicators.append({"theme": indicator.theme, "indicator": indicator, "cells": cells})
    return {"rows": rows, "indicators": indicators, "unknown": [], "error": ""}
