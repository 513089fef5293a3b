"""The schéma directeur de l'innovation responsable: its sections and where their data comes from.

A schéma directeur is a fixed list of sections (`SECTIONS`). Each has a part the
collective writes (Markdown, stored in MasterPlanSection) and, for most, a part
drawn from the cluster's data at the moment a version is generated: the défis
and the progress of their objectives, the roadmap, the places, the portfolio of
projects, the funding plan…

Gathering data from higher apps without importing them
------------------------------------------------------
Projects and funding sit above cluster: cluster must never import them (see
STYLE.md). Yet the schéma directeur shows the portfolio of projects and the
funding plan. So the data of a section comes from a *provider*: a function that
takes a cluster and returns plain JSON-able data (strings, numbers, lists,
dicts). Providers are kept in a registry filled at start-up:

* this module registers the cluster's own providers (défis, roadmap, places and
  cooperation territories through the territory, governance, evaluation);
* ``projects/apps.py`` and ``funding/apps.py`` call
  ``register_section_provider(key, function)`` from their ``AppConfig.ready()``,
  with functions living in ``projects/masterplan.py`` and ``funding/masterplan.py``.

Higher apps import this module, never the reverse: the arrows still point
down. A section whose provider is not registered (its app is not installed)
is printed with its written part only.

Every provider may return, besides its own keys, ``"figures"``: a list of
``[label, value]`` pairs in French, the figures a reader compares from one
version to the next (see `compare_versions`).
"""

import difflib
import re
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Max, Min, Q, Sum
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from cluster import frenchtext as fr
from cluster.models import (
    CollectiveActor,
    MasterPlan,
    MasterPlanSection,
    MasterPlanVersion,
    Measurement,
    Membership,
)
from cluster.selectors import objectives_with_latest

SNAPSHOT_FORMAT = 1
# A version still rendering after this long was lost (a worker stopped): it may be re-queued.
STALE_AFTER = timedelta(minutes=10)

Key = MasterPlanSection.Key


@dataclass(frozen=True)
class Section:
    key: str
    guidance: str  # what the collective writes in it
    data_label: str = ""  # what the document adds from the cluster's data, if anything

    @property
    def title(self):
        return Key(self.key).label


SECTIONS = [
    Section(Key.VISION, _(
        "Le cap que se donne le territoire pour les années à venir : les transitions qu'il "
        "affronte, ce que l'innovation responsable doit y changer, et pour qui."),
        _("Le territoire : type, population, transitions et chiffres clés.")),
    Section(Key.GOVERNANCE, _(
        "Qui pilote et comment : le comité de pilotage, les partenaires incontournables "
        "(villes, intercommunalité, CAF et centres sociaux, PTCE, CRESS…), les entreprises "
        "engagées, et l'inscription dans le réseau national des territoires d'innovation."),
        _("Le collectif porteur, ses acteurs par famille, les comités de pilotage et les "
          "entreprises engagées.")),
    Section(Key.CHALLENGES, _(
        "Les trois défis (ou plus) et ce que le collectif vise sur plusieurs années : pourquoi "
        "ces objectifs, et ce qui aura changé à leur échéance."),
        _("Les défis, leurs objectifs et l'avancement calculé à partir des mesures.")),
    Section(Key.PORTFOLIO, _(
        "Les projets que le cluster porte et ceux qui passeront à l'échelle : essaimage, "
        "investissement sociétal, coopérations avec d'autres territoires."),
        _("Les projets par étape, ceux qui ont de l'impact et leurs essaimages.")),
    Section(Key.PLACES, _(
        "Les lieux qui font vivre la communauté de projets : le tiers-lieu qui l'accueille, "
        "ceux à consolider ou à créer."),
        _("Les lieux cartographiés du territoire (tiers-lieux, friches, ateliers…).")),
    Section(Key.FUNDING, _(
        "La logique de financement hybride sur plusieurs années : les engagements obtenus, "
        "ceux à aller chercher, et comment réduire la dépendance à un seul financeur."),
        _("Le plan de financement pluriannuel du cluster et la répartition de ses "
          "financements.")),
    Section(Key.ROADMAP, _(
        "Les prochaines étapes et ce qui prend le relais après les douze mois de la démarche."),
        _("Les sept étapes de la démarche, leurs dates et leurs jalons.")),
    Section(Key.EVALUATION, _(
        "Comment l'impact est mesuré et partagé : indicateurs, fréquence, sources, qui mesure, "
        "et comment les résultats reviennent au comité de pilotage."),
        _("Les indicateurs des objectifs, leurs mesures et leurs valeurs année par année.")),
    Section(Key.COOPERATION, _(
        "Les territoires voisins ou internes qui rejoignent la dynamique sans écosystème mûr, "
        "et ce que le cluster fera avec eux."),
        _("Les territoires de coopération prioritaire et leur population.")),
]
SECTION_KEYS = [section.key for section in SECTIONS]
SECTIONS_BY_KEY = {section.key: section for section in SECTIONS}

