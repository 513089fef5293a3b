"""A territory's map view from its finest grid: the cells inside the box from the grid kept
per state of the items, the border from the table, and the same features as grouping
every point from the table (territories.map_clusters)."""

import json
import random
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.urls import reverse

from territories import map_clusters
from territories.map_clusters import GRID_CELL, MapView, cluster_view, fine_grid
from territories.map_layers import territory_sources
from territories.models import Actor, Commune, Place
from territories.permissions import territory_access

pytestmark = pytest.mark.django_db

WEST, SOUTH = 5.2, 43.2  # the points lie in a box of 0.4° a side from there


def on_the_grid(index):
    """The 6-decimal values nearest a line of the finest grid, on both sides of it."""
    line = Decimal(index * GRID_CELL).quantize(Decimal("0.000001"))
    return [line - Decimal("0.000001"), line, line + Decimal("0.000001")]


@pytest.fixture
def points(territory_a, geography):
    rng = random.Random(15)
    decimal = lambda low: Decimal(f"{low + rng.random() * 0.4:.6f}")  # noqa: E731
    actors = [Actor(territory=territory_a, name=f"Acteur {n:04d}", is_published=n % 7 != 0,
                    kind=Actor.Kind.ASSOCIATION, latitude=decimal(SOUTH),
                    longitude=decimal(WEST)) for n in range(700)]
    # Points on the lines of the grid, where a rounded division decides their cell.
    lines_x = range(int(WEST / GRID_CELL) + 3, int(WEST / GRID_CELL) + 70, 9)
    lines_y = range(int(SOUTH / GRID_CELL) + 3, int(SOUTH / GRID_CELL) + 70, 11)
    for x, y in zip(lines_x, lines_y, strict=False):
        for lon in on_the_grid(x):
            for lat in on_the_grid(y):
                actors.append(Actor(territory=territory_a, name=f"Sur la grille {lon} {lat}",
                                    is_published=True, latitude=lat, longitude=lon))
    commune = Commune.objects.get(code="13055")
    actors.append(Actor(territory=territory_a, name="À la mairie", is_published=True,
                        commune=commune))
    Actor.objects.bulk_create(actors)
    Place.objects.bulk_create(
        Place(territory=territory_a, name=f"Lieu {n:03d}", is_published=True,
              latitude=decimal(SOUTH), longitude=decimal(WEST)) for n in range(150))
    return Actor.objects.filter(territory=territory_a)


def features(answer):
    """The features, whatever their order."""
    return sorted(answer, key=lambda f: json.dumps(f["properties"], sort_keys=True))


def same(grouped, from_grid):
    assert grouped[1] == from_grid[1]
    assert len(grouped[0]) == len(from_grid[0])
    for left, right in zip(features(grouped[0]), features(from_grid[0]), strict=True):
        assert json.dumps(left["properties"]) == json.dumps(right["properties"])  # in order
        assert left["geometry"]["coordinates"] == pytest.approx(
            right["geometry"]["coordinates"], abs=1.1e-5)


def views(rng, count):
    """Boxes at zooms whose cells are the grid's or 2, 4… of them, some edges on points."""
    edges = [float(value) for x in range(int(WEST / GRID_CELL) + 3,
                                         int(WEST / GRID_CELL) + 70, 9) for value in on_the_grid(x)]
    for _ in range(count):
        zoom = rng.randint(9, 14)
        side = min(0.5, 40 * 360 / 2 ** zoom / 4) * rng.uniform(0.3, 1)
        west = rng.choice(edges) if rng.random() < 0.3 else WEST - 0.05 + rng.random() * 0.3
        south = SOUTH - 0.05 + rng.random() * 0.3
        yield MapView((west, south, west + side, south + side * 0.8), zoom, True)


def test_a_view_from_the_grid_has_the_features_of_every_point_grouped(
        points, territory_a, monkeypatch):
    monkeypatch.setattr(map_clusters, "POINTS_LIMIT", 0)  # clusters from the first item
    monkeypatch.setattr(map_clusters, "GRID_WORTH", 1)
    taken = []
    real = map_clusters._from_grid
    monkeypatch.setattr(map_clusters, "_from_grid",
                        lambda *args: taken.append(real(*args)) or taken[-1])
    for everything in (False, True):
        access = territory_access(AnonymousUser(), territory_a.slug)
        sources = territory_sources(access, {}, everything=everything)
        grid = fine_grid(sources)
        for view in views(random.Random(everything), 40):
            same(cluster_view(sources, view), cluster_view(sources, view, lambda grid=grid: grid))
    # Most views were made from the grid, not grouped from the table again.
    assert sum(cells is not None for cells in taken) >= 50


def test_a_view_whose_cells_are_not_the_grids_groups_every_point(points, territory_a):
    access = territory_access(AnonymousUser(), territory_a.slug)
    sources = territory_sources(access, {})

    def no_grid():
        raise AssertionError("the grid was read")

    # A huge box for its zoom: its cells are a 40th of it, not made of the grid's.
    view = MapView((0.0, 40.0, 12.0, 48.0), 14, True)
    assert cluster_view(sources, view, no_grid)[1] == points.filter(is_published=True).count() + 150


def test_the_grid_counts_each_layer_by_cell(points, territory_a):
    access = territory_access(AnonymousUser(), territory_a.slug)
    grid = fine_grid(territory_sources(access, {}))
    xs, ys, counts, lats, _lons, firsts = grid["actor"]
    assert sum(counts) == points.filter(is_published=True, latitude__isnull=False).count()
    assert sum(grid["place"][2]) == 150
    assert list(zip(xs, ys, strict=True)) == sorted(zip(xs, ys, strict=True))  # bisectable
    first = points.filter(is_published=True).order_by("pk").first()
    cell = (int(float(first.longitude) // GRID_CELL), int(float(first.latitude) // GRID_CELL))
    index = list(zip(xs, ys, strict=True)).index(cell)
    assert firsts[index] == first.pk
    assert lats[index] / counts[index] == pytest.approx(float(first.latitude), abs=GRID_CELL)


@pytest.mark.skipif("connection.vendor != 'postgresql'",
                    reason="the grid is kept per state of the items on PostgreSQL only")
def test_the_api_keeps_the_grid_until_the_items_change(client, points, territory_a,
                                                       monkeypatch):
    monkeypatch.setattr(map_clusters, "GRID_WORTH", 1)
    computed = []
    real = map_clusters.fine_grid
    monkeypatch.setattr("territories.api.map_views.fine_grid",
                        lambda sources: computed.append(1) or real(sources))
    url = reverse("api:territory-map", args=[territory_a.slug])
    published = points.filter(is_published=True, latitude__isnull=False).count() + 150
    for n in range(3):  # three new views: one grid
        answer = client.get(url, {"bbox": f"5.1{n},43.1,5.7,43.7", "zoom": "10"}).json()
        assert answer["total"] == published + 1  # and the one at the town hall
    assert len(computed) == 1
    Actor.objects.create(territory=territory_a, name="Nouveau", is_published=True,
                         latitude=Decimal("43.4"), longitude=Decimal("5.4"))
    answer = client.get(url, {"bbox": "5.13,43.1,5.7,43.7", "zoom": "10"}).json()
    assert answer["total"] == published + 2
    assert len(computed) == 2
    assert connection.vendor == "postgresql"
