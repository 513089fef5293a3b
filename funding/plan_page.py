"""What a funding plan's page shows, bounded however many rows the plan has: the mix from
sums computed in SQL, the budget lines and contributions a page at a time, and the first
funders of the breakdown with the rest summed in one row."""

from types import SimpleNamespace

from django.db.models import Count, Sum

from funding.models import Contribution, Funder
from funding.selectors import ZERO, funding_mix
from territories.choices import with_labels
from territories.paging import page_of

PLAN_ROWS_PAGE = 25
PLAN_FUNDERS_SHOWN = 10


def plan_mix(plan):
    """Return the plan's mix (see `funding_mix`) from its sums by year, and by year, state,
    scope and funder, with the numbers of lines and of contributions: two queries, and no
    model row per contribution."""
    lines, line_count = [], 0
    for year, amount, count in plan.lines.order_by().values_list("year").annotate(
            total=Sum("amount"), n=Count("pk")):
        lines.append(SimpleNamespace(year=year, amount=amount))
        line_count += count
    funders, contributions, contribution_count = {}, [], 0
    for year, status, scope, funder_id, name, kind, amount, count in (
            plan.contributions.order_by().values_list(
                "year", "status", "source__scope", "source__funder", "source__funder__name",
                "source__funder__kind").annotate(total=Sum("amount"), n=Count("pk"))):
        contribution_count += count
        funder = funders.get(funder_id) or funders.setdefault(
            funder_id, Funder(pk=funder_id, name=name, kind=kind))
        contributions.append(SimpleNamespace(
            year=year, status=status, amount=amount,
            source=SimpleNamespace(scope=scope, funder=funder)))
    mix = funding_mix(first_year=plan.first_year, last_year=plan.last_year, lines=lines,
                      contributions=contributions)
    return mix, line_count, contribution_count


def shown_funders(parts, count=PLAN_FUNDERS_SHOWN):
    """Return the first `count` funders' parts, and the others summed up (or None): their
    `count`, `amount` and `percent` (the shown percents still add up to 100)."""
    shown, rest = parts[:count], parts[count:]
    if not rest:
        return shown, None
    return shown, SimpleNamespace(count=len(rest),
                                  amount=sum((part.amount for part in rest), ZERO),
                                  percent=sum(part.percent for part in rest))


def plan_page(request, plan):
    """Return the plan's mix and a page of its budget lines (`?depenses=`) and of its
    contributions (`?contributions=`), each row's labels translated once."""
    mix, line_count, contribution_count = plan_mix(plan)
    lines = page_of(request, plan.lines.order_by("year", "pk"), per_page=PLAN_ROWS_PAGE,
                    param="depenses", count=line_count)
    contributions = page_of(
        request, plan.contributions.select_related("source__funder").order_by(
            "year", "source__name", "pk"), per_page=PLAN_ROWS_PAGE, param="contributions",
        count=contribution_count)
    funders, other_funders = shown_funders(mix["funders"])
    return {
        "mix": mix, "funders_shown": funders, "other_funders": other_funders,
        "lines": lines.object_list, "line_page": lines,
        "contributions": with_labels(contributions, "status",
                                     Contribution.Status.choices),
        "contribution_page": contributions,
    }