_providers = {}


def register_section_provider(key, function):
    """Give the section `key` the function that gathers its data: function(cluster) -> dict.

    Registering again for the same key replaces the provider (useful in tests).
    """
    if key not in SECTIONS_BY_KEY:
        raise ValueError(f"Unknown section of the schéma directeur: {key!r}")
    _providers[key] = function


def section_provider(key):
    return _providers.get(key)


def gather(cluster):
    """Return {section key: data or None} for every section, read now from the cluster."""
    return {key: (_providers[key](cluster) if key in _providers else None)
            for key in SECTION_KEYS}


def person_name(user):
    """Return how a document names a person: full name, else e-mail; "" for nobody."""
    return "" if user is None else str(user)


def build_snapshot(cluster, sections):
    """Return everything the document shows, frozen: texts, validations and data of now.

    `sections` maps each key to its MasterPlanSection (missing ones are empty).
    """
    data = gather(cluster)
    territory = cluster.territory
    return {
        "format": SNAPSHOT_FORMAT,
        "taken_at": timezone.now().isoformat(),
        "cluster": {
            "id": cluster.pk,
            "territory": territory.name,
            "territory_slug": territory.slug,
            "territory_kind": territory.get_kind_display(),
            "collective": cluster.collective.name,
            "start_date": cluster.start_date.isoformat(),
            "duration_months": cluster.duration_months,
        },
        "sections": [
            {
                "key": section.key,
                "title": str(section.title),
                "text": getattr(sections.get(section.key), "text", ""),
                "validated_at": (row.validated_at.isoformat()
                                 if (row := sections.get(section.key)) and row.validated_at
                                 else None),
                "validated_by": person_name(row.validated_by) if row and row.validated_at else "",
                "data": data[section.key],
            }
            for section in SECTIONS
        ],
    }


def master_plan_sections(cluster):
    """Return [(Section, MasterPlanSection)] in the document's order, in two queries.

    Sections never written are unsaved, empty rows: reading the page writes nothing.
    """
    plan = MasterPlan.objects.filter(cluster=cluster).first()
    rows = {} if plan is None else {
        row.key: row for row in plan.sections.select_related("validated_by", "updated_by")}
    return [(section, rows.get(section.key) or MasterPlanSection(key=section.key))
            for section in SECTIONS]


def preview_snapshot(cluster):
    """Return the snapshot a version generated now would freeze (nothing is saved)."""
    with translation.override(settings.LANGUAGE_CODE):
        return build_snapshot(cluster, {row.key: row
                                        for _section, row in master_plan_sections(cluster)
                                        if row.pk})


def snapshot_is_adopted(snapshot):
    """Return whether every section of the snapshot was validated by the comité de pilotage."""
    sections = snapshot.get("sections", [])
    return bool(sections) and all(section.get("validated_at") for section in sections)


