"""Benchmark of the facilitator's dashboard (`make bench`): a small cluster and one 10× larger.

The page must keep a constant number of SQL queries: the bigger cluster costs
more rows, never more round trips. Both are measured in one run and the ratio
of their median times is printed.
"""

import statistics
import time
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cluster.models import Challenge, Measurement, Milestone, Objective
from cluster.services import cluster_create
from tests.cluster.factories import CollectiveFactory, UserFactory
from tests.territories.factories import TerritoryFactory

REQUESTS = 15


def build_cluster(scale):
    """A cluster with 3×scale défis, 2 objectives each with 24 monthly measurements,
    and 7 extra milestones per step per scale."""
    cluster = cluster_create(collective=CollectiveFactory(), territory=TerritoryFactory(),
                             start_date=date(2026, 1, 1))
    Milestone.objects.bulk_create(
        Milestone(step=step, title=f"Jalon {n}", due_date=step.end_date - timedelta(days=n),
                  position=10 + n)
        for step in cluster.steps.all() for n in range(7 * scale))
    challenges = Challenge.objects.bulk_create(
        Challenge(cluster=cluster, title=f"Défi {n}", kind="social", position=n)
        for n in range(3 * scale))
    objectives = Objective.objects.bulk_create(
        Objective(challenge=challenge, title=f"Objectif {n}", unit="personnes", baseline=0,
                  target=100, target_date=date(2029, 1, 1))
        for challenge in challenges for n in range(2))
    Measurement.objects.bulk_create(
        Measurement(objective=objective, measured_on=date(2024, 1, 1) + timedelta(days=30 * n),
                    value=n * 4, source="banc d'essai")
        for objective in objectives for n in range(24))
    return cluster


def measure(client, cluster):
    url = reverse("cluster_dashboard", args=[cluster.pk])
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
def test_bench_dashboard(client):
    client.force_login(UserFactory(is_staff=True))
    small, large = build_cluster(1), build_cluster(10)
    small_ms, small_queries = measure(client, small)
    large_ms, large_queries = measure(client, large)
    print()
    print(f"{'Tableau de bord, petit cluster (3 défis, 144 mesures) : médiane':66} "
          f"{small_ms:8.1f} ms, {small_queries} requêtes SQL")
    print(f"{'Tableau de bord, cluster 10× (30 défis, 1 440 mesures) : médiane':66} "
          f"{large_ms:8.1f} ms, {large_queries} requêtes SQL")
    print(f"{'Rapport 10× / petit':66} {large_ms / small_ms:8.2f} ×")
    print(f"Base : {connection.vendor}")
    assert large_queries == small_queries, "le nombre de requêtes grandit avec le cluster"
