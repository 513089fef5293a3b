"""The multi-year funding plan in the cluster's schéma directeur.

Registered by FundingConfig.ready() with cluster.masterplan.register_section_provider:
cluster gathers this data without importing funding (see cluster/masterplan.py).
"""

from django.utils.translation import gettext as _

from cluster import frenchtext as fr
from funding.models import FundingPlan
from funding.selectors import funding_plan_detail


def _part(part):
    return {"key": part.key, "label": str(part.label), "amount": str(part.amount),
            "percent": part.percent}


def funding_data(cluster):
    """Return the cluster's own funding plan: budget and contributions by year, and its mix.

    None when the cluster has no plan of its own yet (project plans are the projects').
    """
    plan = FundingPlan.objects.filter(cluster=cluster, project__isnull=True).first()
    if plan is None:
        return {"plan": None, "figures": [[_("Plan de financement"), _("aucun")]]}
    detail = funding_plan_detail(plan)
    mix = detail["mix"]
    years = list(range(plan.first_year, plan.last_year + 1))
    budget = {}
    for line in detail["lines"]:
        budget.setdefault(line.label, {})
        budget[line.label][line.year] = budget[line.label].get(line.year, 0) + line.amount
    sources = {}
    for contribution in detail["contributions"]:
        source = contribution.source
        row = sources.setdefault(source.pk, {
            "source": source.name, "funder": source.funder.name,
            "public": source.funder.is_public, "scope": source.get_scope_display(),
            "amounts": {}, "statuses": {}})
        row["amounts"][contribution.year] = row["amounts"].get(contribution.year, 0) \
            + contribution.amount
        row["statuses"][contribution.year] = contribution.get_status_display()
    source_rows = sorted(sources.values(), key=lambda row: (-sum(row["amounts"].values()),
                                                            row["source"]))
    return {
        "plan": {"title": plan.title, "first_year": plan.first_year,
                 "last_year": plan.last_year},
        "years": [{key: (str(value) if key != "year" else value) for key, value in year.items()}
                  for year in mix["years"]],
        "budget_lines": [{"label": label, "amounts": [str(amounts.get(year, "")) or None
                                                      for year in years],
                          "total": str(sum(amounts.values()))}
                         for label, amounts in budget.items()],
        "sources": [{"source": row["source"], "funder": row["funder"], "scope": row["scope"],
                     "public": row["public"],
                     "cells": [{"amount": str(row["amounts"][year]) if year in row["amounts"]
                                else None, "status": row["statuses"].get(year, "")}
                               for year in years],
                     "total": str(sum(row["amounts"].values()))} for row in source_rows],
        "budget_total": str(mix["budget_total"]),
        "contribution_total": str(mix["contribution_total"]),
        "secured_total": str(mix["secured_total"]),
        "uncertain_total": str(mix["uncertain_total"]),
        "gap_total": str(mix["gap_total"]),
        "gap_is_surplus": mix["gap_total"] < 0,
        "gap_abs": str(abs(mix["gap_total"])),
        "coverage": str(mix["coverage"]) if mix["coverage"] is not None else None,
        "public": [_part(part) for part in mix["public"]],
        "scopes": [_part(part) for part in mix["scopes"]],
        "statuses": [_part(part) for part in mix["statuses"]],
        "funders": [_part(part) for part in mix["funders"]],
        "hhi": str(mix["hhi"]) if mix["hhi"] is not None else None,
        "hhi_reading": mix["hhi_reading"],
        "figures": [
            [_("Budget total"), fr.money(mix["budget_total"])],
            [_("Financements réunis"), fr.money(mix["contribution_total"])],
            [_("Financements acquis (accordés ou versés)"), fr.money(mix["secured_total"])],
            [_("Reste à financer"), fr.money(mix["gap_total"])],
            *[[_("Part %(label)s") % {"label": part.label}, fr.percentage(part.percent)]
              for part in mix["public"] + mix["scopes"]],
            *[[_("Financement : %(funder)s") % {"funder": part.label}, fr.money(part.amount)]
              for part in mix["funders"]],
        ],
    }