def snapshot_summary(snapshot):
    """Return a few figures of the snapshot, for lists that must not load all of it."""
    sections = snapshot.get("sections", [])
    data = {section["key"]: section.get("data") or {} for section in sections}
    funding = data.get(Key.FUNDING, {})
    return {
        "territory": snapshot["cluster"]["territory"],
        "territory_slug": snapshot["cluster"]["territory_slug"],
        "collective": snapshot["cluster"]["collective"],
        "section_count": len(sections),
        "written_count": sum(1 for section in sections if section.get("text")),
        "validated_count": sum(1 for section in sections if section.get("validated_at")),
        "challenge_count": len(data.get(Key.CHALLENGES, {}).get("challenges", [])),
        "objective_count": data.get(Key.CHALLENGES, {}).get("objective_count", 0),
        "project_count": data.get(Key.PORTFOLIO, {}).get("total", 0),
        "budget_total": funding.get("budget_total"),
        "contribution_total": funding.get("contribution_total"),
    }


def has_adopted_master_plan(cluster):
    """Return whether the cluster has a multi-year strategic plan adopted by its comité.

    That is a generated version (PDF ready) whose every section was validated when it
    was taken: what the French Impact label calls "un plan stratégique pluriannuel".
    """
    return MasterPlanVersion.objects.filter(
        plan__cluster=cluster, is_adopted=True, status=MasterPlanVersion.Status.READY,
    ).exists()


# Comparing two versions ----------------------------------------------------------------------

@dataclass
class SectionComparison:
    key: str
    title: str
    text_changed: bool
    text_diff: str  # safe HTML: the written part, words added and removed
    figures: list  # [(label, old, new)] of the figures that changed, were added or removed
    validation_changed: bool
    old_validated: bool
    new_validated: bool

    @property
    def changed(self):
        return self.text_changed or bool(self.figures) or self.validation_changed


_TOKENS = re.compile(r"\n|[^\s]+")


def _words(text):
    """Return the words of the text, with its line breaks as "\n" tokens."""
    return _TOKENS.findall(re.sub(r"\n\s*\n+", "\n", (text or "").strip()))


def _escape_run(words):
    return " ".join("<br>" if word == "\n" else escape(word) for word in words) \
        .replace(" <br> ", "<br>")


def text_diff_html(old, new):
    """Return the words of `new` with those removed from `old` and added to it marked.

    Each word is HTML-escaped before being wrapped in <del> or <ins>; line breaks
    are kept, so that paragraphs and lists still read as such.
    """
    old_words, new_words = _words(old), _words(new)
    parts = []
    matcher = difflib.SequenceMatcher(a=old_words, b=new_words, autojunk=False)
    for operation, a1, a2, b1, b2 in matcher.get_opcodes():
        if operation == "equal":
            parts.append(_escape_run(old_words[a1:a2]))
            continue
        if a2 > a1:
            parts.append(f"<del>{_escape_run(old_words[a1:a2])}</del>")
        if b2 > b1:
            parts.append(f"<ins>{_escape_run(new_words[b1:b2])}</ins>")
    html = " ".join(parts).replace(" <br>", "<br>").replace("<br> ", "<br>")
    return mark_safe(html)  # noqa: S308 - every word escaped above


def _figures(section):
    data = section.get("data") or {}
    return [(str(label), str(value)) for label, value in data.get("figures", [])]


def compare_snapshots(old, new):
    """Compare two snapshots section by section: written text, validations and figures."""
    old_sections = {section["key"]: section for section in old.get("sections", [])}
    comparisons = []
    for section in new.get("sections", []):
        before = old_sections.get(section["key"], {})
        old_figures, new_figures = dict(_figures(before)), dict(_figures(section))
        figures = []
        for label, value in new_figures.items():
            if old_figures.get(label) != value:
                figures.append((label, old_figures.get(label, "—"), value))
        figures += [(label, value, "—") for label, value in old_figures.items()
                    if label not in new_figures]
        old_text, new_text = before.get("text", ""), section.get("text", "")
        comparisons.append(SectionComparison(
            key=section["key"], title=section["title"],
            text_changed=_words(old_text) != _words(new_text),
            text_diff=text_diff_html(old_text, new_text),
            figures=figures,
            validation_changed=bool(before.get("validated_at")) != bool(
                section.get("validated_at")),
            old_validated=bool(before.get("validated_at")),
            new_validated=bool(section.get("validated_at")),
        ))
    return comparisons


