import pytest
from django.db import connection
from django.urls import reverse

from territories.models import Actor, Place, Theme
from territories.search import search
from tests.helpers import page_text
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
    return {each.kind.key: [hit.name for hit in each.hits] for each in results}


def found(user, query, kind):
    return names(search(user=user, query=query, kind=kind)).get(kind, [])


def test_finds_actors_places_and_territories_the_person_may_see(client, items, anonymous):
    TerritoryFactory(name="Jardins de Provence", slug="jardins")
    found = names(search(user=anonymous, query="jardin"))
    assert "Jardin secret" not in found["acteurs"]
    assert found["lieux"] == ["Tiers-lieu des jardins"]
    assert found["territoires"] == ["Jardins de Provence"]
    page = client.get(reverse("search"), {"q": "vélo"})
    assert "Les Amis du Vélo" in page.text


def test_editors_also_find_their_drafts(items, facilitator):
    assert "Jardin secret" in names(search(user=facilitator, query="secret"))["acteurs"]


def test_empty_or_short_queries_find_nothing_and_the_page_says_so(client, items, anonymous):
    assert search(user=anonymous, query=" j ") == []
    assert "Aucun résultat pour « zzzz »" in client.get(reverse("search"), {"q": "zzzz"}).text
    assert client.get(reverse("search")).status_code == 200


@on_postgresql
def test_french_stemming_and_accents_on_postgresql(items, anonymous):
    # "cooperatives" (no accent, plural) finds "Coopérative"; "réparer" finds "réparation"
    # only through the stem, which the simple fallback cannot do.
    assert names(search(user=anonymous, query="cooperatives"))["acteurs"] == [
        "Coopérative des Jardiniers"]
    assert names(search(user=anonymous, query="jardinier urbain"))["acteurs"] == [
        "Coopérative des Jardiniers"]


@on_postgresql
def test_name_matches_rank_above_description_matches(territory_a, anonymous):
    Actor.objects.create(territory=territory_a, name="Atelier", is_published=True,
                         description="On y parle de compost.")
    Actor.objects.create(territory=territory_a, name="Compost Collectif", is_published=True)
    assert names(search(user=anonymous, query="compost"))["acteurs"] == [
        "Compost Collectif", "Atelier"]


# Accents, case and themes, on every database ------------------------------------------

@pytest.mark.parametrize("query", ["metropole", "Métropole", "MÉTROPOLE", "métropole aix",
                                   "METROPOLE  AIX"])
def test_accents_and_case_do_not_matter(territory_a, anonymous, query):
    Actor.objects.create(territory=territory_a, name="Métropole Aix-Marseille-Provence",
                         is_published=True)
    Actor.objects.create(territory=territory_a, name="Cœur de Ville", is_published=True,
                         description="Commerces À CÔTÉ de la gare.")
    assert names(search(user=anonymous, query=query))["acteurs"] == [
        "Métropole Aix-Marseille-Provence"]


def test_ligatures_and_accents_in_descriptions_are_found(territory_a, anonymous):
    Actor.objects.create(territory=territory_a, name="Cœur de Ville", is_published=True,
                         description="Commerces À CÔTÉ de la gare.")
    assert names(search(user=anonymous, query="coeur"))["acteurs"] == ["Cœur de Ville"]
    assert names(search(user=anonymous, query="a cote"))["acteurs"] == ["Cœur de Ville"]


def test_actors_are_found_by_the_names_of_their_themes(client, territory_a, anonymous):
    food = Actor.objects.create(territory=territory_a, name="Les Paniers du Vallon",
                                is_published=True, description="Paniers de légumes.")
    food.themes.set(Theme.objects.filter(slug__in=["alimentation-durable", "mobilite-douce"]))
    Actor.objects.create(territory=territory_a, name="Atelier Vélo", is_published=True)
    assert names(search(user=anonymous, query="alimentation"))["acteurs"] == [
        "Les Paniers du Vallon"]
    # One result per actor, however many of its themes match.
    assert names(search(user=anonymous, query="durable douce"))["acteurs"] == [
        "Les Paniers du Vallon"]
    assert "Les Paniers du Vallon" in client.get(reverse("search"),
                                                 {"q": "ALIMENTATION"}).text


def test_a_name_match_ranks_above_a_theme_match(territory_a, anonymous):
    themed = Actor.objects.create(territory=territory_a, name="Le Grenier", is_published=True)
    themed.themes.set(Theme.objects.filter(slug="alimentation-durable"))
    Actor.objects.create(territory=territory_a, name="Alimentation Solidaire",
                         is_published=True)
    assert names(search(user=anonymous, query="alimentation"))["acteurs"] == [
        "Alimentation Solidaire", "Le Grenier"]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="fonction SQLite de l'application")
def test_sqlite_connections_know_unaccent():
    with connection.cursor() as cursor:
        cursor.execute("SELECT unaccent(%s), unaccent(NULL)", ["Œuvre à Évry"])
        assert cursor.fetchone() == ("OEuvre a Evry", None)


def test_sqlite_ranks_name_then_theme_then_description(territory_a, anonymous):
    Actor.objects.create(territory=territory_a, name="Zèbre", is_published=True,
                         description="Une épicerie pour l'alimentation de tous.")
    themed = Actor.objects.create(territory=territory_a, name="Yaourterie", is_published=True)
    themed.themes.set(Theme.objects.filter(slug="alimentation-durable"))
    Actor.objects.create(territory=territory_a, name="Xénia Alimentation", is_published=True)
    assert found(anonymous, "alimentation", "acteurs") == [
        "Xénia Alimentation", "Yaourterie", "Zèbre"]


def test_no_result_page_suggests_what_to_try(client, territory_a):
    text = page_text(client.get(reverse("search"), {"q": "zzzz yyyy"}))
    assert "Aucun résultat pour « zzzz yyyy »." in text
    assert "moins de mots" in text
    assert "accents et majuscules ne comptent pas" in text
    assert f'href="{reverse("territories:list")}"' in text
