"""The national dashboard (/reseau/): the network's territories and the impact they add up,
public for the published territories, richer for the national team; an indicator's
contributions; a comparison of territories side by side."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from cluster import charts
from cluster import frenchtext as fr
from cluster.models import SharedIndicator
from cluster.network import (
    indicator_contributions,
    indicator_figures,
    provider_columns,
    rule_of,
)
from cluster.network_dashboard import (
    OBJECTIVE_STATES,
    compare_territories,
    network_dashboard,
    network_territories,
    territory_rows,
)
from cluster.network_permissions import PUBLIC_TRANSFER_STATUSES, visible_transfers
from territories.permissions import national_access

PAGE_SIZE = 30
RECENT_TRANSFERS = 5
CONTRIBUTIONS_PAGE_SIZE = 50


def _charts(summary):
    stages = provider_columns("projects")
    projects = summary["projects"]
    objectives = summary["objectives"]
    return {
        "stages_chart": charts.bars_chart(
            [(label, projects.get(stage, 0), fr.number(projects.get(stage, 0)))
             for stage, label in stages], title=_("Projets par étape")),
        "objectives_chart": charts.bars_chart(
            [(label, objectives.get(state, 0), fr.number(objectives.get(state, 0)))
             for state, label in OBJECTIVE_STATES.items()],
            title=_("Objectifs des défis, par état")),
    }


def indicator_chart(row):
    """Bars of an indicator's network figure by year (territories' objectives)."""
    indicator = row["indicator"]
    return charts.bars_chart(
        [(str(year["year"]), year["objectifs"], f"{fr.number(year['objectifs'])} {indicator.unit}")
         for year in row["years"] if year["objectifs"] is not None],
        title=_("%(name)s, par année") % {"name": indicator.name})


def _with_lists(rows):
    """Give each row its figures as lists in the columns' order, for the templates."""
    stages, funds = provider_columns("projects"), provider_columns("funds")
    for row in rows:
        projects, money = row.get("projects") or {}, row.get("funds") or {}
        row["stage_counts"] = [projects.get(stage, 0) for stage, _label in stages]
        row["project_total"] = sum(row["stage_counts"])
        row["state_counts"] = [row["objectives"][state] for state in OBJECTIVE_STATES]
        row["fund_values"] = [money.get(key, 0) for key, _label in funds]
    return rows


def _summary_lists(summary):
    stages, funds = provider_columns("projects"), provider_columns("funds")
    return {
        "stage_totals": [(label, summary["projects"].get(stage, 0)) for stage, label in stages],
        "state_totals": [(label, summary["objectives"].get(state, 0))
                         for state, label in OBJECTIVE_STATES.items()],
        "fund_totals": [(label, summary["funds"].get(key, 0)) for key, label in funds],
    }


@require_GET
def network_page(request):
    """The network at a glance: themes and shared indicators, territories, projects, funds."""
    access = national_access(request.user)
    staff = access.can_coordinate
    territories = network_territories(staff=staff)
    today = timezone.localdate()
    data = network_dashboard(territories, public=not staff, today=today)
    for theme in data["themes"]:
        for row in theme["indicators"]:
            row["chart"] = indicator_chart(row)
    page = Paginator(territories, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = _with_lists(territory_rows(page.object_list, public=not staff, today=today))
    # The expertise the territories share: the latest transfers accepted or held, as anyone
    # may read them (the list page has the rest, and each collective's own).
    transfers = visible_transfers(request.user).filter(
        status__in=PUBLIC_TRANSFER_STATUSES).select_related(
        "requester__territory", "provider__territory", "theme")[:RECENT_TRANSFERS]
    return render(request, "cluster/network/dashboard.html", {
        **data, **_charts(data["summary"]), **_summary_lists(data["summary"]), "page": page,
        "rows": rows, "staff": staff, "stages": provider_columns("projects"),
        "funds": provider_columns("funds") if staff else [], "states": OBJECTIVE_STATES,
        "transfers": transfers,
    })


@require_GET
def network_indicator(request, slug):
    """Every figure an indicator's totals are made of, with its objective or project."""
    access = national_access(request.user)
    staff = access.can_coordinate
    indicator = SharedIndicator.objects.select_related("theme").filter(slug=slug).first()
    if indicator is None:
        raise Http404(_("Cet indicateur partagé n'existe pas."))
    ids = list(network_territories(staff=staff).values_list("pk", flat=True))
    contributions = indicator_contributions(ids, public=not staff, indicators=[indicator])
    figures = indicator_figures(indicator, contributions)
    page = Paginator(contributions, CONTRIBUTIONS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "cluster/network/indicator.html", {
        "indicator": indicator, "page": page, "rule": rule_of(indicator),
        "chart": indicator_chart({"indicator": indicator, **figures}), **figures,
        "staff": staff,
    })


def _comparison_lines(rows):
    """The comparison's table, one line per figure: [(heading, [cell per territory])]."""
    def label(row):
        text = str(row["label_status_display"])
        return text + (" — " + _("vague %(wave)s") % {"wave": row["wave"]} if row["wave"]
                       else "")

    def step(row):
        return (f"{row['step']['number']}. {row['step']['kind']} ({row['step']['status']})"
                if row["step"] else "—")

    lines = [(_("Label"), [label(row) for row in rows]),
             (_("Étape de la feuille de route"), [step(row) for row in rows]),
             (_("Défis"), [fr.number(row["challenges"]) for row in rows])]
    lines += [(_("Objectifs %(state)s") % {"state": state_label},
               [fr.number(row["state_counts"][index]) for row in rows])
              for index, state_label in enumerate(OBJECTIVE_STATES.values())]
    lines.append((_("Projets"), [fr.number(row["project_total"]) for row in rows]))
    return lines


@require_GET
def network_compare(request):
    """Two territories or more side by side: ?t=slug&t=slug."""
    access = national_access(request.user)
    staff = access.can_coordinate
    comparison = compare_territories(request.GET.getlist("t"), staff=staff,
                                     today=timezone.localdate())
    _with_lists(comparison["rows"])
    return render(request, "cluster/network/compare.html", {
        **comparison, "lines": _comparison_lines(comparison["rows"]),
        "selected": request.GET.getlist("t"), "staff": staff,
        "choices": network_territories(staff=staff).select_related(None).values_list(
            "slug", "name"),
    }, status=400 if comparison["error"] and request.GET.getlist("t") else 200)
