"""What a dossier freezes when it is submitted: its shape, how it is built, how it is read.

One serialisation of a cluster
------------------------------
The territory, the défis, the engaged companies, the collective and the funding
plan are serialised once, by the schéma directeur's section providers
(`cluster.masterplan`, and `funding.masterplan` through the registry). A
dossier's contents are those providers' data without their "figures", plus what
only a dossier has: its texts, its call and grid, the territory's départements
and régions.

The shape
---------
The `TypedDict`s below are the shape of format 2: every key, its type, and what
it holds. Dates and times are ISO strings, amounts decimal strings, labels
already in words (in the site's language at the time of freezing). The API
documents its `snapshot` from them.

Frozen snapshots never change
-----------------------------
A submitted dossier keeps the JSON it was frozen with. Snapshots frozen before
format 2 carry `"version": 1` and other keys; `snapshot_read` gives any stored
snapshot the current shape (what format 1 did not record is empty or null), so
pages, PDF and API read one shape only.
"""

import copy
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import TypedDict

from django.utils import formats, translation
from django.utils.translation import ngettext

from cluster.masterplan import (
    Key,
    challenges_data,
    collective_data,
    cooperation_data,
    engagements_data,
    person_name,
    section_provider,
    territory_data,
)
from cluster.models import Objective
from territories.models import Department, Label

SNAPSHOT_FORMAT = 2


# The shape (format 2) ----------------------------------------------------------------------

class DossierTexts(TypedDict):
    """What the collective wrote in the dossier."""

    id: int
    title: str
    summary: str
    strategic_plan: str
    requested_amount: str | None


class CriterionPart(TypedDict):
    """One criterion of the call's scoring grid."""

    label: str
    description: str
    weight: int
    max_score: int


class CallPart(TypedDict):
    """The call the dossier answers, with its grid. `opens_at` and `deadline`: ISO datetimes."""

    title: str
    slug: str
    kind: str
    kind_label: str
    funder: str
    opens_at: str
    deadline: str
    max_amount: str | None
    criteria: list[CriterionPart]


class ActorPart(TypedDict):
    """A member actor of the collective: `family` in words, `family_key` the stored value."""

    name: str
    family: str
    family_key: str
    kind: str
    commune: str


class CollectivePart(TypedDict):
    """The collective porteur: its name, people signed up, member actors by name."""

    name: str
    member_count: int
    facilitator_count: int | None
    actors: list[ActorPart]


class KeyFigurePart(TypedDict):
    label: str
    value: str | None
    unit: str
    source: str
    year: int | None


class TerritoryPart(TypedDict):
    """The territory (the schéma directeur's "vision" data) with its départements and régions.

    `departments` reads "Name (code)"; `cooperation_territories` holds names.
    """

    name: str
    kind: str
    population: int
    commune_count: int
    transitions: list[str]
    summary: str
    key_figures: list[KeyFigurePart]
    departments: list[str]
    regions: list[str]
    cooperation_territories: list[str]


class ObjectivePart(TypedDict):
    """An objective: indicator, latest measurement, `progress` a share from 0 to 1."""

    title: str
    unit: str
    baseline: str
    target: str
    target_date: str
    direction: str
    direction_label: str
    latest_value: str | None
    latest_on: str | None
    progress: str | None
    measurement_count: int | None


class ChallengePart(TypedDict):
    """A défi ("kind" in words, "theme" empty when none) and its objectives."""

    title: str
    kind: str
    theme: str
    summary: str
    objectives: list[ObjectivePart]


class EngagementPart(TypedDict):
    """An engaged company: size and kind of engagement in words."""

    company: str
    size: str
    kind: str
    value: str | None
    start_date: str | None


class PlanTitle(TypedDict):
    title: str
    first_year: int
    last_year: int


class PlanYear(TypedDict):
    year: int
    budget: str
    contributions: str
    secured: str
    uncertain: str
    gap: str


