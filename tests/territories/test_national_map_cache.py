"""The national map's outlines: computed once, served from the cache without reading the
database, computed again when a territory's perimeter, name or publication changes."""

import pytest
from django.core.cache import cache
from django.db import transaction

from territories.models import Territory
from territories.national_map import PERIMETERS_KEY
from territories.services import territory_set_perimeter
from tests.territories.factories import TerritoryFactory

pytestmark = pytest.mark.django_db
URL = "/api/carte/perimetres/"


def names(client):
    response = client.get(URL)
    assert response.status_code == 200
    return sorted(f["properties"]["name"] for f in response.json()["features"])


@pytest.fixture
def mapped(geography, territory_a):
    territory_set_perimeter(territory=territory_a, level="communes", codes=["13055"])
    return territory_a


def test_a_cache_hit_reads_no_row_and_says_how_to_keep_it(
        client, mapped, django_assert_num_queries):
    first = client.get(URL)
    assert first.status_code == 200 and first["Content-Type"] == "application/geo+json"
    assert first["ETag"].startswith('"') and first["Last-Modified"]
    assert "max-age=300" in first["Cache-Control"] and "public" in first["Cache-Control"]
    with django_assert_num_queries(0):
        again = client.get(URL)
    assert again.content == first.content and again["ETag"] == first["ETag"]
    # A client that has this version gets a 304, without a body, nor a query.
    with django_assert_num_queries(0):
        unchanged = client.get(URL, headers={"if-none-match": first["ETag"]})
    assert unchanged.status_code == 304 and unchanged.content == b""
    stale = client.get(URL, headers={"if-none-match": '"autre"'})
    assert stale.status_code == 200


def test_a_signed_in_person_reads_the_same_cached_outlines_without_a_query(
        client, mapped, member_a, django_assert_num_queries):
    client.force_login(member_a)
    client.get(URL)
    with django_assert_num_queries(0):
        assert client.get(URL).status_code == 200


def test_a_change_of_perimeter_name_or_publication_computes_them_again(
        client, mapped, territory_b):
    assert names(client) == [mapped.name]
    territory_set_perimeter(territory=territory_b, level="communes", codes=["69123"])
    assert names(client) == [mapped.name]  # territory B is not published
    territory_b.is_published = True
    territory_b.save()
    assert names(client) == sorted([mapped.name, territory_b.name])
    etag = client.get(URL)["ETag"]
    territory_set_perimeter(territory=territory_b, level="communes", codes=["69123", "69266"])
    assert client.get(URL)["ETag"] != etag
    mapped.name = "Métropole renommée"
    mapped.save()
    assert names(client) == sorted(["Métropole renommée", territory_b.name])
    mapped.communes.clear()
    assert names(client) == [territory_b.name]
    passing = TerritoryFactory(name="Éphémère")
    territory_set_perimeter(territory=passing, level="communes", codes=["13001"])
    assert names(client) == sorted([territory_b.name, "Éphémère"])
    passing.delete()
    assert names(client) == [territory_b.name]


def test_a_value_computed_before_a_change_is_never_served(client, mapped):
    client.get(URL)
    stale = cache.get(PERIMETERS_KEY)
    TerritoryFactory(name="Nouveau")  # starts a new generation
    cache.set(PERIMETERS_KEY, stale)  # as a slow request computing the old data would
    draft = Territory.objects.get(pk=mapped.pk)
    draft.is_published = False
    with transaction.atomic():
        draft.save()
    assert names(client) == []


def test_an_empty_cache_computes_them(client, mapped):
    cache.clear()
    assert names(client) == [mapped.name]
