"""A territory's map view from its items kept in memory (territories.map_index): the cells
inside the box from the finest grid, the points along its border one by one, and the same
features as grouping every point from the tables (territories.map_clusters)."""

import json
import random
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.urls import reverse
from django.utils.translation import gettext_lazy
from rest_framework.renderers import JSONRenderer

from territories import map_clusters, map_index
from territories.api.map_views import GeoJSONRenderer
from territories.map_clusters import POINTS_LIMIT, MapView, cluster_view
from territories.map_index import GRID_CELL, build_map_index
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
    actors += [Actor(territory=territory_a, name=name, is_published=True, commune=commune)
               for name in ("À la mairie", "Aussi à la mairie")]  # spread in their order
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
    assert points_in_order(grouped[0]) == points_in_order(from_grid[0])
    for left, right in zip(features(grouped[0]), features(from_grid[0]), strict=True):
        assert json.dumps(left["properties"]) == json.dumps(right["properties"])  # in order
        assert left["geometry"]["coordinates"] == pytest.approx(
            right["geometry"]["coordinates"], abs=1.1e-5)


def points_in_order(answer):
    return [(f["properties"]["type"], f["properties"]["id"]) for f in answer
            if f["properties"]["type"] != "cluster"]


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


def sources_of(territory, everything=False):
    return territory_sources(territory_access(AnonymousUser(), territory.slug),
                             everything=everything)


@pytest.mark.parametrize("points_limit", [0, POINTS_LIMIT])  # clusters from the first item
def test_a_view_from_the_index_has_the_features_of_grouping_the_tables(
        points, territory_a, monkeypatch, points_limit, django_assert_num_queries):
    monkeypatch.setattr(map_clusters, "POINTS_LIMIT", points_limit)
    from_grid = []
    real = map_index.grid_inside
    monkeypatch.setattr(map_index, "grid_inside",
                        lambda view: from_grid.append(real(view)) or from_grid[-1])
    for everything in (False, True):
        sources = sources_of(territory_a, everything)
        index = build_map_index(sources)
        rng = random.Random(everything)
        for view in [*views(rng, 40), *close_views(rng, 10)]:
            with django_assert_num_queries(0):
                drawn = cluster_view(sources, view, lambda index=index: index)
            same(cluster_view(sources, view), drawn)
    # Most views took the cells inside their box from the grid, not point by point.
    assert sum(inside is not None for inside in from_grid) >= 50


def close_views(rng, count):
    """Small boxes at zooms past the grid's, around the points on its lines."""
    for _ in range(count):
        zoom = rng.randint(15, 18)
        side = 360 / 2 ** zoom * rng.uniform(1, 3)
        west = WEST + rng.random() * 0.35
        south = SOUTH + rng.random() * 0.35
        yield MapView((west, south, west + side, south + side), zoom, True)


def test_a_view_whose_cells_are_not_the_grids_takes_every_point_one_by_one(
        points, territory_a):
    sources = sources_of(territory_a)
    index = build_map_index(sources)
    # A huge box for its zoom: its cells are a 40th of it, not made of the grid's.
    view = MapView((0.0, 40.0, 12.0, 48.0), 14, True)
    assert map_index.grid_steps(view) is None
    drawn = cluster_view(sources, view, lambda: index)
    assert drawn[1] == points.filter(is_published=True).count() + 150
    same(cluster_view(sources, view), drawn)


