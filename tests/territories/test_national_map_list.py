"""The list beside the national map follows the map's box: the API gives it page by page,
the page too when given a box; a wrong box is refused in French, never a 500."""

from decimal import Decimal

import pytest
from django.urls import reverse

from territories.models import Actor, Place
from tests.projects.factories import ActorFactory, ProjectFactory
from tests.territories.factories import TerritoryFactory
from tests.territories.test_national_map import spread_actors

pytestmark = pytest.mark.django_db
API = "/api/carte/liste/"
MARSEILLE = "5.3,43.2,5.5,43.4"


@pytest.fixture
def items(territory_a, cluster):
    ActorFactory(territory=territory_a, name="Dans Marseille", latitude=Decimal("43.3"),
                 longitude=Decimal("5.4"))
    ActorFactory(territory=territory_a, name="À Lyon", latitude=Decimal("45.76"),
                 longitude=Decimal("4.83"))
    ActorFactory(territory=territory_a, name="Non publié à Marseille", is_published=False,
                 latitude=Decimal("43.3"), longitude=Decimal("5.4"))
    ActorFactory(territory=TerritoryFactory(is_published=False), name="Brouillon à Marseille",
                 latitude=Decimal("43.3"), longitude=Decimal("5.4"))
    Place.objects.create(territory=territory_a, name="Lieu à Marseille", is_published=True,
                         latitude=Decimal("43.31"), longitude=Decimal("5.39"))


def listed(answer):
    return [row["name"] for row in answer["results"]]


def test_the_api_lists_what_the_box_holds(client, items):
    everything = client.get(API).json()
    assert everything["bbox"] is None and everything["count"] == len(everything["results"])
    assert {"Dans Marseille", "À Lyon", "Lieu à Marseille"} <= set(listed(everything))
    inside = client.get(API, {"bbox": MARSEILLE}).json()
    assert listed(inside) == ["Dans Marseille", "Lieu à Marseille"]
    assert inside["count"] == 2 and inside["pages"] == 1 and inside["bbox"] == [
        5.3, 43.2, 5.5, 43.4]
    row = inside["results"][0]
    assert row["layer_key"] == "actor" and row["territory"] == "Aix-Marseille-Provence"
    assert row["url"].endswith(f"/acteurs/{Actor.objects.get(name='Dans Marseille').pk}/")
    # The filters still apply inside the box.
    assert listed(client.get(API, {"bbox": MARSEILLE, "kind": "place"}).json()) == [
        "Lieu à Marseille"]


def test_an_item_without_point_is_listed_where_its_town_hall_is(
        client, geography, territory_a, cluster):
    ActorFactory(territory=territory_a, name="Sans coordonnées", commune_id="13055",
                 latitude=None, longitude=None)
    # Marseille's town hall is on the Vieux-Port.
    assert listed(client.get(API, {"bbox": MARSEILLE}).json()) == ["Sans coordonnées"]
    assert listed(client.get(API, {"bbox": "4.7,45.6,5,45.9"}).json()) == []


def test_the_list_in_a_box_is_paginated_by_fifty(client, territory_a):
    spread_actors(territory_a, 60, lat=43.25, lon=5.35, step=0.001)
    first = client.get(API, {"bbox": MARSEILLE}).json()
    assert (first["count"], first["pages"], len(first["results"])) == (60, 2, 50)
    second = client.get(API, {"bbox": MARSEILLE, "page": "2"}).json()
    assert len(second["results"]) == 10 and second["page"] == 2
    assert client.get(API, {"bbox": MARSEILLE, "page": "abc"}).json()["page"] == 1
    assert client.get(API, {"bbox": MARSEILLE, "page": "99"}).json()["page"] == 2


@pytest.mark.parametrize("bbox", [
    "6,43,5,44", "5,44,6,43", "nan,43,6,44", "5,43,inf,44", "5,43,6", "a,b,c,d", "5,43,6,44,7",
    "5;43;6;44", ",,,", "1e400,43,6,44", "[5,43,6,44]",
])
def test_a_wrong_box_is_refused_in_french(client, db, bbox):
    response = client.get(API, {"bbox": bbox})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_bbox"
    assert "ouest,sud,est,nord" in response.json()["detail"]
    page = client.get(reverse("national_map"), {"bbox": bbox})
    assert page.status_code == 400
    assert "ouest,sud,est,nord" in page.content.decode()


def test_a_wrong_filter_is_refused_too(client, db):
    response = client.get(API, {"kind": "personne"})
    assert response.status_code == 400 and response.json()["code"] == "invalid_filter"


def test_the_page_lists_the_box_when_given_one_and_keeps_it_in_its_links(client, items):
    response = client.get(reverse("national_map"), {"bbox": MARSEILLE})
    assert [row["name"] for row in response.context["page"].rows] == [
        "Dans Marseille", "Lieu à Marseille"]
    assert "2 éléments dans cette vue de la carte" in response.content.decode()
    # Without a box (no script), the whole list, as before.
    whole = client.get(reverse("national_map")).context["page"]
    assert "À Lyon" in [row["name"] for row in whole.rows]


def test_the_page_keeps_the_box_in_its_pagination(client, territory_a):
    spread_actors(territory_a, 60, lat=43.25, lon=5.35, step=0.001)
    page = client.get(reverse("national_map"), {"bbox": MARSEILLE}).content.decode()
    assert "bbox=5.3%2C43.2%2C5.5%2C43.4&amp;page=2" in page


@pytest.mark.parametrize("size", [5, 120])
def test_the_list_in_a_box_takes_the_same_queries_at_two_sizes(
        client, territory_a, cluster, size, django_assert_max_num_queries):
    spread_actors(territory_a, size, lat=43.25, lon=5.35, step=0.001)
    ProjectFactory(cluster=cluster, is_published=True)
    # The filters' choices (themes, territories), one per layer for the communes of the
    # items without a point, the count and the page.
    with django_assert_max_num_queries(7):
        answer = client.get(API, {"bbox": MARSEILLE}).json()
    assert answer["count"] >= size
