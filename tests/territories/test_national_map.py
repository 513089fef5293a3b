"""The national map: published items only, clustered by the server in bounded cells, the
same filters for the map and its paginated list, bad views refused in French."""

import random
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import override_script_prefix
from django.urls import reverse

from projects.models import Project
from territories import map_clusters
from territories.map_clusters import MAX_CELLS_PER_SIDE, MapView, parse_view
from territories.models import Actor, Label, Place, Theme
from tests.projects.factories import ActorFactory, ProjectFactory
from tests.territories.factories import TerritoryFactory

pytestmark = pytest.mark.django_db
API = "/api/carte/"
FRANCE = "bbox=-5.5,41,10,51.5&zoom=6"


def actor(territory, name, lat, lon, **fields):
    return ActorFactory(territory=territory, name=name, latitude=Decimal(str(lat)),
                        longitude=Decimal(str(lon)), **fields)


def spread_actors(territory, count, *, lat=43.3, lon=5.4, step=0.01, published=True):
    """`count` actors on a line of points, all distinct; one query."""
    return Actor.objects.bulk_create([
        Actor(territory=territory, name=f"Acteur {i:05d}", kind=Actor.Kind.ASSOCIATION,
              is_published=published, latitude=Decimal(f"{lat + (i % 50) * step:.6f}"),
              longitude=Decimal(f"{lon + (i // 50) * step:.6f}"))
        for i in range(count)])


@pytest.fixture
def clustered(monkeypatch):
    """Cluster from the first item on, as a view of 100,000 items would."""
    monkeypatch.setattr(map_clusters, "POINTS_LIMIT", 0)


def names(answer):
    return {f["properties"]["name"] for f in answer["features"]
            if f["properties"]["type"] != "cluster"}


def counted(answer):
    return sum(f["properties"].get("count", 1) for f in answer["features"])


def test_only_published_items_of_published_territories_appear_on_the_map_and_list(
        client, territory_a, cluster):
    draft = TerritoryFactory(name="Brouillon", is_published=False)
    actor(territory_a, "Publié à Marseille", 43.30, 5.37)
    actor(territory_a, "Fiche non publiée", 43.31, 5.38, is_published=False)
    actor(draft, "Acteur d'un brouillon", 43.32, 5.39)
    Place.objects.create(territory=territory_a, name="Tiers-lieu publié", is_published=True,
                         latitude=Decimal("43.29"), longitude=Decimal("5.36"))
    ProjectFactory(cluster=cluster, title="Projet publié", is_published=True)
    ProjectFactory(cluster=cluster, title="Projet en brouillon")

    answer = client.get(f"{API}?{FRANCE}").json()
    # The published project stands at its carrier, which has no point: it is left off.
    assert names(answer) == {"Publié à Marseille", "Tiers-lieu publié"}
    assert answer["total"] == 2
    page = client.get(reverse("national_map")).content.decode()
    for shown in ("Publié à Marseille", "Tiers-lieu publié", "Projet publié"):
        assert shown in page
    for hidden in ("Fiche non publiée", "Acteur d&#x27;un brouillon", "Projet en brouillon"):
        assert hidden not in page


def test_a_draft_territorys_items_are_not_even_counted_in_a_cluster(
        client, territory_a, clustered):
    draft = TerritoryFactory(name="Brouillon", is_published=False)
    spread_actors(territory_a, 30)
    spread_actors(draft, 40)
    spread_actors(territory_a, 50, published=False)
    answer = client.get(f"{API}?bbox=-180,-90,180,90&zoom=3").json()
    assert answer["total"] == counted(answer) == 30
    assert all(f["properties"]["type"] == "cluster" for f in answer["features"])


def test_cluster_counts_add_up_to_the_filtered_total(client, territory_a, clustered):
    spread_actors(territory_a, 240)
    for zoom in range(4, 17, 3):
        answer = client.get(f"{API}?bbox=5,43,8,46&zoom={zoom}").json()
        assert counted(answer) == answer["total"] == 240, zoom
    # At a high zoom every item has a cell of its own: points with their links.
    close = client.get(f"{API}?bbox=5.39,43.29,5.43,43.35&zoom=16").json()
    point = next(f for f in close["features"] if f["properties"]["type"] == "actor")
    assert point["properties"]["url"].startswith(f"/territoires/{territory_a.slug}/acteurs/")


