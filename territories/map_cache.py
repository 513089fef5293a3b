# ruff: noqa: S608 -- only the table names below are pasted into SQL.
"""A territory's map views, computed once per state of its items (PostgreSQL).

Clustering a view of a territory's map groups every item in the view: the whole
territory, its first view, reads every actor and place. Items change seldom and views
repeat (every visitor first asks for the whole territory), so a view's features are
kept in the cache under what they depend on: the territory, the *state* of its items,
what the person sees (drafts or not), the language (the types' labels are translated)
and the view asked (box, zoom, layers, type). A view never seen before is drawn from the
territory's map kept in memory under the same state (`territories.map_index`): its items
read once, so that a new view neither groups its points again nor reads its names.

The state is `MapVersion.version`, counted by the database: statement triggers on the
actors' and places' tables add one for each territory a statement touched. `save()`,
`update()`, `bulk_create()`, the CSV imports and deletions all count, and no Python path
can be forgotten. A change makes every cached view of the territory unreachable at once;
they expire on their own. The version is read before the view is computed: a change
committed meanwhile gives a newer version, so a view computed from older rows is never
kept under the newer one.

On SQLite, the embedded default, there are no triggers: every view is computed from
the table, as before (a documented fallback, like the search's).
"""

import hashlib

from django.core.cache import cache
from django.db import connection
from django.db.models import OuterRef, Subquery
from django.utils.translation import get_language

# No model is imported at the top: migration 0015 imports this module for its triggers,
# and a migration must not load the models of today.

CACHE_SECONDS = 24 * 3600
TABLES = ("territories_actor", "territories_place")


def with_map_version(territories):
    """The territories with their `map_version`, read with them (None: not counted)."""
    from territories.models import MapVersion

    version = MapVersion.objects.filter(territory=OuterRef("pk")).values("version")[:1]
    return territories.annotate(map_version=Subquery(version))


def _key(kind, territory, version, what):
    digest = hashlib.sha256(repr(what).encode()).hexdigest()[:32]
    return f"{kind}:{territory.pk}:{version}:{digest}"


def map_view(territory, *, everything, view, filters, compute, index=None):
    """Return `compute(index)` (the features of a view and their total), from the cache
    when this view of the territory's current items was computed already.

    `territory` comes from `with_map_version`. `everything`: whether the person sees the
    drafts too (the territory's editors, staff). `filters`: the view's
    `map_layers.TerritoryFilters`. `index()` reads the items into a
    `map_index.MapIndex`: `compute` is given a function that returns the one this process
    keeps for the same items, or None where their state is not counted.
    """
    from territories.map_index import kept_map_index

    if connection.vendor != "postgresql":
        return compute(None)
    # Made with the territory (territories.signals; migration 0015 for the older ones).
    version = territory.map_version
    if version is None:
        return compute(None)
    # What the person sees of the items, then what the view asks. The language too: a
    # point's `kind_label` is translated.
    items = (bool(everything), *filters)
    kept_index = None if index is None else (lambda: kept_map_index(
        # The slug too: the items' links are made of it.
        (territory.pk, territory.slug, version, items), index))
    asked = (view.bbox, view.given, view.zoom, get_language(), *items)
    key = _key("territory-map", territory, version, asked)
    found = cache.get(key)
    if found is None:
        found = compute(kept_index)
        cache.set(key, found, CACHE_SECONDS)
    return found


def count_changes(sender, instance, created, raw=False, **kwargs):
    """Give a new territory its count of map changes (a post_save receiver)."""
    from territories.models import MapVersion

    if created and not raw:
        MapVersion.objects.get_or_create(territory=instance)


def _function_sql():
    return """
        CREATE OR REPLACE FUNCTION territories_map_version_bump() RETURNS trigger AS $$
        BEGIN
            IF TG_OP = 'UPDATE' THEN
                UPDATE territories_mapversion SET version = version + 1 WHERE territory_id IN
                    (SELECT territory_id FROM changed UNION SELECT territory_id FROM before);
            ELSE
                UPDATE territories_mapversion SET version = version + 1 WHERE territory_id IN
                    (SELECT territory_id FROM changed);
            END IF;
            RETURN NULL;
        END
        $$ LANGUAGE plpgsql"""


def triggers_sql():
    """The statements that make the database count the changes (migration 0015)."""
    statements = [_function_sql()]
    for table in TABLES:
        for event, transition in (("INSERT", "NEW TABLE AS changed"),
                                  ("DELETE", "OLD TABLE AS changed"),
                                  ("UPDATE", "OLD TABLE AS before NEW TABLE AS changed")):
            statements.append(
                f"CREATE TRIGGER {table}_map_version_{event.lower()} AFTER {event} ON {table} "
                f"REFERENCING {transition} FOR EACH STATEMENT "
                "EXECUTE FUNCTION territories_map_version_bump()")
    return statements


def drop_triggers_sql():
    statements = [f"DROP TRIGGER IF EXISTS {table}_map_version_{event} ON {table}"
                  for table in TABLES for event in ("insert", "delete", "update")]
    return [*statements, "DROP FUNCTION IF EXISTS territories_map_version_bump()"]
