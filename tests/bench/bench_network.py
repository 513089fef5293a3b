"""Benchmark of the national dashboard (`make bench`): /reseau/ and /api/reseau/ at 27 and
270 territories. Queries must not grow; the median time is printed with its ratio."""

import statistics
import time

import pytest
from django.db import connection

from tests.cluster.factories import UserFactory
from tests.cluster.network_data import build_network

RUNS = 9
RATIO_BUDGET = 1.3


def measure(client, url):
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        assert client.get(url).status_code == 200
    timings = []
    for _run in range(RUNS):
        started = time.perf_counter()
        client.get(url)
        timings.append(time.perf_counter() - started)
    return statistics.median(timings), len(queries)


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/reseau/", "/api/reseau/"])
def test_bench_network_dashboard(client, url):
    client.force_login(UserFactory(email="national@exemple.fr", is_staff=True))
    build_network(27, prefix="vague")
    small, small_queries = measure(client, url)
    build_network(243, prefix="essaimage")
    large, large_queries = measure(client, url)
    ratio = large / small
    print(f"\n{url} à 27 territoires : {small * 1000:8.1f} ms médian, {small_queries} requêtes")
    print(f"{url} à 270 territoires : {large * 1000:8.1f} ms médian, {large_queries} requêtes")
    verdict = "ok" if ratio <= RATIO_BUDGET else "AU-DELÀ DU BUDGET"
    print(f"{url} rapport 270 / 27 : {ratio:.2f}× (budget {RATIO_BUDGET}×) {verdict}")
    assert large_queries == small_queries
