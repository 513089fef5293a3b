"""Benchmark of the national dashboard (`make bench`): /reseau/ and /api/reseau/ at 27 and
270 territories, side by side in one run.

The two sizes are interleaved, round after round, so that a change in the machine's load
weighs on both alike: each round measures the 27 territories, then adds 243 inside a
transaction, measures the 270 and rolls them back (the next round starts with the 270).
The median of every request at each size is printed with the ratio 270 / 27 and the
queries of each. Runs on PostgreSQL when DATABASE_URL names it (the engine is printed),
with the tables analysed after each build, as autovacuum keeps them in production.
"""

import os
import statistics
import time

import pytest
from django.db import connection, transaction

from tests.cluster.factories import UserFactory
from tests.cluster.network_data import build_network

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
RUNS = int(os.environ.get("BENCH_RUNS", "5"))  # requests per size and round
RATIO_BUDGET = 1.3
URLS = ["/reseau/", "/api/reseau/", "/api/reseau/territoires/"]


def _analyze():
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


class Rollback(Exception):
    """Raised to leave the transaction that added the large network."""


def _queries(client, url):
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        assert client.get(url).status_code == 200  # also warms the caches up
    return len(queries)


def _time(client, url, timings, cpu):
    for _run in range(RUNS):
        started, cpu_started = time.perf_counter(), time.process_time()
        client.get(url)
        timings.append(time.perf_counter() - started)
        cpu.append(time.process_time() - cpu_started)


def _measure_all(client, timings, queries, size):
    for url in URLS:
        queries[url, size] = _queries(client, url)
    for url in URLS:
        _time(client, url, timings[url, size], timings["cpu", url, size])


@pytest.mark.django_db(transaction=False)
@pytest.mark.parametrize("role", ["staff", "public"])
def test_bench_network_dashboard(client, role):
    if role == "staff":
        client.force_login(UserFactory(email="national@exemple.fr", is_staff=True))
    build_network(27, prefix="vague")
    _analyze()
    timings = {(*kind, url, size): [] for kind in ((), ("cpu",)) for url in URLS
               for size in (27, 270)}
    queries = {}
    for number in range(ROUNDS):
        if number % 2 == 0:
            _measure_all(client, timings, queries, 27)
        try:
            with transaction.atomic():
                build_network(243, prefix="essaimage")
                _analyze()
                _measure_all(client, timings, queries, 270)
                raise Rollback
        except Rollback:
            pass
        if number % 2 == 1:
            _measure_all(client, timings, queries, 27)
    print(f"\n{connection.vendor}, {role}, {ROUNDS} tours × {RUNS} requêtes par taille, "
          f"charge {open('/proc/loadavg').read().split()[0]}")
    failures = []
    for url in URLS:
        small = statistics.median(timings[url, 27])
        large = statistics.median(timings[url, 270])
        ratio = large / small
        verdict = "ok" if ratio <= RATIO_BUDGET else "AU-DELÀ DU BUDGET"
        print(f"{url:28} 27 : {small * 1000:7.1f} ms, {queries[url, 27]:3} requêtes | "
              f"270 : {large * 1000:7.1f} ms, {queries[url, 270]:3} requêtes | "
              f"{ratio:.2f}× (budget {RATIO_BUDGET}×) {verdict}")
        # This process's CPU time: what another process's load does not lengthen (the
        # whole request on SQLite; without the server's share on PostgreSQL).
        cpu_small = statistics.median(timings["cpu", url, 27])
        cpu_large = statistics.median(timings["cpu", url, 270])
        print(f"{'':28} CPU du processus : 27 : {cpu_small * 1000:7.1f} ms | "
              f"270 : {cpu_large * 1000:7.1f} ms | {cpu_large / cpu_small:.2f}×")
        if queries[url, 270] != queries[url, 27]:
            failures.append(url)
    assert not failures, f"queries grow with the territories: {failures}"
