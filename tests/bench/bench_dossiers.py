"""Benchmark of the funders' dossier list API (`make bench`): 100 then 10,000 dossiers.

The list ships no snapshot and keeps a constant number of SQL queries: ten
thousand dossiers cost a bigger index scan for the count, never more round
trips. Both sizes are measured in one run and their median times printed.
"""

import statistics
import time
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cluster.models import Cluster
from cluster.services import api_token_create
from funding.models import Dossier, Review
from territories.models import Territory
from tests.cluster.factories import CollectiveFactory
from tests.funding.factories import CallFactory, FunderMemberFactory
from tests.territories.factories import TerritoryFactory

REQUESTS = 15
# What the list must never ship, and what a bench dossier freezes instead of the real thing.
SMALL_SNAPSHOT = {"version": 1, "dossier": {"title": "Dossier"}, "challenges": [],
                  "call": {"criteria": []}}


def add_dossiers(*, call, collective, count, reviewer, start, snapshot_of=None):
    """Bulk-create `count` submitted dossiers, one per new cluster, a review on every third.

    `snapshot_of(number)` gives each dossier its snapshot (SMALL_SNAPSHOT by default)."""
    territories = [TerritoryFactory.build(name=f"Territoire {start + n}",
                                          slug=f"banc-{start + n}") for n in range(count)]
    territories = Territory.objects.bulk_create(territories)
    clusters = Cluster.objects.bulk_create(
        Cluster(collective=collective, territory=territory, start_date=date(2026, 1, 1))
        for territory in territories)
    now = timezone.now()
    dossiers = Dossier.objects.bulk_create(
        Dossier(call=call, cluster=cluster, title=f"Dossier {start + n}",
                status=Dossier.Status.UNDER_REVIEW, submitted_at=now,
                snapshot=snapshot_of(start + n) if snapshot_of else SMALL_SNAPSHOT)
        for n, cluster in enumerate(clusters))
    Review.objects.bulk_create(
        Review(dossier=dossier, reviewer=reviewer, comment="Avis.", recommendation="accepter",
               weighted_score=60 + n % 40)
        for n, dossier in enumerate(dossiers) if n % 3 == 0)


def measure(client, headers):
    url = reverse("api:instruction-dossier-list")
    client.get(url, **headers)
    timings = []
    for _ in range(REQUESTS):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url, {"page_size": 100}, **headers)
            timings.append(time.perf_counter() - started)
        assert response.status_code == 200
        assert "snapshot" not in response.json()["results"][0]
    return statistics.median(timings) * 1000, len(queries.captured_queries), response.json()


@pytest.mark.django_db
def test_bench_dossier_list(client):
    member = FunderMemberFactory()
    reviewer, call = member.user, CallFactory(funder=member.funder)
    # Declared reviewers only would be another shape; an undeclared one reads the same rows.
    colleague = FunderMemberFactory(funder=member.funder).user
    collective = CollectiveFactory()
    _row, token = api_token_create(user=reviewer, lifetime_days=30)
    headers = {"HTTP_AUTHORIZATION": f"Token {token}"}
    add_dossiers(call=call, collective=collective, count=100, reviewer=colleague, start=0)
    small_ms, small_queries, small = measure(client, headers)
    add_dossiers(call=call, collective=collective, count=9_900, reviewer=colleague, start=100)
    large_ms, large_queries, large = measure(client, headers)
    assert (small["count"], large["count"]) == (100, 10_000)
    print()
    print(f"{'API des financeurs, 100 dossiers (page de 100) : médiane':62} "
          f"{small_ms:8.1f} ms, {small_queries} requêtes SQL")
    print(f"{'API des financeurs, 10 000 dossiers (page de 100) : médiane':62} "
          f"{large_ms:8.1f} ms, {large_queries} requêtes SQL")
    print(f"{'Rapport 10 000 / 100':62} {large_ms / small_ms:8.2f} ×")
    print(f"Base : {connection.vendor}")
    assert large_queries == small_queries, "le nombre de requêtes grandit avec la liste"
