import pytest
from django.db import connection
from django.urls import reverse

from territories.models import Actor, Place
from territories.search import search
from tests.territories.factories import TerritoryFactory

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql",
                                   reason="recherche plein texte française : PostgreSQL")


@pytest.fixture
def items(territory_a):
    return {
        "coop": Actor.objects.create(
            territory=territory_a, name="Coopérative des Jardiniers", is_published=True,
            description="Agriculture urbaine et circuits courts à Marseille."),
        "assoc": Actor.objects.create(
            territory=territory_a, name="Les Amis du Vélo", is_published=True,
            description="Ateliers de réparation, mobilité douce."),
        "draft": Actor.objects.create(
            territory=territory_a, name="Jardin secret", description="Brouillon"),
        "place": Place.objects.create(
            territory=territory_a, name="Tiers-lieu des jardins", is_published=True),
    }


def names(results):
    return {kind: [item.name for item in found] for kind, found in results.items()}


def test_finds_actors_places_and_territories_the_person_may_see(client, items, anonymous):
    TerritoryFactory(name="Jardins de Provence", slug="jardins")
    found = names(search(user=anonymous, query="jardin"))
    assert "Jardin secret" not in found["actors"]
    assert found["places"] == ["Tiers-lieu des jardins"]
    assert found["territories"] == ["Jardins de Provence"]
    page = client.get(reverse("search"), {"q": "vélo"})
    assert "Les Amis du Vélo" in page.text


def test_editors_also_find_their_drafts(items, facilitator):
    assert "Jardin secret" in names(search(user=facilitator, query="secret"))["actors"]


def test_empty_or_short_queries_find_nothing_and_the_page_says_so(client, items, anonymous):
    assert names(search(user=anonymous, query=" j ")) == {
        "actors": [], "places": [], "territories": []}
    assert "Aucun résultat pour « zzzz »" in client.get(reverse("search"), {"q": "zzzz"}).text
    assert client.get(reverse("search")).status_code == 200


@on_postgresql
def test_french_stemming_and_accents_on_postgresql(items, anonymous):
    # "cooperatives" (no accent, plural) finds "Coopérative"; "réparer" finds "réparation"
    # only through the stem, which the simple fallback cannot do.
    assert names(search(user=anonymous, query="cooperatives"))["actors"] == [
        "Coopérative des Jardiniers"]
    assert names(search(user=anonymous, query="jardinier urbain"))["actors"] == [
        "Coopérative des Jardiniers"]


@on_postgresql
def test_name_matches_rank_above_description_matches(territory_a, anonymous):
    Actor.objects.create(territory=territory_a, name="Atelier", is_published=True,
                         description="On y parle de compost.")
    Actor.objects.create(territory=territory_a, name="Compost Collectif", is_published=True)
    assert names(search(user=anonymous, query="compost"))["actors"] == [
        "Compost Collectif", "Atelier"]
