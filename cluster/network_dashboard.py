"""The national dashboard's rows: every territory of the network and where it stands.

The page and the API (/reseau/, /api/reseau/) both build on `network_dashboard`, which
runs a fixed number of queries whatever the number of territories: one per kind of
figure, never one per territory. Figures owned by the apps above (projects by stage,
funds) come through the registry of cluster/network.py.
"""

from collections import Counter, defaultdict
from decimal import Decimal

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from cluster.models import Challenge, Objective, RoadmapStep
from cluster.network import territory_figures, themes_with_indicators
from cluster.selectors import objectives_with_latest
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


def objective_state(objective, *, start, today):
    """Say whether an objective is reached, on track, late or not measured yet.

    On track: its progress from baseline to target is at least the share of the time
    gone by from its cluster's start to its target date. Late: below that share.
    """
    progress = objective.progress(objective.latest_value)
    if progress is None:
        return "unmeasured"
    if progress >= 1:
        return "reached"
    span = (objective.target_date - start).days
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
    current = {}
    for territory, rows in steps.items():
        row = (next((row for row in rows if row[2] == RoadmapStep.Status.DOING), None)
               or next((row for row in rows if row[2] == RoadmapStep.Status.TODO), None)
               or rows[-1])
        current[territory] = {"number": row[0], "kind": str(RoadmapStep.Kind(row[1]).label),
                              "status": str(RoadmapStep.Status(row[2]).label)}
    return current


def _objective_states(territory_ids, today):
    states = defaultdict(Counter)
    objectives = objectives_with_latest(
        Objective.objects.filter(challenge__cluster__territory__in=territory_ids)
    ).select_related("challenge__cluster")
    for objective in objectives:
        cluster = objective.challenge.cluster
        states[cluster.territory_id][objective_state(
            objective, start=cluster.start_date, today=today)] += 1
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
    states = _objective_states(ids, today)
    figures = territory_figures(ids, public=public)
    rows = []
    for territory in territories:
        label = getattr(territory, "label", None)
        rows.append({
            "territory": territory,
            "label_status": label.status if label else NO_LABEL,
            "label_status_display": label.get_status_display() if label else _("sans label"),
            "wave": label.wave if label else None,
            "step": steps.get(territory.pk),
            "challenges": challenges.get(territory.pk, 0),
            "objectives": {state: states[territory.pk][state] for state in OBJECTIVE_STATES},
            **{key: data.get(territory.pk) for key, data in figures.items()},
        })
    return rows


def _sum_dicts(dicts):
    total = Counter()
    for data in dicts:
        for key, value in (data or {}).items():
            total[key] += value
    return dict(total)


def network_summary(rows):
    """Add up the rows: territories by wave and label status, objectives, projects, funds."""
    waves = defaultdict(Counter)
    for row in rows:
        waves[row["wave"]][row["label_status"]] += 1
    statuses = [(status.value, status.label) for status in Label.Status] + [
        (NO_LABEL, _("sans label"))]
    return {
        "territories": len(rows),
        "statuses": statuses,
        "waves": [{"wave": wave, "counts": [waves[wave][status] for status, _label in statuses],
                   "total": sum(waves[wave].values())}
                  for wave in sorted(waves, key=lambda wave: (wave is None, wave or 0))],
        "challenges": sum(row["challenges"] for row in rows),
        "objectives": _sum_dicts(row["objectives"] for row in rows),
        "projects": _sum_dicts(row.get("projects") for row in rows),
        "funds": _sum_dicts(row.get("funds") for row in rows),
    }


def network_dashboard(territories, *, public, today):
    """Everything /reseau/ and /api/reseau/ show, for the given territories."""
    rows = territory_rows(territories, public=public, today=today)
    ids = [row["territory"].pk for row in rows]
    return {"rows": rows, "summary": network_summary(rows),
            "themes": themes_with_indicators(ids, public=public)}


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
    for theme in themes_with_indicators([t.pk for t in territories], public=not staff):
        for row in theme["indicators"]:
            if not row["per_territory"]:
                continue
            cells = []
            for territory in territories:
                years = row["per_territory"].get(territory.name) or {}
                year = max(years, default=None)
                cells.append({"year": year, "value": years[year]} if year else None)
            indicators.append({"theme": theme["theme"], "indicator": row["indicator"],
                               "cells": cells})
    return {"rows": rows, "indicators": indicators, "unknown": [], "error": ""}
