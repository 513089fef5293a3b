# ruff: noqa: S608 -- only identifiers from the migrations, checked by Document.
"""The stored search documents of PostgreSQL: a `tsvector` column kept by triggers.

On PostgreSQL a searchable model (an actor, a place; a project or a funding source in
the apps above) has a `search_document` column: its name (weight A), the names of its
themes (B) and its description (C), unaccented and stemmed in French, with a GIN index.
The database keeps it current, not Python:

* a BEFORE INSERT OR UPDATE trigger on the row computes it, so `save()`, `update()`,
  `bulk_create()` and the bulk imports (CSV of actors) all keep it current;
* AFTER triggers on the themes' link table and on a theme's renaming recompute the rows
  they touch.

The search (`territories/search.py`) reads the column and ranks with it instead of
computing a vector per row. Actors and places also have a GIN index on the name part of
their document, `ts_filter(search_document, '{a}')` (territories 0013), with which a broad
search finds the name matches it ranks first. On SQLite the column stays empty and the
search keeps its documented fallback (every word, accents and case aside, in the name,
a theme or the description). Each app creates its own documents in its migration with
`documents_operation()` (territories 0011, projects 0003, funding 0011).
"""

import re
from dataclasses import dataclass

from django.contrib.postgres.search import SearchVectorField

IDENTIFIER = re.compile(r"[a-z_]*")


def search_document_field():
    return SearchVectorField(null=True, editable=False)


@dataclass(frozen=True)
class Document:
    """What a table's document is made of."""

    table: str  # "territories_actor"
    name: str  # the column weighted A
    text: str = ""  # the column weighted C, if any
    themes_table: str = ""  # the link table to territories_theme, if any
    themes_column: str = ""  # its column pointing at the row

    def __post_init__(self):
        # Identifiers written by the migrations, never by a person: checked all the same,
        # since they are pasted into SQL.
        for name in (self.table, self.name, self.text, self.themes_table, self.themes_column):
            if not IDENTIFIER.fullmatch(name):
                raise ValueError(f"Not an SQL identifier: {name!r}")


def _vector(expression, weight):
    return (f"setweight(to_tsvector('french', unaccent(coalesce({expression}, ''))), "
            f"'{weight}')")


def document_sql(document):
    """Return the SQL that creates the column's triggers, its GIN index, and fills it."""
    d = document
    parts = [_vector(f"NEW.{d.name}", "A")]
    if d.themes_table:
        parts.append(_vector(
            f"(SELECT string_agg(theme.name, ' ') FROM territories_theme theme "
            f"JOIN {d.themes_table} link ON link.theme_id = theme.slug "
            f"WHERE link.{d.themes_column} = NEW.id)", "B"))
    if d.text:
        parts.append(_vector(f"NEW.{d.text}", "C"))
    sql = [f"""
        CREATE OR REPLACE FUNCTION {d.table}_document() RETURNS trigger AS $$
        BEGIN
            NEW.search_document := {' || '.join(parts)};
            RETURN NEW;
        END $$ LANGUAGE plpgsql""",
           f"""CREATE TRIGGER {d.table}_document BEFORE INSERT OR UPDATE ON {d.table}
        FOR EACH ROW EXECUTE FUNCTION {d.table}_document()""",
           f"CREATE INDEX {d.table}_document ON {d.table} USING gin (search_document)"]
    if d.themes_table:
        # Touching the row (id = id) runs its BEFORE trigger, which reads its themes anew.
        sql += [f"""
        CREATE OR REPLACE FUNCTION {d.themes_table}_touch() RETURNS trigger AS $$
        BEGIN
            IF TG_TABLE_NAME = 'territories_theme' THEN
                UPDATE {d.table} SET id = id WHERE id IN (
                    SELECT {d.themes_column} FROM {d.themes_table} WHERE theme_id = NEW.slug);
            ELSIF TG_OP = 'DELETE' THEN
                UPDATE {d.table} SET id = id WHERE id = OLD.{d.themes_column};
            ELSE
                UPDATE {d.table} SET id = id WHERE id = NEW.{d.themes_column};
            END IF;
            RETURN NULL;
        END $$ LANGUAGE plpgsql""",
                f"""CREATE TRIGGER {d.themes_table}_touch AFTER INSERT OR DELETE OR UPDATE
        ON {d.themes_table} FOR EACH ROW EXECUTE FUNCTION {d.themes_table}_touch()""",
                f"""CREATE TRIGGER {d.themes_table}_theme_renamed AFTER UPDATE OF name
        ON territories_theme FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name)
        EXECUTE FUNCTION {d.themes_table}_touch()"""]
    sql.append(f"UPDATE {d.table} SET id = id")
    return sql


def drop_sql(document):
    d = document
    sql = [f"DROP TRIGGER IF EXISTS {d.table}_document ON {d.table}",
           f"DROP FUNCTION IF EXISTS {d.table}_document()",
           f"DROP INDEX IF EXISTS {d.table}_document"]
    if d.themes_table:
        sql = [f"DROP TRIGGER IF EXISTS {d.themes_table}_touch ON {d.themes_table}",
               f"DROP TRIGGER IF EXISTS {d.themes_table}_theme_renamed ON territories_theme",
               f"DROP FUNCTION IF EXISTS {d.themes_table}_touch()", *sql]
    return sql


def name_index_sql(document):
    """Return the SQL of the GIN index of the document's name alone (its weight A), which
    lets a broad search find the rows whose name matches without reading every match."""
    d = document
    return [f"CREATE INDEX IF NOT EXISTS {d.table}_document_name ON {d.table} "
            f"USING gin (ts_filter(search_document, '{{a}}'))"]


def drop_name_index_sql(document):
    return [f"DROP INDEX IF EXISTS {document.table}_document_name"]


def documents_operation(*documents, make=document_sql, drop=drop_sql):
    """Return the migration operation that creates the documents, on PostgreSQL only."""
    from django.db import migrations

    def forward(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for document in documents:
                for statement in make(document):
                    schema_editor.execute(statement)

    def backward(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for document in documents:
                for statement in drop(document):
                    schema_editor.execute(statement)

    return migrations.RunPython(forward, backward)

