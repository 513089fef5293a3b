"""The territory's page reads the territory once, whoever reads it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", ["anonymous", "member_a", "staff"])
def test_the_territory_page_reads_the_territory_once(client, cast, territory_a, role):
    territory_a.is_published = True
    territory_a.save()
    if role != "anonymous":
        client.force_login(cast[role])
    client.get(territory_a.get_absolute_url())
    with CaptureQueriesContext(connection) as queries:
        response = client.get(territory_a.get_absolute_url())
    assert response.status_code == 200
    assert territory_a.name in response.text
    reads = [query["sql"] for query in queries.captured_queries
             if query["sql"].startswith('SELECT "territories_territory"."id"')
             and f"\"territories_territory\".\"slug\" = '{territory_a.slug}'" in query["sql"]]
    assert len(reads) == 1
    assert sum('FROM "territories_epci"' in query["sql"]
               for query in queries.captured_queries) == 1
