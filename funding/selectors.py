"""Queries and computations used by more than one page or endpoint of the funding app."""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import DecimalField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from funding.models import BudgetLine, Contribution, Funder, FundingPlan, FundingSource

# Catalogue and funding plans -------------------------------------------------------------

CENTS = Decimal("0.01")
ZERO = Decimal("0.00")

# Readings of the Herfindahl–Hirschman index, on funders' shares in percent (0 to 10,000).
# Thresholds of the U.S. Department of Justice and FTC Horizontal Merger Guidelines (2010,
# §5.3): below 1,500 unconcentrated, 1,500 to 2,500 moderately concentrated, above 2,500
# highly concentrated. Applied here to the funders of one plan instead of firms of a market.
HHI_DIVERSIFIED_BELOW = Decimal(1500)
HHI_CONCENTRATED_ABOVE = Decimal(2500)
HHI_READINGS = {
    "diversified": _("financement diversifié"),
    "moderate": _("modérément concentré"),
    "concentrated": _("très dépendant d'un financeur"),
}


def sources_for_catalogue(queryset=None):
    """Return sources with what a list shows of them, in a fixed number of queries."""
    queryset = queryset if queryset is not None else FundingSource.objects.all()
    return queryset.select_related("funder").prefetch_related("themes").order_by("name", "pk")


def open_on(queryset, day):
    """Keep the sources open on the day (no date means no limit on that side)."""
    return queryset.filter(Q(opens_on__isnull=True) | Q(opens_on__lte=day),
                           Q(closes_on__isnull=True) | Q(closes_on__gte=day))


def search_sources(queryset, words):
    """Keep the sources whose name, description or funder holds every word."""
    for word in words.split()[:10]:
        queryset = queryset.filter(Q(name__icontains=word) | Q(description__icontains=word)
                                   | Q(funder__name__icontains=word))
    return queryset


def with_theme(queryset, theme):
    """Keep the sources open to the theme: those naming it, and those open to every theme."""
    return queryset.filter(Q(themes=theme) | Q(themes__isnull=True)).distinct()


def plans_with_totals(queryset):
    """Annotate plans with the sums of their budget and of their contributions.

    Two subqueries rather than two joined sums, which would multiply each other's rows.
    """
    money = DecimalField(max_digits=16, decimal_places=2)

    def total(model):
        rows = model.objects.filter(plan=OuterRef("pk")).order_by().values("plan")
        return Coalesce(Subquery(rows.annotate(total=Sum("amount")).values("total")[:1]),
                        Value(ZERO), output_field=money)

    return queryset.annotate(budget_total=total(BudgetLine),
                             contribution_total=total(Contribution))


def plan_rows(plan):
    """Return the plan's budget lines and contributions, in two queries."""
    lines = list(plan.lines.order_by("year", "pk"))
    contributions = list(plan.contributions.select_related("source__funder")
                         .order_by("year", "source__name", "pk"))
    return lines, contributions


@dataclass
class Part:
    """One part of a breakdown: an amount, its exact share (0 to 1) and its shown percent."""

    key: str
    label: str
    amount: Decimal
    share: Decimal = ZERO
    percent: int = 0
    extra: dict = field(default_factory=dict)


def _sum(amounts):
    return sum(amounts, ZERO).quantize(CENTS)


def rounded_percents(amounts):
    """Round the amounts' shares to whole percents that add up to exactly 100.

    Largest remainder method: each part gets its share rounded down, then the points
    left go to the largest remainders (the first part wins a tie). For display only:
    computations use the exact amounts.
    """
    total = sum(amounts, ZERO)
    if total <= 0:
        return [0 for _amount in amounts]
    exact = [amount * 100 / total for amount in amounts]
    floors = [int(value) for value in exact]
    left = 100 - sum(floors)
    by_remainder = sorted(range(len(amounts)), key=lambda i: (-(exact[i] - floors[i]), i))
    for index in by_remainder[:left]:
        floors[index] += 1
    return floors


def _breakdown(keyed_amounts, total):
    """Turn [(key, label, amount, extra)] into Parts with exact shares and shown percents."""
    percents = rounded_percents([amount for _key, _label, amount, _extra in keyed_amounts])
    return [
        Part(key=key, label=str(label), amount=amount.quantize(CENTS),
             share=(amount / total) if total else ZERO, percent=percent, extra=extra)
        for (key, label, amount, extra), percent in zip(keyed_amounts, percents, strict=True)
    ]


