"""Benchmark of the national map (`make bench`): one view of clusters at 10,000 and
100,000 points — SQL queries, payload and time printed, the budgets of issue 14 checked;
then the territories' outlines computed (as before their cache) and from the cache, and the
list beside the map, whole and in a city's box.

Run on the database `make bench` is given (SQLite in memory by default, PostgreSQL with
DATABASE_URL). Points are spread over metropolitan France, in published territories;
drafts and unpublished items are added too, and must not count.
"""

import random
import statistics
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from territories.models import Actor, Place
from tests.territories.factories import TerritoryFactory

SIZES = (10_000, 100_000)
VIEWS = {
    "France entière, zoom 6": "bbox=-5.5,41,10,51.5&zoom=6",
    "une région, zoom 9": "bbox=4,43,7,45&zoom=9",
    "une ville, zoom 14": "bbox=5.3,43.25,5.45,43.35&zoom=14",
    "cadre du monde au zoom 18 (borné)": "bbox=-180,-90,180,90&zoom=18",
}
PAYLOAD_BUDGET_KIB = 200
RESULTS = []


def report(name, value, unit, budget=None):
    RESULTS.append((name, value, unit, budget))
    verdict = "" if budget is None else (" ok" if value <= budget else " AU-DELÀ DU BUDGET")
    limit = "" if budget is None else f" (budget {budget} {unit})"
    shown = f"{value:10d}" if isinstance(value, int) else f"{value:10.2f}"
    print(f"{name:62} {shown} {unit}{limit}{verdict}".rstrip())