def test_the_index_counts_each_layer_by_cell_of_the_grid(points, territory_a):
    grid = build_map_index(sources_of(territory_a)).grid
    xs, ys, counts, lats, _lons, firsts = grid["actor"]
    assert sum(counts) == points.filter(is_published=True, latitude__isnull=False).count()
    assert sum(grid["place"][2]) == 150
    assert list(zip(xs, ys, strict=True)) == sorted(zip(xs, ys, strict=True))  # bisectable
    first = points.filter(is_published=True).order_by("pk").first()
    cell = (int(float(first.longitude) // GRID_CELL), int(float(first.latitude) // GRID_CELL))
    index = list(zip(xs, ys, strict=True)).index(cell)
    assert firsts[index] == first.pk
    assert lats[index] / counts[index] == pytest.approx(float(first.latitude), abs=GRID_CELL)


def test_a_territory_past_the_rows_an_index_holds_is_grouped_from_the_tables(
        points, territory_a, monkeypatch):
    sources = sources_of(territory_a)
    monkeypatch.setattr(map_index, "MAX_ROWS", points.count())
    assert build_map_index(sources) is None
    view = MapView((WEST, SOUTH, WEST + 0.4, SOUTH + 0.4), 11, True)
    assert cluster_view(sources, view, lambda: None) == cluster_view(sources, view)


def test_a_process_keeps_the_latest_indexes_within_its_bounds(monkeypatch):
    built = []

    def build(rows):
        built.append(rows)
        return None if rows is None else map_index.MapIndex([
            ("actor", 10, n, f"Acteur {n}", "", "t", None, None, None) for n in range(rows)])

    monkeypatch.setattr(map_index, "MAX_ROWS", 10)
    monkeypatch.setattr(map_index, "MAX_KEPT", 3)
    for key, rows in (("a", 4), ("b", 4), ("a", 4), ("c", 4)):  # c lets b go: 12 rows
        map_index.kept_map_index(key, lambda rows=rows: build(rows))
    assert built == [4, 4, 4]
    map_index.kept_map_index("a", lambda: build(4))  # kept, the most recently used
    map_index.kept_map_index("b", lambda: build(4))  # built again
    assert built == [4, 4, 4, 4]
    for key in ("d", "e", "f"):  # too big for an index: kept as such, not read again
        map_index.kept_map_index(key, lambda: build(None))
    assert map_index.kept_map_index("f", lambda: build(None)) is None
    assert len(built) == 7
    assert len(map_index._kept) == 3


@pytest.mark.skipif("connection.vendor != 'postgresql'",
                    reason="the index is kept per state of the items on PostgreSQL only")
def test_the_api_reads_the_items_once_until_they_change(
        client, points, territory_a, monkeypatch, django_assert_num_queries):
    read = []
    real = map_index.build_map_index
    monkeypatch.setattr("territories.api.map_views.build_map_index",
                        lambda sources: read.append(1) or real(sources))
    url = reverse("api:territory-map", args=[territory_a.slug])
    published = points.filter(is_published=True, latitude__isnull=False).count() + 150
    client.get(url, {"bbox": "5.1,43.1,5.7,43.7", "zoom": "10"})
    for n in range(1, 4):  # three new views: the territory read, not its items
        with django_assert_num_queries(1):
            answer = client.get(url, {"bbox": f"5.1{n},43.1,5.7,43.7", "zoom": "10"}).json()
        assert answer["total"] == published + 2  # and the two at the town hall
    assert len(read) == 1
    Actor.objects.create(territory=territory_a, name="Nouveau", is_published=True,
                         latitude=Decimal("43.4"), longitude=Decimal("5.4"))
    answer = client.get(url, {"bbox": "5.13,43.1,5.7,43.7", "zoom": "10"}).json()
    assert answer["total"] == published + 3
    assert len(read) == 2
    assert connection.vendor == "postgresql"


def test_the_geojson_is_written_as_drf_writes_json(client, points, territory_a):
    """orjson writes the maps' GeoJSON: the same bytes as DRF's JSON renderer."""
    url = reverse("api:territory-map", args=[territory_a.slug])
    for box in ({"bbox": "5.2,43.2,5.6,43.6", "zoom": "12"},  # clusters and points
                {"bbox": "5.3,43.3,5.34,43.34", "zoom": "15"}):  # points with their names
        answer = client.get(url, box)
        assert answer["Content-Type"] == "application/geo+json"
        assert len(answer.json()["features"]) > 10
        assert answer.content == JSONRenderer().render(json.loads(answer.content))
    # What orjson does not know goes through DRF's encoder; an indent asked is given.
    assert GeoJSONRenderer().render({"label": gettext_lazy("Acteurs"), 1: 2.5}) == \
        b'{"label":"Acteurs","1":2.5}'
    assert GeoJSONRenderer().render(
        {"a": 1}, "application/geo+json; indent=2") == b'{\n  "a": 1\n}'
