"""Benchmarks of the step-1 map (`make bench`): timings printed, not asserted as tests.

Run on the database `make bench` is given (SQLite in memory by default,
PostgreSQL with DATABASE_URL). Budgets from the issue are printed beside each
measure and checked at the end, so a regression fails the bench run loudly.
"""

import random
import statistics
import time

import pytest
from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from territories.geography import import_geography
from territories.import_writes import actor_import_write
from territories.imports import actor_import_dry_run
from territories.models import Actor, Commune
from tests.territories.factories import TerritoryFactory

ROWS = 50_000
MAP_ACTORS = 10_000
RESULTS = []


def report(name, value, unit, budget=None):
    RESULTS.append((name, value, unit, budget))
    verdict = "" if budget is None else (" ok" if value <= budget else " AU-DELÀ DU BUDGET")
    limit = "" if budget is None else f" (budget {budget} {unit})"
    # Counts (queries, rows) are whole numbers: "3", not "3.00".
    shown = f"{value:10d}" if isinstance(value, int) else f"{value:10.2f}"
    print(f"{name:55} {shown} {unit}{limit}{verdict}".rstrip())


def siret(first13):
    digits = [int(char) for char in first13]
    for last in range(10):
        total = 0
        for index, value in enumerate(reversed(digits + [last])):
            if index % 2:
                value = value * 2 - 9 if value > 4 else value * 2
            total += value
        if total % 10 == 0:
            return first13 + str(last)
    raise AssertionError


def messy_csv(communes, rows):
    """An Excel-like export: Windows-1252, ';', CRLF, decimal commas, quoted fields."""
    rng = random.Random(2019)
    lines = ["Nom de la structure;SIRET;Type;Code postal;Commune;Latitude;Longitude;Description"]
    for n in range(rows):
        code, name, postal = communes[n % len(communes)]
        lines.append(";".join([
            f"Association n°{n} « Élan »", siret(f"{400000000 + n:09d}0001"), "association",
            postal, name, f"{43 + rng.random():.5f}".replace(".", ","),
            f"{5 + rng.random():.5f}".replace(".", ","), '"Ateliers; repas, réemploi"',
        ]))
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


@pytest.mark.django_db(transaction=True)
def test_bench_step_one_map(client):
    started = time.perf_counter()
    counts = import_geography()
    report(f"Import de la géographie ({counts['communes']} communes)",
           time.perf_counter() - started, "s", 30)

    communes = list(Commune.objects.filter(department_id="13", kind="commune")
                    .exclude(postal_codes="").values_list("code", "name", "postal_codes")[:100])
    communes = [(code, name, postal.split()[0]) for code, name, postal in communes]
    raw = messy_csv(communes, ROWS)
    territory = TerritoryFactory()

    started = time.perf_counter()
    preview = actor_import_dry_run(territory=territory, raw=raw)
    actor_import_write(territory=territory, preview=preview)
    bulk_seconds = time.perf_counter() - started
    assert Actor.objects.count() == ROWS, [row.errors for row in preview.rejected][:3]
    report(f"Import CSV de {ROWS} acteurs (lecture + écriture en masse)", bulk_seconds, "s", 20)

    # The writing alone, the same checked rows: in bulk, then one save() per row.
    Actor.objects.all().delete()
    preview = actor_import_dry_run(territory=territory, raw=raw)
    started = time.perf_counter()
    actor_import_write(territory=territory, preview=preview)
    bulk_write_seconds = time.perf_counter() - started
    report(f"Écriture en masse des {ROWS} acteurs", bulk_write_seconds, "s")
    Actor.objects.all().delete()
    preview = actor_import_dry_run(territory=territory, raw=raw)
    started = time.perf_counter()
    for row in preview.rows:
        Actor.objects.create(territory=territory, **row.values)
    one_by_one_seconds = time.perf_counter() - started
    report(f"Les mêmes {ROWS} acteurs enregistrés un à un (ORM)", one_by_one_seconds, "s")
    ratio = one_by_one_seconds / bulk_write_seconds
    report("Rapport un à un / en masse (au moins 10)", ratio, "×")

    Actor.objects.all().delete()
    Actor.objects.bulk_create(
        [Actor(territory=territory, name=f"Acteur {n}", is_published=True,
               latitude=43 + n / MAP_ACTORS, longitude=5 + n / MAP_ACTORS)
         for n in range(MAP_ACTORS)], batch_size=5000)
    url = reverse("api:territory-map", args=[territory.slug])
    timings = []
    for _ in range(5):
        reset_queries()
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url)
            timings.append(time.perf_counter() - started)
    # Served by box and zoom since issue 15: the whole territory comes as clusters.
    answer = response.json()
    assert answer["total"] == sum(f["properties"].get("count", 1)
                                  for f in answer["features"]) == MAP_ACTORS
    report(f"GeoJSON de {MAP_ACTORS} acteurs : temps serveur médian",
           statistics.median(timings) * 1000, "ms")
    report(f"GeoJSON de {MAP_ACTORS} acteurs : taille de la réponse",
           len(response.content) / 1024, "Kio")
    report(f"GeoJSON de {MAP_ACTORS} acteurs : requêtes SQL", len(queries.captured_queries), "")

    print(f"\nBase : {connection.vendor}")
    over = [name for name, value, _unit, budget in RESULTS
            if budget is not None and value > budget]
    assert ratio >= 10, f"l'import en masse n'est que {ratio:.1f} fois plus rapide"
    assert not over, f"au-delà du budget : {over}"
