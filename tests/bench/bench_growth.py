"""Benchmark of growth (`make bench`): the pages that used to render everything, at 1× and
10× data, measured side by side in one run.

For each page a small and a ten-times-larger case are built, then requested in turns
(small, large, small, large…) so that the machine's load weighs on both alike; the medians
and their ratio are printed with the number of SQL queries of each. Runs on the database
`make bench` is given (SQLite in memory by default, PostgreSQL with DATABASE_URL). The goal
of issue 15, printed, not asserted: 10× data ≤ 1.3× the time of 1×. Query counts must not
grow: that one is asserted.
"""

import gc
import random
import statistics
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from projects.models import Project
from territories.models import Actor, Place
from tests.bench.bench_cluster import build_cluster
from tests.bench.bench_funding import build_plan
from tests.cluster.factories import UserFactory
from tests.territories.factories import TerritoryFactory

REQUESTS = 11
GOAL = 1.3


def build_board(projects):
    """A cluster with `projects` projects spread over the five stages, each with a carrier."""
    cluster = build_cluster(1)
    actors = Actor.objects.bulk_create(
        Actor(territory=cluster.territory, name=f"Porteur {projects}-{n}", is_published=True)
        for n in range(max(1, projects // 4)))
    stages = list(Project.Stage)
    challenge = cluster.challenges.first()
    made = Project.objects.bulk_create(
        Project(cluster=cluster, challenge=challenge, title=f"Projet {n:05}",
                slug=f"projet-{cluster.pk}-{n}", summary="Un projet du banc d'essai.",
                stage=stages[n % len(stages)], is_published=n % 3 != 0)
        for n in range(projects))
    Project.carriers.through.objects.bulk_create(
        Project.carriers.through(project_id=project.pk, actor_id=actors[n % len(actors)].pk)
        for n, project in enumerate(made))
    return cluster


def build_map(points):
    """A published territory with `points` published actors and places around Marseille."""
    territory = TerritoryFactory(is_published=True)
    rng = random.Random(points)
    Actor.objects.bulk_create(
        (Actor(territory=territory, name=f"Acteur {n}", is_published=True,
               kind=Actor.Kind.ASSOCIATION, latitude=round(43.2 + rng.random() * 0.3, 6),
               longitude=round(5.2 + rng.random() * 0.4, 6))
         for n in range(points * 9 // 10)), batch_size=5000)
    Place.objects.bulk_create(
        (Place(territory=territory, name=f"Lieu {n}", is_published=True,
               latitude=round(43.2 + rng.random() * 0.3, 6),
               longitude=round(5.2 + rng.random() * 0.4, 6))
         for n in range(points // 10)), batch_size=5000)
    return territory


def timed(client, url):
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = client.get(url)
        elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code == 200, (url, response.status_code)
    return elapsed, len(queries.captured_queries), len(response.content)


def side_by_side(client, small_url, large_url):
    """Request both in turns after a warm-up; return each one's (median ms, queries, bytes).

    A URL holding `{n}` is a new one at each request (a map box moved by a hair): what
    the cache of a territory's map views has never seen."""
    gc.collect()
    for url in (small_url, large_url):
        client.get(url.format(n=0))
    runs = {small_url: [], large_url: []}
    for n in range(1, REQUESTS + 1):
        for url in (small_url, large_url):
            runs[url].append(timed(client, url.format(n=n)))
    return [(statistics.median(run[0] for run in runs[url]), runs[url][-1][1], runs[url][-1][2])
            for url in (small_url, large_url)]


# Committed rows, vacuumed and analysed as autovacuum leaves a production table: rows of a
# transaction never committed would keep the database from reading an index alone.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_bench_growth(client):
    client.force_login(UserFactory(is_staff=True))
    cases = []
    small, large = build_cluster(1), build_cluster(10)
    cases.append(("Tableau de bord (3 → 30 défis, 49 → 490 jalons)",
                  reverse("cluster_dashboard", args=[small.pk]),
                  reverse("cluster_dashboard", args=[large.pk])))
    small, large = build_plan(50), build_plan(500)
    cases.append(("Plan de financement (50 → 500 contributions)",
                  reverse("funding:plan_detail", args=[small.cluster_id, small.pk]),
                  reverse("funding:plan_detail", args=[large.cluster_id, large.pk])))
    small, large = build_board(60), build_board(600)
    cases.append(("Tableau des projets (60 → 600 projets)",
                  reverse("projects:board", args=[small.pk]),
                  reverse("projects:board", args=[large.pk])))
    small, large = build_map(2_000), build_map(20_000)
    # The same view again is read from the cache of the territory's map views (PostgreSQL,
    # territories.map_cache); "vue nouvelle" moves the box by a hair at each request.
    for label, query in (("tout le territoire", ""),
                         ("une ville, zoom 14", "?bbox=5.3,43.25,5.45,43.35&zoom=14"),
                         ("tout le territoire, vue nouvelle", "?bbox=5.1{n},43.1,5.7,43.6&zoom=10"),
                         ("une ville, zoom 14, vue nouvelle",
                          "?bbox=5.3{n},43.25,5.45,43.35&zoom=14")):
        cases.append((f"GeoJSON du territoire, {label} (2 000 → 20 000 points)",
                      reverse("api:territory-map", args=[small.slug]) + query,
                      reverse("api:territory-map", args=[large.slug]) + query))
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")

    rows = [(name, *side_by_side(client, small_url, large_url))
            for name, small_url, large_url in cases]
    print(f"\nBase : {connection.vendor} ; objectif 10×/1× ≤ {GOAL}×")
    print(f"{'page (médianes, en alternance)':76} {'1×':>9} {'10×':>9} {'10×/1×':>7} "
          f"{'requêtes':>9} {'Kio 10×':>8}")
    for name, (small_ms, small_q, _small_b), (large_ms, large_q, large_b) in rows:
        verdict = "" if large_ms / small_ms <= GOAL else "  au-delà"
        print(f"{name:76} {small_ms:7.1f}ms {large_ms:7.1f}ms {large_ms / small_ms:6.2f}× "
              f"{small_q:>4}/{large_q:<4} {large_b / 1024:8.1f}{verdict}")
    grown = [name for name, small_run, large_run in rows if small_run[1] != large_run[1]]
    assert not grown, f"le nombre de requêtes grandit : {grown}"