class BudgetLinePart(TypedDict):
    """A budget line: its amount for each year of the plan, in order."""

    label: str
    amounts: list[str | None]
    total: str


class SourceCell(TypedDict):
    amount: str | None
    status: str


class SourceRow(TypedDict):
    """A funding source: its contribution for each year of the plan, in order."""

    source: str
    funder: str
    scope: str
    public: bool
    cells: list[SourceCell]
    total: str


class MixPart(TypedDict):
    """One part of a breakdown of the contributions: amount and rounded percent."""

    key: str
    label: str
    amount: str
    percent: int


class FundingPlanPart(TypedDict):
    """The cluster's own funding plan (the schéma directeur's "funding" data)."""

    plan: PlanTitle
    years: list[PlanYear]
    budget_lines: list[BudgetLinePart]
    sources: list[SourceRow]
    budget_total: str
    contribution_total: str
    secured_total: str
    uncertain_total: str
    gap_total: str
    gap_is_surplus: bool
    gap_abs: str
    coverage: str | None
    public: list[MixPart]
    scopes: list[MixPart]
    statuses: list[MixPart]
    funders: list[MixPart]
    hhi: str | None
    hhi_reading: str


class ProjectPart(TypedDict):
    """A project of the cluster's portfolio: its défi, stage in words, carriers by name."""

    title: str
    challenge: str
    stage: str
    stage_label: str
    carriers: list[str]
    place: str
    start_date: str | None


class FollowUpPart(TypedDict):
    """What only an annual follow-up shows: its due date (ISO), the label, the projects.

    `portfolio` is the schéma directeur's "portfolio" data: `total`, `stages` (key,
    label, count), `projects`, `scaling`, `replications`, `taken_up`.
    """

    due_on: str
    wave: int | None
    labelled_on: str | None
    portfolio: dict


class Snapshot(TypedDict):
    """Everything a dossier shows, frozen at submission (format 2).

    `frozen_at` is null and `submitted_by` empty while the dossier is a draft;
    `funding_plan` is null when the cluster has no plan of its own; `follow_up` is null
    but for an annual follow-up (and absent from snapshots frozen before it existed).
    """

    format: int
    frozen_at: str | None
    submitted_by: str
    dossier: DossierTexts
    call: CallPart
    collective: CollectivePart
    territory: TerritoryPart
    challenges: list[ChallengePart]
    engagements: list[EngagementPart]
    funding_plan: FundingPlanPart | None
    follow_up: FollowUpPart | None


# Building ----------------------------------------------------------------------------------

def _money(value):
    return None if value is None else str(value)


def _without_figures(data):
    return {key: value for key, value in data.items() if key != "figures"}


def _funding_plan(cluster):
    provider = section_provider(Key.FUNDING)
    data = provider(cluster) if provider else None
    if not data or data.get("plan") is None:
        return None
    return _without_figures(data)


def _follow_up(dossier):
    """The follow-up's own part: its due date, the label, the cluster's projects."""
    if dossier.follow_up_due is None:
        return None
    label = Label.objects.filter(territory=dossier.cluster.territory).first()
    provider = section_provider(Key.PORTFOLIO)
    return {
        "due_on": dossier.follow_up_due.isoformat(),
        "wave": label.wave if label else None,
        "labelled_on": label.labelled_on.isoformat() if label and label.labelled_on else None,
        "portfolio": _without_figures(provider(dossier.cluster)) if provider else {},
    }


