from django.db import migrations

from territories.search_documents import (
    Document,
    documents_operation,
    drop_name_index_sql,
    name_index_sql,
)


class Migration(migrations.Migration):
    """PostgreSQL only: a GIN index on the name part of the actors' and places' search
    documents, so that a broad search ranks the rows whose name matches first."""

    dependencies = [
        ("territories", "0012_list_indexes_and_search_documents"),
    ]

    operations = [
        documents_operation(
            Document(table="territories_actor", name="name"),
            Document(table="territories_place", name="name"),
            make=name_index_sql, drop=drop_name_index_sql,
        ),
    ]
