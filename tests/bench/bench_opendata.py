"""Benchmark of the open data build (`make bench`): 10,000 then 100,000 actors.

The build streams its rows (chunks from the database, one row at a time to each file), so
the memory it needs must not grow with the data: the peak of Python allocations during the
build (tracemalloc) at 100,000 actors stays within 1.5× that at 10,000. The time is printed;
the process's peak RSS (getrusage) is printed after each build too — it only ever rises,
so flat memory shows as a small step between the two.
"""

import resource
import time
import tracemalloc

import pytest

from territories.models import Actor, Theme
from territories.opendata_build import build_open_data
from tests.bench.bench_territories import report
from tests.territories.factories import TerritoryFactory

SIZES = (10_000, 100_000)


def add_actors(territory, themes, start, stop):
    Through = Actor.themes.through
    for first in range(start, stop, 5000):
        last = min(first + 5000, stop)
        actors = Actor.objects.bulk_create([
            Actor(territory=territory, name=f"Association n°{n} « Élan »", kind="association",
                  is_published=True, description="Ateliers ; repas, réemploi\n" * 3,
                  address=f"{n} rue de la République", latitude=43 + n / stop,
                  longitude=5 + n / stop, siret="")
            for n in range(first, last)], batch_size=5000)
        Through.objects.bulk_create(
            [Through(actor_id=actor.pk, theme_id=themes[actor.pk % len(themes)])
             for actor in actors], batch_size=5000)


def peak_rss_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


@pytest.mark.django_db
def test_bench_open_data_build(settings, tmp_path):
    settings.OPENDATA_ROOT = tmp_path / "opendata"
    territory = TerritoryFactory()
    themes = list(Theme.objects.values_list("slug", flat=True)[:5])
    peaks = {}
    done = 0
    for size in SIZES:
        add_actors(territory, themes, done, size)
        done = size
        started = time.perf_counter()
        manifest = build_open_data()
        seconds = time.perf_counter() - started
        assert manifest["datasets"]["acteurs"]["rows"] == size
        report(f"Données ouvertes, {size} acteurs : construction", seconds, "s")
        files = manifest["datasets"]["acteurs"]["files"]
        report(f"Données ouvertes, {size} acteurs : fichiers des acteurs",
               sum(file["size"] for file in files.values()) / 2**20, "Mio")
        tracemalloc.start()
        try:
            tracemalloc.reset_peak()
            build_open_data()
            peaks[size] = tracemalloc.get_traced_memory()[1] / 2**20
        finally:
            tracemalloc.stop()
        report(f"Données ouvertes, {size} acteurs : pic d'allocations (tracemalloc)",
               peaks[size], "Mio")
        report(f"Données ouvertes, {size} acteurs : pic RSS du processus", peak_rss_mib(),
               "Mio")
    ratio = peaks[SIZES[1]] / peaks[SIZES[0]]
    report("Mémoire 100 000 / 10 000 acteurs (au plus 1,5)", ratio, "×", 1.5)
    assert ratio <= 1.5, f"la mémoire de la construction croît avec les données ({ratio:.2f}×)"