def dossier_contents(dossier, *, now=None, by=None) -> Snapshot:
    """Return everything the dossier shows, as JSON-ready data: what a submission freezes.

    The cluster's parts come from the schéma directeur's section providers, so that
    both documents say the same thing the same way. A fixed number of queries,
    whatever the size of the cluster; the dossier comes with its call, funder,
    cluster, collective and territory.
    """
    call, cluster = dossier.call, dossier.cluster
    collective = collective_data(cluster.collective)
    territory = cluster.territory
    places = list(Department.objects.filter(communes__territories=territory).distinct()
                  .order_by("code").values_list("code", "name", "region__name"))
    return {
        "format": SNAPSHOT_FORMAT,
        "frozen_at": now.isoformat() if now else None,
        "submitted_by": person_name(by),
        "dossier": {
            "id": dossier.pk,
            "title": dossier.title,
            "summary": dossier.summary,
            "strategic_plan": dossier.strategic_plan,
            "requested_amount": _money(dossier.requested_amount),
        },
        "call": {
            "title": call.title,
            "slug": call.slug,
            "kind": call.kind,
            "kind_label": call.get_kind_display(),
            "funder": call.funder.name,
            "opens_at": call.opens_at.isoformat(),
            "deadline": call.deadline.isoformat(),
            "max_amount": _money(call.max_amount),
            "criteria": [{"label": criterion.label, "description": criterion.description,
                          "weight": criterion.weight, "max_score": criterion.max_score}
                         for criterion in call.criteria.order_by("position", "pk")],
        },
        "collective": {
            "name": collective["collective"],
            "member_count": collective["member_count"],
            "facilitator_count": collective["facilitator_count"],
            "actors": collective["actors"],
        },
        "territory": {
            **_without_figures(territory_data(cluster)),
            "departments": [f"{name} ({code})" for code, name, _region in places],
            "regions": sorted({region for _code, _name, region in places}),
            "cooperation_territories": [other["name"] for other in
                                        cooperation_data(cluster)["territories"]],
        },
        "challenges": challenges_data(cluster)["challenges"],
        "engagements": engagements_data(cluster),
        "funding_plan": _funding_plan(cluster),
        "follow_up": _follow_up(dossier),
    }


# Reading -----------------------------------------------------------------------------------

def snapshot_read(contents) -> Snapshot:
    """Return stored contents in the current shape, whatever the format they were frozen in.

    The stored JSON is left as it is; a copy is returned.
    """
    contents = copy.deepcopy(contents)
    if contents.get("format") == SNAPSHOT_FORMAT:
        contents.setdefault("follow_up", None)
        return contents
    return _from_format_1(contents)


def _share(percent):
    """Return "0.46" for the "46 %" format 1 froze (digits only: "1 000 %" has spaces)."""
    digits = "".join(char for char in str(percent or "") if char.isdigit() or char == "-")
    try:
        return str(Decimal(digits) / 100) if digits else None
    except InvalidOperation:
        return None


def _directions():
    """Map the words format 1 froze (in French, the site's language) back to the values."""
    with translation.override("fr"):
        return {str(label): value for value, label in Objective.Direction.choices}


def _from_format_1(old):
    directions = _directions()
    territory = old.get("territory") or {}
    collective = old.get("collective") or {}
    return {
        "format": SNAPSHOT_FORMAT,
        "frozen_at": old.get("frozen_at"),
        "submitted_by": old.get("submitted_by") or "",
        "dossier": old["dossier"],
        "call": old["call"],
        "collective": {
            "name": collective.get("name", ""),
            "member_count": collective.get("members_count", 0),
            "facilitator_count": None,
            "actors": [{"name": actor["name"], "family": actor.get("family_label", ""),
                        "family_key": actor.get("family", ""),
                        "kind": actor.get("kind_label", ""), "commune": ""}
                       for actor in collective.get("actors", [])],
        },
        "territory": {
            "name": territory.get("name", ""),
            "kind": territory.get("kind_label", ""),
            "population": territory.get("population", 0),
            "commune_count": territory.get("communes_count", 0),
            "transitions": territory.get("transitions", []),
            "summary": "",
            "key_figures": [],
            "departments": territory.get("departments", []),
            "regions": territory.get("regions", []),
            "cooperation_territories": territory.get("cooperation_territories", []),
        },
        "challenges": [{
            "title": challenge["title"],
            "kind": challenge.get("kind_label", ""),
            "theme": challenge.get("theme") or "",
            "summary": challenge.get("summary", ""),
            "objectives": [{
                "title": objective["title"], "unit": objective.get("unit", ""),
                "baseline": objective.get("baseline"), "target": objective.get("target"),
                "target_date": objective.get("target_date"),
                "direction": directions.get(objective.get("direction_label"), ""),
                "direction_label": objective.get("direction_label", ""),
                "latest_value": objective.get("latest_value"),
                "latest_on": objective.get("latest_on"),
                "progress": _share(objective.get("progress")),
                "measurement_count": None,
            } for objective in challenge.get("objectives", [])],
        } for challenge in old.get("challenges", [])],
        "engagements": [{
            "company": engagement["company"], "size": engagement.get("size_label", ""),
            "kind": engagement.get("kind_label", ""), "value": engagement.get("value"),
            "start_date": engagement.get("start_date"),
        } for engagement in old.get("engagements", [])],
        "funding_plan": _plan_from_format_1(old.get("funding_plan")),
        "follow_up": None,
    }