def test_the_box_keeps_only_the_items_inside_it(client, territory_a):
    actor(territory_a, "Marseille", 43.30, 5.37)
    actor(territory_a, "Lille", 50.63, 3.06)
    assert names(client.get(f"{API}?bbox=5,43,6,44&zoom=9").json()) == {"Marseille"}
    assert names(client.get(f"{API}?bbox=2,50,4,51&zoom=9").json()) == {"Lille"}
    assert names(client.get(f"{API}?{FRANCE}").json()) == {"Marseille", "Lille"}


@pytest.mark.parametrize("bbox, inside", [
    ("5.37,43.3,5.38,43.31", True),  # the point on the box's west and south edges
    ("5.36,43.29,5.37,43.3", True),  # on its east and north edges
    ("5.3700001,43.3,5.38,43.31", False),  # the box starts a hair east of it
    ("5.36,43.29,5.37,43.2999999", False),  # the box ends a hair south of it
])
@pytest.mark.parametrize("grouped", [False, True])
def test_a_point_on_the_edge_of_the_box_is_in_it_on_the_map_and_in_the_list(
        client, territory_a, monkeypatch, bbox, inside, grouped):
    """The box is compared with the decimal columns: exactly as with their floats."""
    if grouped:
        monkeypatch.setattr(map_clusters, "POINTS_LIMIT", 0)
    actor(territory_a, "Au bord", 43.3, 5.37)
    answer = client.get(f"{API}?bbox={bbox}&zoom=18").json()
    assert counted(answer) == answer["total"] == int(inside)
    local = client.get(reverse("api:territory-map", args=[territory_a.slug]),
                       {"bbox": bbox, "zoom": 18}).json()
    assert counted(local) == int(inside)
    listed = client.get(f"{API}liste/", {"bbox": bbox}).json()["results"]
    assert [row["name"] for row in listed] == (["Au bord"] if inside else [])


def test_point_links_follow_the_address_the_site_is_served_under(client, territory_a):
    """The territory's part of a point's link is reversed once, and kept per prefix."""
    marseille = actor(territory_a, "Marseille", 43.30, 5.37)
    expected = f"/territoires/{territory_a.slug}/acteurs/{marseille.pk}/"
    for prefix in ("/", "/plateforme/", "/"):
        with override_script_prefix(prefix):
            answer = client.get(f"{API}?bbox=5,43,6,44&zoom=9").json()
        assert [f["properties"]["url"] for f in answer["features"]] == [
            prefix.rstrip("/") + expected]


def test_decimal_bounds_keep_the_decimals_whose_float_is_in_the_range():
    rng = random.Random(15)
    step = Decimal("0.000001")
    for _ in range(2000):
        center = Decimal(rng.randint(-90_000_000, 90_000_000)) * step
        low = float(center) + rng.choice([-1, 0, 1]) * rng.random() * 2e-6
        high = low + rng.choice([0, 1e-7, 1e-6, 0.5])
        first, last = map_clusters._decimal_bounds(low, high, 6)
        for value in (center + offset * step for offset in range(-3, 4)):
            assert (first <= value <= last) is (low <= float(value) <= high), (low, high, value)


def test_filters_by_theme_kind_and_territory(client, territory_a, territory_b, cluster):
    territory_b.is_published = True
    territory_b.save()
    food = Theme.objects.create(slug="alimentation-test", name="Alimentation", is_national=True)
    fed = actor(territory_a, "Épicerie solidaire", 43.30, 5.37)
    fed.themes.add(food)
    actor(territory_a, "Garage solidaire", 43.31, 5.38)
    actor(territory_b, "Lyonnais", 45.76, 4.83)
    Place.objects.create(territory=territory_a, name="Friche", is_published=True,
                         latitude=Decimal("43.29"), longitude=Decimal("5.36"))
    carrier = actor(territory_a, "Porteur", 43.28, 5.35)
    ProjectFactory(cluster=cluster, title="Cantine", is_published=True, carriers=[carrier])

    assert names(client.get(f"{API}?{FRANCE}&theme={food.slug}").json()) == {"Épicerie solidaire"}
    assert names(client.get(f"{API}?{FRANCE}&kind=place").json()) == {"Friche"}
    assert names(client.get(f"{API}?{FRANCE}&kind=project").json()) == {"Cantine"}
    assert names(client.get(f"{API}?{FRANCE}&territory={territory_b.slug}").json()) == {
        "Lyonnais"}
    page = client.get(reverse("national_map"), {"theme": food.slug}).content.decode()
    assert "Épicerie solidaire" in page and "Garage solidaire" not in page
    # National themes come first in the theme filter.
    Theme.objects.create(slug="autre", name="Aaa, un thème local")
    options = page.split('name="theme"')[1].split("</select>")[0]
    assert options.index("Thèmes nationaux") < options.index("Autres thèmes")


