"""The funds on the national dashboard: what each territory's funding plan plans and what
it has raised.

Registered by FundingConfig.ready() in cluster.network's registry: cluster gathers this
data without importing funding. Only the cluster's own plan counts (a project's plan is
often a part of it), as in the schéma directeur.
"""

from collections import defaultdict

from django.db.models import Sum

from funding.models import BudgetLine, Contribution

RAISED = (Contribution.Status.GRANTED, Contribution.Status.PAID)


def _plans(territories):
    return {"plan__cluster__territory__in": territories, "plan__project__isnull": True}


def fund_totals(territories, *, public):
    """{"planned", "raised"} over the whole network, added up by the database; staff only."""
    if public:
        return {}
    planned = BudgetLine.objects.filter(**_plans(territories)).aggregate(
        total=Sum("amount"))["total"]
    raised = Contribution.objects.filter(**_plans(territories), status__in=RAISED).aggregate(
        total=Sum("amount"))["total"]
    return {"planned": planned or 0, "raised": raised or 0}


def funds(territory_ids, *, public):
    """{territory_id: {"planned": budget, "raised": granted or paid}}; staff only."""
    if public:
        return {}
    totals = defaultdict(lambda: {"planned": 0, "raised": 0})
    plans = _plans(territory_ids)
    for territory, amount in (BudgetLine.objects.filter(**plans)
                              .values("plan__cluster__territory")
                              .annotate(total=Sum("amount")).order_by()
                              .values_list("plan__cluster__territory", "total")):
        totals[territory]["planned"] = amount
    for territory, amount in (Contribution.objects.filter(**plans, status__in=RAISED)
                              .values("plan__cluster__territory")
                              .annotate(total=Sum("amount")).order_by()
                              .values_list("plan__cluster__territory", "total")):
        totals[territory]["raised"] = amount
    return totals