def _plan_from_format_1(plan):
    if not plan:
        return None

    def amount(value):
        return Decimal(value or 0)

    years = []
    for row in plan.get("years", []):
        budget, funded = amount(row.get("expenses")), amount(row.get("contributions"))
        secured = amount(row.get("secured"))
        years.append({"year": row["year"], "budget": str(budget), "contributions": str(funded),
                      "secured": str(secured), "uncertain": str(funded - secured),
                      "gap": str(budget - funded)})
    budget, funded = amount(plan.get("total_expenses")), amount(plan.get("total_contributions"))
    secured = amount(plan.get("total_secured"))
    return {
        "plan": {"title": plan.get("title", ""), "first_year": plan.get("first_year"),
                 "last_year": plan.get("last_year")},
        "years": years, "budget_lines": [], "sources": [],
        "budget_total": str(budget), "contribution_total": str(funded),
        "secured_total": str(secured), "uncertain_total": str(funded - secured),
        "gap_total": str(budget - funded), "gap_is_surplus": budget < funded,
        "gap_abs": str(abs(budget - funded)),
        "coverage": str(funded / budget) if budget else None,
        "public": [], "scopes": [], "statuses": [], "funders": [], "hhi": None,
        "hhi_reading": "",
    }


def snapshot_display(contents):
    """Return contents in the current shape, ready for templates: dates and times as
    objects, the perimeter in words, each objective's progress in whole percents.

    Amounts stay decimal strings, which `floatformat` reads.
    """
    contents = snapshot_read(contents)
    call = contents["call"]
    for key in ("opens_at", "deadline"):
        call[key] = datetime.fromisoformat(call[key])
    if contents.get("frozen_at"):
        contents["frozen_at"] = datetime.fromisoformat(contents["frozen_at"])
    for challenge in contents["challenges"]:
        for objective in challenge["objectives"]:
            for key in ("target_date", "latest_on"):
                if objective.get(key):
                    objective[key] = date.fromisoformat(objective[key])
            progress = objective.get("progress")
            objective["progress_percent"] = (None if progress is None
                                             else round(Decimal(progress) * 100))
    if contents["follow_up"]:
        contents["follow_up"]["due_on"] = date.fromisoformat(contents["follow_up"]["due_on"])
    for engagement in contents["engagements"]:
        if engagement.get("start_date"):
            engagement["start_date"] = date.fromisoformat(engagement["start_date"])
    territory = contents["territory"]
    count = territory["commune_count"] or 0
    territory["perimeter"] = " · ".join([
        ngettext("%(count)s commune", "%(count)s communes", count)
        % {"count": formats.number_format(count, force_grouping=True)},
        *territory["departments"], *territory["regions"]])
    contents["criteria_weight"] = sum(item["weight"] for item in call["criteria"])
    return contents
