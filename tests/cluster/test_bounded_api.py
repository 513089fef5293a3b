"""The collectives' API nests their first people and actors only, and links to the rest."""

import pytest
from django.urls import reverse

from cluster.models import CollectiveActor
from cluster.selectors import NESTED_LIMIT
from territories.models import Actor
from tests.cluster.factories import CollectiveFactory, MembershipFactory
from tests.helpers import as_role
from tests.territories.factories import TerritoryFactory

pytestmark = pytest.mark.django_db


def crowded(collective, people, actors):
    for _person in range(people):
        MembershipFactory(collective=collective)
    territory = TerritoryFactory()
    links = [CollectiveActor(collective=collective, family=CollectiveActor.Family.values[0],
                             actor=actor)
             for actor in Actor.objects.bulk_create(
                 Actor(territory=territory, name=f"Acteur {number:03}")
                 for number in range(actors))]
    CollectiveActor.objects.bulk_create(links)


def test_a_collective_nests_its_first_people_and_actors_and_links_to_all(client, staff):
    collective = CollectiveFactory()
    crowded(collective, NESTED_LIMIT + 5, NESTED_LIMIT + 30)
    client.force_login(staff)
    item = client.get(reverse("api:collective-detail", args=[collective.pk])).json()
    assert len(item["members"]) == NESTED_LIMIT and item["member_count"] == NESTED_LIMIT + 5
    assert len(item["actors"]) == NESTED_LIMIT and item["actor_count"] == NESTED_LIMIT + 30
    assert [actor["name"] for actor in item["actors"]][:2] == ["Acteur 000", "Acteur 001"]
    page = client.get(item["actors_url"], {"page": 2, "page_size": 25}).json()
    assert page["count"] == NESTED_LIMIT + 30
    assert [actor["name"] for actor in page["results"]] == [
        f"Acteur {number:03}" for number in range(25, NESTED_LIMIT + 30)]
    people = client.get(item["members_url"]).json()
    assert people["count"] == NESTED_LIMIT + 5 and len(people["results"]) == NESTED_LIMIT + 5


@pytest.mark.parametrize("role", ["member_a", "member_b", "anonymous"])
@pytest.mark.parametrize("name", ["members", "actors"])
def test_the_nested_pages_follow_the_collectives_access(client, cast, collective_a,
                                                         collective_b, role, name):
    response = as_role(client, cast, role).get(
        reverse(f"api:collective-{name}", args=[collective_a.pk]))
    assert response.status_code == {"member_a": 200, "member_b": 404, "anonymous": 401}[role]


def test_the_list_costs_the_same_queries_and_size_however_crowded(
        client, staff, django_assert_num_queries):
    client.force_login(staff)
    collectives = [CollectiveFactory() for _number in range(3)]
    for collective in collectives:
        crowded(collective, 2, 3)
    url = reverse("api:collective-list")
    client.get(url)
    with django_assert_num_queries(6) as few:
        small = client.get(url)
    for collective in collectives:
        crowded(collective, 30, 60)
    with django_assert_num_queries(len(few.captured_queries)):
        big = client.get(url)
    assert all(len(item["actors"]) == NESTED_LIMIT and len(item["members"]) == NESTED_LIMIT
               for item in big.json()["results"])
    assert len(big.content) < 10 * len(small.content)