# The cluster's own providers -----------------------------------------------------------------

def _decimal(value):
    return None if value is None else str(value)


def _iso(day):
    return day.isoformat() if day else None


def territory_data(cluster):
    """The territory: its kind, population, transitions and key figures."""
    territory = cluster.territory
    totals = territory.communes.aggregate(population=Sum("population"), communes=Count("pk"))
    figures = list(territory.key_figures.order_by("pk"))
    population = totals["population"] or 0
    return {
        "name": territory.name,
        "kind": territory.get_kind_display(),
        "population": population,
        "commune_count": totals["communes"],
        "transitions": [str(label) for label in territory.get_transitions_display()],
        "summary": territory.summary,
        "key_figures": [{"label": figure.label, "value": _decimal(figure.value),
                         "unit": figure.unit, "source": figure.source, "year": figure.year}
                        for figure in figures],
        "figures": [
            [str(_("Population")), fr.number(population)],
            [str(_("Communes")), fr.number(totals["communes"])],
            [str(_("Transitions")), ", ".join(str(label) for label in
                                             territory.get_transitions_display()) or "—"],
            *[[figure.label, f"{fr.number(figure.value)} {figure.unit}".strip()]
              for figure in figures],
        ],
    }


def collective_data(collective):
    """The collective: its people by role and its member actors by family. Two queries."""
    people = dict(collective.memberships.values_list("role").annotate(n=Count("pk")))
    links = list(collective.actor_links.select_related("actor__commune")
                 .order_by("family", "actor__name"))
    families = dict(CollectiveActor.Family.choices)
    counts = {}
    for link in links:
        counts[link.family] = counts.get(link.family, 0) + 1
    return {
        "collective": collective.name,
        "facilitator_count": people.get(Membership.Role.FACILITATOR, 0),
        "member_count": sum(people.values()),
        "families": [{"key": value, "label": str(families.get(value, value)), "count": count}
                     for value, count in counts.items()],
        # The annex lists them by name, to be looked up.
        "actors": [{"name": link.actor.name, "family": str(families.get(link.family, "")),
                    "family_key": link.family, "kind": link.actor.get_kind_display(),
                    "commune": link.actor.commune.name if link.actor.commune else ""}
                   for link in sorted(links, key=lambda link: link.actor.name.lower())],
    }


def engagements_data(cluster):
    """The companies engaged with the cluster, by name. One query."""
    return [{"company": engagement.company.name, "size": engagement.get_size_display(),
             "kind": engagement.get_kind_display(), "value": _decimal(engagement.value),
             "start_date": _iso(engagement.start_date)}
            for engagement in cluster.engagements.select_related("company").order_by(
                "company__name", "pk")]


def governance_data(cluster):
    """The collective, its member actors by family, the comité de pilotage, engaged companies."""
    collective = collective_data(cluster.collective)
    meetings = list(cluster.steering_meetings.annotate(decision_count=Count("decisions"))
                    .order_by("-held_on", "-pk"))
    today = timezone.localdate()
    held = [meeting for meeting in meetings if meeting.held_on <= today]
    last_decisions = list(held[0].decisions.order_by("position", "pk")
                          .values_list("text", flat=True)) if held else []
    engagements = engagements_data(cluster)
    engagement_total = sum(Decimal(row["value"]) for row in engagements if row["value"])
    return {
        **collective,
        "meeting_count": len(held),
        "meetings": [{"held_on": _iso(meeting.held_on), "title": meeting.title,
                      "decision_count": meeting.decision_count,
                      "planned": meeting.held_on > today} for meeting in meetings[:8]],
        "last_decisions": last_decisions,
        "engagements": engagements,
        "engagement_total": _decimal(engagement_total),
        "figures": [
            [str(_("Acteurs du collectif")), fr.number(len(collective["actors"]))],
            *[[str(_("Acteurs : %(family)s") % {"family": family["label"]}),
               fr.number(family["count"])] for family in collective["families"]],
            [str(_("Comités de pilotage tenus")), fr.number(len(held))],
            [str(_("Entreprises engagées")), fr.number(len(engagements))],
            [str(_("Valeur des engagements")), fr.money(engagement_total)],
        ],
    }


