"""Benchmark of a funding plan's page (`make bench`): 10 contributions, then 500.

The page computes the mix in Python over the plan's rows, loaded in two queries:
the big plan costs more rows, never more round trips. Both are measured in one run
and the ratio of their median times is printed.
"""

import statistics
import time
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cluster.services import cluster_create
from funding.models import BudgetLine, Contribution, Funder, FundingPlan, FundingSource
from tests.cluster.factories import CollectiveFactory, UserFactory
from tests.territories.factories import TerritoryFactory

REQUESTS = 15
KINDS = list(Funder.Kind)
SCOPES = list(FundingSource.Scope)
STATUSES = list(Contribution.Status)


def build_plan(contributions):
    """A 3-year plan with `contributions` contributions from as many funders as a fifth of
    them, and one budget line for every two contributions."""
    from datetime import date

    cluster = cluster_create(collective=CollectiveFactory(), territory=TerritoryFactory(),
                             start_date=date(2026, 1, 1))
    plan = FundingPlan.objects.create(cluster=cluster, title=f"Plan de {contributions}",
                                      first_year=2026, last_year=2028)
    funders = Funder.objects.bulk_create(
        Funder(name=f"Financeur {contributions}-{n}", slug=f"financeur-{contributions}-{n}",
               kind=KINDS[n % len(KINDS)]) for n in range(max(1, contributions // 5)))
    sources = FundingSource.objects.bulk_create(
        FundingSource(name=f"Source {funder.slug}", slug=f"source-{funder.slug}", funder=funder,
                      kind=FundingSource.Kind.GRANT, scope=SCOPES[n % len(SCOPES)])
        for n, funder in enumerate(funders))
    Contribution.objects.bulk_create(
        Contribution(plan=plan, source=sources[n % len(sources)], year=2026 + n % 3,
                     amount=Decimal(1000 + n) + Decimal("0.25"),
                     status=STATUSES[n % len(STATUSES)]) for n in range(contributions))
    BudgetLine.objects.bulk_create(
        BudgetLine(plan=plan, label=f"Dépense {n}", year=2026 + n % 3,
                   amount=Decimal(2000 + n)) for n in range(max(1, contributions // 2)))
    return plan


def measure(client, plan):
    url = reverse("funding:plan_detail", args=[plan.cluster_id, plan.pk])
    client.get(url)  # warm the template cache
    timings = []
    for _ in range(REQUESTS):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url)
            timings.append(time.perf_counter() - started)
        assert response.status_code == 200
    return statistics.median(timings) * 1000, len(queries.captured_queries)


@pytest.mark.django_db
def test_bench_funding_plan(client):
    client.force_login(UserFactory(is_staff=True))
    small, large = build_plan(10), build_plan(500)
    small_ms, small_queries = measure(client, small)
    large_ms, large_queries = measure(client, large)
    print()
    print(f"{'Plan de financement, 10 contributions : médiane':66} "
          f"{small_ms:8.1f} ms, {small_queries} requêtes SQL")
    print(f"{'Plan de financement, 500 contributions (100 financeurs) : médiane':66} "
          f"{large_ms:8.1f} ms, {large_queries} requêtes SQL")
    print(f"{'Rapport 500 / 10':66} {large_ms / small_ms:8.2f} ×")
    print(f"Base : {connection.vendor}")
    assert large_queries == small_queries, "le nombre de requêtes grandit avec le plan"