def herfindahl(amounts):
    """Return the Herfindahl–Hirschman index of the amounts: the sum of the squared shares
    in percent, from near 0 (many small funders) to 10,000 (one funder), to the cent."""
    total = sum(amounts, ZERO)
    if total <= 0:
        return None
    return (sum(amount * amount for amount in amounts) * 10000 / (total * total)).quantize(
        CENTS, rounding=ROUND_HALF_UP)


def hhi_level(hhi):
    if hhi is None:
        return None
    if hhi < HHI_DIVERSIFIED_BELOW:
        return "diversified"
    if hhi > HHI_CONCENTRATED_ABOVE:
        return "concentrated"
    return "moderate"


def plan_mix(*, first_year, last_year, lines, contributions):
    """Return the plan's mix, computed from its rows alone (no query).

    `contributions` need their source and its funder loaded. Every breakdown adds up
    to its total to the cent: amounts are Decimals, only the percents are rounded.
    """
    uncertain = {Contribution.Status.ENVISAGED, Contribution.Status.REQUESTED}
    years = []
    for year in range(first_year, last_year + 1):
        budget = _sum(line.amount for line in lines if line.year == year)
        funded = [c for c in contributions if c.year == year]
        total = _sum(c.amount for c in funded)
        unsure = _sum(c.amount for c in funded if c.status in uncertain)
        years.append({"year": year, "budget": budget, "contributions": total,
                      "secured": total - unsure, "uncertain": unsure, "gap": budget - total})
    budget_total = _sum(line.amount for line in lines)
    contribution_total = _sum(c.amount for c in contributions)
    uncertain_total = _sum(c.amount for c in contributions if c.status in uncertain)

    def amount_where(test):
        return _sum(c.amount for c in contributions if test(c))

    public = _breakdown([
        ("public", _("public"), amount_where(lambda c: c.source.funder.is_public), {}),
        ("private", _("privé"), amount_where(lambda c: not c.source.funder.is_public), {}),
    ], contribution_total)
    scopes = _breakdown([
        (scope.value, scope.label, amount_where(lambda c, s=scope: c.source.scope == s), {})
        for scope in FundingSource.Scope
    ], contribution_total)
    statuses = _breakdown([
        (status.value, status.label, amount_where(lambda c, s=status: c.status == s), {})
        for status in Contribution.Status
    ], contribution_total)

    by_funder = {}
    for contribution in contributions:
        funder = contribution.source.funder
        by_funder.setdefault(funder.pk, [funder, ZERO])[1] += contribution.amount
    ranked = sorted(by_funder.values(), key=lambda item: (-item[1], item[0].name))
    funders = _breakdown([
        (str(funder.pk), funder.name, amount,
         {"kind": Funder.Kind(funder.kind).label, "is_public": funder.is_public})
        for funder, amount in ranked
    ], contribution_total)
    hhi = herfindahl([part.amount for part in funders])
    level = hhi_level(hhi)
    return {
        "years": years,
        "budget_total": budget_total,
        "contribution_total": contribution_total,
        "secured_total": contribution_total - uncertain_total,
        "uncertain_total": uncertain_total,
        "gap_total": budget_total - contribution_total,
        "coverage": (contribution_total / budget_total) if budget_total else None,
        "uncertain_share": (uncertain_total / contribution_total)
        if contribution_total else None,
        "public": public,
        "scopes": scopes,
        "statuses": statuses,
        "funders": funders,
        "hhi": hhi,
        "hhi_level": level,
        "hhi_reading": str(HHI_READINGS[level]) if level else "",
        "top_funder": funders[0] if funders else None,
    }


def plan_detail(plan):
    """Return the plan's rows and its mix, in two queries."""
    lines, contributions = plan_rows(plan)
    return {
        "lines": lines,
        "contributions": contributions,
        "mix": plan_mix(first_year=plan.first_year, last_year=plan.last_year, lines=lines,
                        contributions=contributions),
    }


def plans_of(cluster):
    """Return the cluster's plans, the cluster's own first, with their totals."""
    return plans_with_totals(FundingPlan.objects.filter(cluster=cluster)).select_related(
        "project").order_by(Coalesce("project__title", Value("")), "pk")
