"""The national back office: the national team (staff) publishes territories and reads who
stewards them, and the collectives with their facilitators; nobody else gets in."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cluster.models import Membership, Stewardship
from territories.models import Label, Territory
from tests.cluster.factories import CollectiveFactory, MembershipFactory
from tests.funding.factories import FunderMemberFactory
from tests.helpers import as_role, page_text
from tests.territories.factories import TerritoryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def roles(cast, anonymous, funder):
    admin = FunderMemberFactory(funder=funder, role="admin",
                                user__email="admin.financeur@exemple.fr").user
    return {**cast, "anonymous": anonymous, "funder_admin": admin}


PAGES = ["national_territory_list", "national_collective_list"]
EXPECTED = {"anonymous": 302, "member_a": 403, "member_b": 403, "facilitator": 403,
            "reviewer": 403, "funder_admin": 403, "staff": 200}


@pytest.mark.parametrize("role", EXPECTED)
@pytest.mark.parametrize("name", PAGES)
def test_the_national_pages_are_for_the_national_team(client, roles, role, name):
    assert as_role(client, roles, role).get(reverse(name)).status_code == EXPECTED[role]


@pytest.mark.parametrize("role", EXPECTED)
def test_only_the_national_team_publishes_from_the_back_office(client, roles, role):
    territory = TerritoryFactory(name="Vallée de la Drôme", is_published=False)
    url = reverse("national_territory_publication", args=[territory.slug])
    response = as_role(client, roles, role).post(url, {"published": "1"})
    assert response.status_code == (302 if role in ("anonymous", "staff") else 403)
    territory.refresh_from_db()
    assert territory.is_published == (role == "staff")


def test_the_staff_publishes_then_unpublishes_with_a_message(client, staff):
    territory = TerritoryFactory(name="Vallée de la Drôme", is_published=False)
    client.force_login(staff)
    url = reverse("national_territory_publication", args=[territory.slug])
    back = reverse("national_territory_list") + "?publication=brouillons"
    response = client.post(url, {"published": "1", "back": back}, follow=True)
    assert response.redirect_chain[-1][0] == back
    assert "Vallée de la Drôme est publié." in page_text(response)
    territory.refresh_from_db()
    assert territory.is_published
    # A second click on a stale page changes nothing and says why.
    text = page_text(client.post(url, {"published": "1"}, follow=True))
    assert "Ce territoire est déjà publié." in text
    client.post(url, {"published": "0"})
    territory.refresh_from_db()
    assert not territory.is_published


def test_the_way_back_stays_on_the_list(client, staff):
    territory = TerritoryFactory(name="Vallée de la Drôme")
    client.force_login(staff)
    response = client.post(reverse("national_territory_publication", args=[territory.slug]),
                           {"published": "1", "back": "https://ailleurs.exemple/"})
    assert response["Location"] == reverse("national_territory_list")


def test_the_territory_list_shows_publication_steward_and_label(client, staff, collective_a):
    territory = TerritoryFactory(name="Vallée de la Drôme", is_published=False)
    Stewardship.objects.create(territory=territory, collective=collective_a)
    Label.objects.create(territory=territory, status=Label.Status.LABELLED, wave=2)
    TerritoryFactory(name="Pays de Bray", is_published=True)
    client.force_login(staff)
    drafts = page_text(client.get(reverse("national_territory_list"),
                                  {"publication": "brouillons"}))
    assert "Vallée de la Drôme" in drafts and "Pays de Bray" not in drafts
    assert collective_a.name in drafts and "labellisé — vague 2" in drafts


def test_the_collective_list_shows_facilitators_and_territories(client, staff, facilitator,
                                                                collective_a, member_a):
    client.force_login(staff)
    text = page_text(client.get(reverse("national_collective_list")))
    assert collective_a.name in text and facilitator.email in text
    assert member_a.email not in text


def _grow(size):
    """Add `size` territories, each stewarded by a collective with two facilitators."""
    for number in range(size):
        collective = CollectiveFactory()
        for _person in range(2):
            MembershipFactory(collective=collective, role=Membership.Role.FACILITATOR)
        territory = TerritoryFactory(is_published=bool(number % 2))
        Stewardship.objects.create(territory=territory, collective=collective)
        Label.objects.create(territory=territory, wave=1)


@pytest.mark.parametrize("name", PAGES)
def test_the_lists_cost_the_same_queries_at_two_sizes(client, staff, name):
    client.force_login(staff)
    counts = []
    for size in (3, 25):
        _grow(size)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse(name)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    assert Territory.objects.count() >= 28


@pytest.mark.parametrize("role", ["facilitator", "reviewer", "funder_admin", "staff"])
def test_only_staff_see_the_way_in(client, roles, role):
    text = page_text(as_role(client, roles, role).get(reverse("home")))
    assert ("Gestion nationale" in text) == (role == "staff")
