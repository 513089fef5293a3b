"""The stored search documents: kept by PostgreSQL's triggers, whatever writes the rows."""

import pytest
from django.db import connection

from territories.models import Actor, Place, Theme
from territories.search import search
from tests.territories.factories import TerritoryFactory

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="Les documents stockés (tsvector, déclencheurs, index GIN) n'existent que sur "
           "PostgreSQL ; SQLite garde la recherche de repli, testée dans test_search.py.")


def found(user, query, kind="acteurs"):
    (results,) = [each for each in search(user=user, query=query, kind=kind)
                  if each.kind.key == kind]
    return [hit.name for hit in results.hits]


@pytest.fixture
def territory():
    return TerritoryFactory(is_published=True)


@on_postgresql
def test_a_bulk_import_writes_the_documents(territory, anonymous):
    Actor.objects.bulk_create([
        Actor(territory=territory, name="Atelier Vélo Solidaire", is_published=True,
              description="Réparation de bicyclettes"),
        Actor(territory=territory, name="Les Jardins", is_published=True)])
    assert Actor.objects.filter(search_document__isnull=True).count() == 0
    assert found(anonymous, "reparer velo") == ["Atelier Vélo Solidaire"]


@on_postgresql
def test_updates_themes_and_renamed_themes_keep_the_documents(territory, anonymous):
    actor = Actor.objects.create(territory=territory, name="Les Jardins", is_published=True)
    Actor.objects.filter(pk=actor.pk).update(description="Compost partagé")
    assert found(anonymous, "compost") == ["Les Jardins"]
    theme = Theme.objects.create(name="Permaculture urbaine", slug="permaculture-urbaine")
    actor.themes.add(theme)
    assert found(anonymous, "permaculture") == ["Les Jardins"]
    theme.name = "Agroécologie"
    theme.save()
    assert found(anonymous, "agroecologie") == ["Les Jardins"]
    assert found(anonymous, "permaculture") == []
    actor.themes.remove(theme)
    assert found(anonymous, "agroecologie") == []


@on_postgresql
def test_places_have_their_document_too(territory, anonymous):
    Place.objects.create(territory=territory, name="Tiers-lieu de la gare", is_published=True,
                         description="Fablab et café")
    assert found(anonymous, "fablab", kind="lieux") == ["Tiers-lieu de la gare"]


@on_postgresql
def test_the_search_reads_the_stored_document_through_its_index(territory, anonymous):
    from django.test.utils import CaptureQueriesContext
    with CaptureQueriesContext(connection) as queries:
        found(anonymous, "jardin")
    actors = [query["sql"] for query in queries.captured_queries
              if 'FROM "territories_actor"' in query["sql"] and "@@" in query["sql"]]
    assert actors and all("to_tsvector" not in sql for sql in actors)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="le repli de SQLite")
def test_sqlite_leaves_the_document_empty_and_searches_all_the_same(territory, anonymous):
    Actor.objects.create(territory=territory, name="Atelier Vélo", is_published=True)
    assert Actor.objects.get().search_document is None
    assert found(anonymous, "velo") == ["Atelier Vélo"]


@on_postgresql
def test_projects_and_funding_sources_have_their_document(anonymous):
    """The apps above register theirs in their own migrations (projects 0003, funding 0011)."""
    with connection.cursor() as cursor:
        for table in ("territories_actor", "territories_place", "projects_project",
                      "funding_fundingsource"):
            cursor.execute("SELECT count(*) FROM pg_trigger WHERE tgname = %s",
                           [f"{table}_document"])
            assert cursor.fetchone() == (1,), table