def grow_to(size, territories, draft):
    """Add published actors and places until `size` points; a tenth as many hidden ones."""
    rng = random.Random(size)
    have = Actor.objects.filter(territory__is_published=True).count() + Place.objects.count()
    missing = size - have
    actors = [Actor(territory=territories[n % len(territories)], name=f"Acteur {have + n}",
                    kind=Actor.Kind.ASSOCIATION, is_published=True,
                    latitude=round(42 + rng.random() * 9, 6),
                    longitude=round(-4 + rng.random() * 12, 6))
              for n in range(missing * 9 // 10)]
    places = [Place(territory=territories[n % len(territories)], name=f"Lieu {have + n}",
                    is_published=True, latitude=round(43.25 + rng.random() * 0.1, 6),
                    longitude=round(5.3 + rng.random() * 0.15, 6))
              for n in range(missing - len(actors))]
    Actor.objects.bulk_create(actors, batch_size=5000)
    Place.objects.bulk_create(places, batch_size=5000)
    Actor.objects.bulk_create(
        [Actor(territory=draft, name=f"Brouillon {have + n}", is_published=True,
               latitude=46, longitude=2) for n in range(missing // 10)], batch_size=5000)


@pytest.mark.django_db(transaction=True)
def test_bench_national_map(client):
    territories = [TerritoryFactory(is_published=True) for _ in range(27)]
    draft = TerritoryFactory(is_published=False)
    medians, queries_at = {}, {}
    for size in SIZES:
        grow_to(size, territories, draft)
        for label, query in VIEWS.items():
            timings = []
            for _ in range(5):
                with CaptureQueriesContext(connection) as queries:
                    started = time.perf_counter()
                    response = client.get(f"/api/carte/?{query}")
                    timings.append(time.perf_counter() - started)
            assert response.status_code == 200, response.content[:300]
            answer = response.json()
            assert answer["total"] == sum(f["properties"].get("count", 1)
                                          for f in answer["features"])
            medians[size, label] = statistics.median(timings) * 1000
            queries_at[size, label] = len(queries.captured_queries)
            report(f"{size:>7} points — {label} : temps médian", medians[size, label], "ms")
            report(f"{size:>7} points — {label} : réponse", len(response.content) / 1024, "Kio",
                   PAYLOAD_BUDGET_KIB)
            report(f"{size:>7} points — {label} : requêtes SQL", queries_at[size, label], "")
            report(f"{size:>7} points — {label} : éléments / regroupements",
                   len(answer["features"]), "")
        france = client.get(f"/api/carte/?{VIEWS['France entière, zoom 6']}").json()
        assert france["total"] == size, "un brouillon compte sur la carte"
    small, large = SIZES
    for label in VIEWS:
        report(f"Rapport {large} / {small} points — {label}",
               medians[large, label] / medians[small, label], "×")
        # At most three per layer (cells, communes, details of the lone points): a layer
        # with no lone point in the view skips its third.
        assert queries_at[large, label] <= 3 * 3 and queries_at[small, label] <= 3 * 3, label
    print(f"\nBase : {connection.vendor}")
    over = [name for name, value, _unit, budget in RESULTS
            if budget is not None and value > budget]
    assert not over, f"au-delà du budget : {over}"


# The outlines and the list beside the map ---------------------------------------------------

OUTLINE_TERRITORIES = 27
COMMUNES_EACH = 120


def timed(client, url, runs=5, **headers):
    timings, answer = [], None
    for _ in range(runs):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            answer = client.get(url, headers=headers)
            timings.append(time.perf_counter() - started)
    return statistics.median(timings) * 1000, len(queries.captured_queries), answer


@pytest.mark.django_db(transaction=True)
def test_bench_national_outlines_and_list(client):
    from django.core.cache import cache

    from territories.geography import import_geography
    from territories.models import Commune

    import_geography()
    codes = list(Commune.objects.filter(kind=Commune.Kind.COMMUNE).order_by("code")
                 .values_list("code", flat=True)[:OUTLINE_TERRITORIES * COMMUNES_EACH])
    territories = []
    for index in range(OUTLINE_TERRITORIES):
        territory = TerritoryFactory(is_published=True)
        territory.communes.set(codes[index * COMMUNES_EACH:(index + 1) * COMMUNES_EACH])
        territories.append(territory)
    draft = TerritoryFactory(is_published=False)

    url = "/api/carte/perimetres/"
    cold = []
    for _ in range(5):
        cache.clear()  # what every request cost before the cache
        started = time.perf_counter()
        assert client.get(url).status_code == 200
        cold.append(time.perf_counter() - started)
    cold_ms = statistics.median(cold) * 1000
    warm_ms, warm_queries, warm = timed(client, url, runs=20)
    assert warm.status_code == 200 and len(warm.json()["features"]) == OUTLINE_TERRITORIES
    _ms, revalidated_queries, revalidated = timed(client, url, **{"if-none-match": warm["ETag"]})
    assert revalidated.status_code == 304
    report(f"Contours ({OUTLINE_TERRITORIES} × {COMMUNES_EACH} communes) : calcul, sans cache",
           cold_ms, "ms")
    report("Contours : réponse en cache", warm_ms, "ms")
    report("Contours : requêtes SQL en cache", warm_queries, "", 0)
    report("Contours : requête conditionnelle (304), requêtes SQL", revalidated_queries, "", 0)
    report("Contours : taille de la réponse", len(warm.content) / 1024, "Kio")
    report("Rapport sans cache / en cache", cold_ms / warm_ms, "×")

    listed = {}
    for size in SIZES:
        grow_to(size, territories, draft)
        whole_ms, whole_queries, whole = timed(client, "/api/carte/liste/")
        city_ms, city_queries, city = timed(
            client, "/api/carte/liste/?bbox=5.3,43.25,5.45,43.35")
        page_ms, _queries, page = timed(client, "/carte/?bbox=5.3,43.25,5.45,43.35")
        assert whole.status_code == city.status_code == page.status_code == 200
        listed[size] = city_ms
        report(f"{size:>7} points — liste entière (page 1) : temps médian", whole_ms, "ms")
        report(f"{size:>7} points — liste d'une ville (bbox) : temps médian", city_ms, "ms")
        report(f"{size:>7} points — page /carte/ d'une ville (bbox)", page_ms, "ms")
        report(f"{size:>7} points — liste entière : requêtes SQL", whole_queries, "")
        report(f"{size:>7} points — liste d'une ville : requêtes SQL", city_queries, "")
        report(f"{size:>7} points — liste d'une ville : éléments", city.json()["count"], "")
        assert city_queries <= 7 and whole_queries <= 7
    report(f"Rapport liste d'une ville {SIZES[1]} / {SIZES[0]} points",
           listed[SIZES[1]] / listed[SIZES[0]], "×")
    print(f"\nBase : {connection.vendor}")
    over = [name for name, value, _unit, budget in RESULTS
            if budget is not None and value > budget]
    assert not over, f"au-delà du budget : {over}"