def test_an_actor_without_point_stands_at_its_communes_town_hall(
        client, geography, territory_a):
    ActorFactory(territory=territory_a, name="Mairie", commune_id="13055")
    answer = client.get(f"{API}?bbox=5,43,6,44&zoom=10").json()
    (feature,) = answer["features"]
    assert feature["properties"]["approximate"] is True
    assert names(client.get(f"{API}?bbox=2,50,4,51&zoom=10").json()) == set()


@pytest.mark.parametrize("query", [
    "bbox=a,b,c,d", "bbox=1,2,3", "bbox=10,41,-5,52", "bbox=-5,52,10,41", "bbox=nan,41,10,52",
    "bbox=-5,41,inf,52", "bbox=5,5,5,5", "zoom=douze", "zoom=-1", "zoom=19", "zoom=1.5",
    "bbox=1,2,3,4%00", "zoom=3%00", "kind=inconnu", "theme=%00", "territory=nulle-part",
])
def test_a_bad_view_or_filter_is_refused_in_french(client, db, query):
    answer = client.get(f"{API}?{query}")
    assert answer.status_code == 400
    detail = answer.json()["detail"]
    assert any(word in detail for word in ("cadre", "zoom", "nul", "choix", "Type")), detail


def test_cells_stay_bounded_whatever_the_box_and_zoom():
    view = parse_view({"bbox": "-180,-90,180,90", "zoom": "18"})
    assert view.cell >= 360 / MAX_CELLS_PER_SIDE
    street = MapView((5.4, 43.3, 5.41, 43.31), 18, True)
    assert street.cell == pytest.approx(360 / 2 ** 18 / 4)


