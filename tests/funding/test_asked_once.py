"""The dossier's page asks once who the person is towards the dossier."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from funding.services import conflict_declare, dossier_start_review
from tests.funding.reviewing import call_with_grid, submitted_dossier

pytestmark = pytest.mark.django_db


@pytest.fixture
def under_review(funder, cluster, reviewer):
    dossier = submitted_dossier(call_with_grid(funder), cluster, title="Dossier de Marseille")
    conflict_declare(dossier=dossier, reviewer=reviewer, has_conflict=False)
    dossier_start_review(dossier=dossier, by=reviewer)
    return dossier


@pytest.mark.parametrize("role", ["reviewer", "member_a", "staff"])
def test_the_dossier_page_checks_each_membership_once(client, cast, under_review, role,
                                                      django_assert_max_num_queries):
    client.force_login(cast[role])
    client.get(under_review.get_absolute_url())
    with CaptureQueriesContext(connection) as queries:
        assert client.get(under_review.get_absolute_url()).status_code == 200
    # At most 7 for the page, and the menu asks once whether a signed-in person runs a funder.
    assert len(queries.captured_queries) <= 8
    (row,) = [query["sql"] for query in queries.captured_queries
              if query["sql"].startswith('SELECT "funding_dossier"."id"')]
    for table in ("cluster_membership", "funding_fundermember",
                  "funding_conflictdeclaration"):
        assert row.count(f"\"{table}\"") == 1, table
    assert '"perimeter_codes"' not in row


def test_who_reads_the_dossier_is_unchanged(client, cast, under_review, funder, reviewer):
    from funding.models import ConflictDeclaration
    expected = {"reviewer": 200, "member_a": 200, "staff": 200, "member_b": 404,
                "facilitator": 200}
    for role, status in expected.items():
        client.force_login(cast[role])
        assert client.get(under_review.get_absolute_url()).status_code == status, role
    ConflictDeclaration.objects.filter(reviewer=reviewer).update(has_conflict=True)
    client.force_login(reviewer)
    assert client.get(under_review.get_absolute_url()).status_code == 404
    client.logout()
    assert client.get(under_review.get_absolute_url()).status_code == 302