def challenges_data(cluster):
    """The défis and their objectives, with the latest measurement and computed progress."""
    challenges = list(cluster.challenges.select_related("theme").order_by("position", "pk"))
    objectives = list(objectives_with_latest().filter(challenge__cluster=cluster)
                      .annotate(measurement_count=Count("measurements")).order_by("pk"))
    by_challenge = {}
    for objective in objectives:
        by_challenge.setdefault(objective.challenge_id, []).append(objective)
    rows, figures = [], []
    for challenge in challenges:
        items = []
        for objective in by_challenge.get(challenge.pk, []):
            progress = objective.progress(objective.latest_value)
            items.append({
                "title": objective.title, "unit": objective.unit,
                "baseline": _decimal(objective.baseline), "target": _decimal(objective.target),
                "target_date": _iso(objective.target_date),
                "direction": objective.direction,
                "direction_label": objective.get_direction_display(),
                "latest_value": _decimal(objective.latest_value),
                "latest_on": _iso(objective.latest_on),
                "progress": _decimal(progress),
                "measurement_count": objective.measurement_count,
            })
            figures += [
                [f"{objective.title} — {_('dernière mesure')}",
                 f"{fr.number(objective.latest_value)} {objective.unit}"
                 + (f" ({fr.long_date(objective.latest_on)})" if objective.latest_on else "")],
                [f"{objective.title} — {_('cible')}",
                 f"{fr.number(objective.target)} {objective.unit} "
                 f"({fr.long_date(objective.target_date)})"],
                [f"{objective.title} — {_('avancement')}", fr.percent(progress)],
            ]
        rows.append({"title": challenge.title, "kind": challenge.get_kind_display(),
                     "theme": challenge.theme.name if challenge.theme else "",
                     "summary": challenge.summary, "objectives": items})
    return {
        "challenges": rows,
        "objective_count": len(objectives),
        "figures": [[str(_("Défis")), fr.number(len(challenges))],
                    [str(_("Objectifs")), fr.number(len(objectives))], *figures],
    }


def places_data(cluster):
    """The places mapped on the cluster's territory: tiers-lieux, friches, ateliers…"""
    places = list(cluster.territory.places.select_related("commune", "operator")
                  .order_by("status", "name"))
    by_status = {}
    for place in places:
        by_status.setdefault(place.get_status_display(), 0)
        by_status[place.get_status_display()] += 1
    return {
        "places": [{"name": place.name, "kind": place.get_kind_display(),
                    "status": place.get_status_display(),
                    "commune": place.commune.name if place.commune else "",
                    "operator": place.operator.name if place.operator else "",
                    "description": place.description[:400]} for place in places],
        "figures": [[str(_("Lieux")), fr.number(len(places))],
                    *[[str(_("Lieux : %(status)s") % {"status": status}), fr.number(count)]
                      for status, count in by_status.items()]],
    }