@pytest.mark.parametrize("size", [20, 400])
def test_a_view_takes_the_same_queries_at_two_sizes(
        client, territory_a, cluster, clustered, size, django_assert_max_num_queries):
    spread_actors(territory_a, size)
    Place.objects.bulk_create([Place(territory=territory_a, name=f"Lieu {i}", is_published=True,
                                     latitude=Decimal("44.0"), longitude=Decimal(f"{5 + i / 100}"))
                               for i in range(size // 10)])
    for _ in range(size // 20):
        ProjectFactory(cluster=cluster, is_published=True)
    with django_assert_max_num_queries(12):
        answer = client.get(f"{API}?bbox=-5,41,10,52&zoom=12").json()
    assert answer["total"] == size + size // 10
    with django_assert_max_num_queries(9):
        client.get(reverse("national_map"))


def test_the_perimeters_of_published_territories_only(client, geography, territory_a):
    from territories.services import territory_set_perimeter

    territory_set_perimeter(territory=territory_a, level="communes", codes=["13055"])
    draft = TerritoryFactory(name="Brouillon", is_published=False)
    territory_set_perimeter(territory=draft, level="communes", codes=["69123"])
    features = client.get("/api/carte/perimetres/").json()["features"]
    assert [f["properties"]["name"] for f in features] == [territory_a.name]


def test_the_home_page_shows_the_network_in_constant_queries(
        client, territory_a, territory_b, cluster, django_assert_max_num_queries):
    territory_b.is_published = True
    territory_b.save()
    Label.objects.create(territory=territory_a, status=Label.Status.LABELLED, wave=1)
    Label.objects.create(territory=territory_b, status=Label.Status.FOLLOW_UP, wave=2)
    withdrawn = TerritoryFactory(name="Retiré")
    Label.objects.create(territory=withdrawn, status=Label.Status.WITHDRAWN, wave=1)
    ProjectFactory(cluster=cluster, is_published=True)
    with django_assert_max_num_queries(10) as small:
        page = client.get("/").content.decode()
    assert "Vague 1 : 1 territoire" in page and "Vague 2 : 1 territoire" in page
    assert "Retiré" not in page
    for link in (reverse("national_map"), "/reseau/", "/donnees/"):
        assert f'href="{link}"' in page
    for _ in range(20):
        Label.objects.create(territory=TerritoryFactory(), status=Label.Status.LABELLED, wave=2)
    spread_actors(territory_a, 50)
    with django_assert_max_num_queries(len(small)):
        page = client.get("/").content.decode()
    assert "Vague 2 : 21 territoires" in page
    assert Project.objects.count() == 1


# The territory's own map: the same clustering, by box and zoom, as the person may see it.

def test_the_territory_map_is_served_by_box_and_zoom_with_its_drafts_for_its_editors(
        client, territory_a, facilitator, clustered):
    spread_actors(territory_a, 60)
    spread_actors(territory_a, 15, lat=45.0, published=False)
    url = reverse("api:territory-map", args=[territory_a.slug])
    public = client.get(url, {"bbox": "5,43,6,46", "zoom": "8"}).json()
    assert public["total"] == counted(public) == 60
    assert "perimeter" not in public  # only on the first view, without a box
    assert "perimeter" in client.get(url).json()
    client.force_login(facilitator)
    assert client.get(url, {"bbox": "5,43,6,46", "zoom": "8"}).json()["total"] == 75
    assert client.get(url, {"bbox": "5,43,6,44", "zoom": "8"}).json()["total"] == 60
    assert client.get(url, {"kind": "place"}).json()["total"] == 0
    assert client.get(url, {"bbox": "6,46,5,43"}).status_code == 400
    assert client.get(url, {"kind": "project"}).status_code == 400


@pytest.mark.parametrize("size", [10, 300])
def test_the_territory_map_takes_the_same_queries_at_two_sizes(
        client, territory_a, clustered, size, django_assert_num_queries):
    spread_actors(territory_a, size)
    spread_actors(territory_a, 1, lat=45.5, lon=5.9)  # alone in its cell: drawn as a point
    url = reverse("api:territory-map", args=[territory_a.slug])
    # The territory with its map's version, then on PostgreSQL its items read once for
    # every view of their state (territories.map_index); on SQLite two queries for both
    # layers: their groups (cells and communes), then the points.
    with django_assert_num_queries(2 if connection.vendor == "postgresql" else 3):
        answer = client.get(url, {"bbox": "5,43,6,46", "zoom": "12"}).json()
    assert answer["total"] == counted(answer) == size + 1
    assert [feature["properties"]["name"] for feature in answer["features"]
            if feature["properties"]["type"] == "actor"] == ["Acteur 00000"]


def test_the_list_beside_the_map_is_paginated_by_fifty_across_kinds(client, territory_a, cluster):
    spread_actors(territory_a, 55)
    Place.objects.create(territory=territory_a, name="Zèbre, tiers-lieu", is_published=True)
    ProjectFactory(cluster=cluster, title="Aaa projet", is_published=True)
    first = client.get(reverse("national_map"))
    rows = first.context["page"].rows
    assert len(rows) == 50 and rows[0]["name"] == "Aaa projet"
    assert rows[0]["url"] == reverse("projects:detail", args=[Project.objects.get().slug])
    # 55 actors, their project's carrier, a place and the project.
    assert first.context["page"].paginator.count == 58
    last = client.get(reverse("national_map"), {"page": "2"}).context["page"].rows
    assert [row["name"] for row in last][-1] == "Zèbre, tiers-lieu"
    assert client.get(reverse("national_map"), {"page": "abc"}).status_code == 200


def test_the_territory_map_refuses_an_unknown_actor_kind_in_french(client, territory_a,
                                                                   monkeypatch):
    """Each filter reads the territory's items once into memory: a made-up kind of actor is
    refused before, not read (nor matched to nothing)."""
    spread_actors(territory_a, 3)
    Actor.objects.filter(territory=territory_a).update(kind=Actor.Kind.COOPERATIVE)
    url = reverse("api:territory-map", args=[territory_a.slug])
    read = []
    monkeypatch.setattr("territories.api.map_views.build_map_index",
                        lambda sources: read.append(1))
    for made_up in ("inconnu", "Association", "x" * 500):
        refused = client.get(url, {"actor_kind": made_up})
        assert refused.status_code == 400
        assert refused.json() == {"detail": "Type d'acteur inconnu : choisissez-en un de la "
                                            "liste.", "code": "invalid_filter"}
    assert read == []
    client.cookies["django_language"] = "en"
    assert client.get(url, {"actor_kind": "inconnu"}).json()["detail"] == (
        "Unknown kind of actor: choose one from the list.")
    del client.cookies["django_language"]
    monkeypatch.undo()
    assert client.get(url, {"actor_kind": "cooperative"}).json()["total"] == 3
    assert client.get(url, {"actor_kind": "association"}).json()["total"] == 0
