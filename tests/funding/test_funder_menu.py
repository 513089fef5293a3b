"""The main menu leads a funder's administrator (without staff rights) to the back office of
their funder: a "Gestion" link, for one small query per page and none for the anonymous."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.helpers import as_role, page_text

pytestmark = pytest.mark.django_db

SEES_IT = {"anonymous": False, "member_a": False, "facilitator": False, "reviewer": False,
           "funder_admin": True, "staff": True}


def _menu_link(response):
    return f'href="{reverse("funding:manage_call_list")}"' in response.content.decode()


@pytest.mark.parametrize("role", SEES_IT)
def test_the_menu_shows_the_back_office_to_a_funders_admin_and_staff(client, funder_roles,
                                                                     role):
    response = as_role(client, funder_roles, role).get(reverse("home"))
    assert response.status_code == 200
    assert _menu_link(response) == SEES_IT[role]


def test_the_back_office_leads_the_admin_to_their_funders_people(client, funder, funder_admin):
    client.force_login(funder_admin)
    response = client.get(reverse("funding:manage_call_list"))
    assert response.status_code == 200
    assert "Gestion" in page_text(response)
    assert reverse("funding:funder_people", args=[funder.slug]) in response.content.decode()


def _funder_queries(queries):
    """The menu's question: does the person administer a funder?"""
    return [query for query in queries
            if query["sql"].startswith('SELECT 1 AS "a" FROM "funding_fundermember"')]


def test_the_menu_costs_no_query_for_the_anonymous(client, django_assert_num_queries):
    client.get(reverse("home"))
    # 1 for the page and 5 for the network's figures (territories by wave, counts, map).
    with django_assert_num_queries(6) as queries:
        assert client.get(reverse("home")).status_code == 200
    assert not _funder_queries(queries.captured_queries)


@pytest.mark.parametrize("role", ["member_a", "funder_admin"])
def test_the_menu_costs_one_small_query_for_a_signed_in_person(client, funder_roles, role,
                                                              django_assert_num_queries):
    client.force_login(funder_roles[role])
    client.get(reverse("home"))
    with django_assert_num_queries(11) as queries:
        assert client.get(reverse("home")).status_code == 200
    assert len(_funder_queries(queries.captured_queries)) == 1


def test_staff_pay_nothing_for_it(client, staff):
    client.force_login(staff)
    client.get(reverse("home"))
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("home"))
    assert not _funder_queries(queries.captured_queries)