def roadmap_data(cluster):
    """The seven steps of the method: dates, status, milestones reached."""
    today = timezone.localdate()
    steps = list(cluster.steps.annotate(
        milestone_total=Count("milestones"),
        milestone_done=Count("milestones", filter=Q(milestones__done_on__isnull=False)),
        milestone_late=Count("milestones", filter=Q(milestones__done_on__isnull=True,
                                                    milestones__due_date__lt=today)),
    ).order_by("number"))
    done = sum(1 for step in steps
               if step.counts_as_finished(today, step.milestone_total - step.milestone_done))
    return {
        "start_date": _iso(cluster.start_date),
        "duration_months": cluster.duration_months,
        "steps": [{"number": step.number, "label": step.get_kind_display(),
                   "summary": step.summary, "start": _iso(step.start_date),
                   "end": _iso(step.end_date), "status": step.status,
                   "status_label": step.get_status_display(),
                   "milestones_done": step.milestone_done,
                   "milestones_total": step.milestone_total,
                   "milestones_late": step.milestone_late} for step in steps],
        "figures": [
            [str(_("Étapes terminées")), f"{done} / {len(steps)}"],
            *[[f"{step.number}. {step.get_kind_display()}",
               f"{step.get_status_display()}, {step.milestone_done} / {step.milestone_total} "
               f"{_('jalons')}"] for step in steps],
        ],
    }


def evaluation_data(cluster):
    """Each objective's indicator: how often it is measured, its sources, its value by year."""
    objectives = list(objectives_with_latest().filter(challenge__cluster=cluster)
                      .select_related("challenge").annotate(
                          measurement_count=Count("measurements"),
                          first_on=Min("measurements__measured_on"),
                          last_on=Max("measurements__measured_on"))
                      .order_by("challenge__position", "challenge_id", "pk"))
    measurements = Measurement.objects.filter(objective__challenge__cluster=cluster) \
        .order_by("objective_id", "measured_on", "pk").values_list(
            "objective_id", "measured_on", "value", "source")
    year_values, sources = {}, {}
    for objective_id, measured_on, value, source in measurements:
        # The last measurement of a year stands for that year.
        year_values.setdefault(objective_id, {})[measured_on.year] = (value, measured_on)
        known = sources.setdefault(objective_id, [])
        if source and source not in known:
            known.append(source)
    years = sorted({year for values in year_values.values() for year in values})
    rows = []
    for objective in objectives:
        values = year_values.get(objective.pk, {})
        rows.append({
            "challenge": objective.challenge.title, "title": objective.title,
            "unit": objective.unit, "baseline": _decimal(objective.baseline),
            "target": _decimal(objective.target),
            "count": objective.measurement_count, "first_on": _iso(objective.first_on),
            "last_on": _iso(objective.last_on), "sources": sources.get(objective.pk, [])[:3],
            "years": [{"year": year, "value": _decimal(values[year][0]) if year in values
                       else None} for year in years],
        })
    total = sum(row["count"] for row in rows)
    return {
        "objectives": rows,
        "years": years,
        "measurement_total": total,
        "figures": [[str(_("Mesures enregistrées")), fr.number(total)],
                    *[[f"{row['title']} — {year['year']}",
                       f"{fr.number(year['value'])} {row['unit']}"]
                      for row in rows for year in row["years"] if year["value"] is not None]],
    }


def cooperation_data(cluster):
    """The priority cooperation territories named by the cluster's territory."""
    others = list(cluster.territory.cooperation_territories.annotate(
        population=Sum("communes__population"), commune_count=Count("communes"),
    ).order_by("name"))
    return {
        "territories": [{"name": other.name, "kind": other.get_kind_display(),
                         "population": other.population or 0,
                         "commune_count": other.commune_count} for other in others],
        "figures": [[str(_("Territoires de coopération prioritaire")), fr.number(len(others))],
                    *[[other.name, f"{fr.number(other.population or 0)} {_('habitant·es')}"]
                      for other in others]],
    }


register_section_provider(Key.VISION, territory_data)
register_section_provider(Key.GOVERNANCE, governance_data)
register_section_provider(Key.CHALLENGES, challenges_data)
register_section_provider(Key.PLACES, places_data)
register_section_provider(Key.ROADMAP, roadmap_data)
register_section_provider(Key.EVALUATION, evaluation_data)
register_section_provider(Key.COOPERATION, cooperation_data)
