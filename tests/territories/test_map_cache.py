"""A territory's map views, kept per state of its items (PostgreSQL: territories.map_cache).

Whatever writes the items (save, update, bulk creation, deletion), the next view shows
it; what a person sees is never served to another who may see less."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from territories.models import Actor, MapVersion, Place

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif("connection.vendor != 'postgresql'",
                       reason="the database counts the changes on PostgreSQL only"),
]


def view(client, territory, **params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("api:territory-map", args=[territory.slug]), params)
    assert response.status_code == 200, response.content
    names = sorted(feature["properties"].get("name", "")
                   for feature in response.json()["features"])
    return names, response.json()["total"], len(queries.captured_queries)


def add(territory, name, model=Actor, **fields):
    return model.objects.create(territory=territory, name=name, is_published=True,
                                latitude=43.3, longitude=5.4, **fields)


def test_a_view_asked_again_is_read_from_the_cache(client, territory_a):
    add(territory_a, "Atelier")
    first = view(client, territory_a)
    again = view(client, territory_a)
    assert again[:2] == first[:2] == (["Atelier"], 1)
    assert again[2] < first[2]  # no clustering queries the second time
    other_box = view(client, territory_a, bbox="5,43,6,44", zoom=10)
    assert other_box[:2] == (["Atelier"], 1)


@pytest.mark.parametrize("change", ["save", "update", "bulk_create", "delete", "place"])
def test_every_kind_of_write_shows_in_the_next_view(client, territory_a, change):
    actor = add(territory_a, "Atelier")
    assert view(client, territory_a)[:2] == (["Atelier"], 1)
    if change == "save":
        actor.name = "Atelier vélo"
        actor.save()
        expected = (["Atelier vélo"], 1)
    elif change == "update":
        Actor.objects.filter(pk=actor.pk).update(is_published=False)
        expected = ([], 0)
    elif change == "bulk_create":
        Actor.objects.bulk_create([Actor(territory=territory_a, name="Brocante",
                                         is_published=True, latitude=43.31, longitude=5.41)])
        expected = (["Atelier", "Brocante"], 2)
    elif change == "delete":
        actor.delete()
        expected = ([], 0)
    else:
        add(territory_a, "Fablab", model=Place)
        expected = (["Atelier", "Fablab"], 2)
    assert view(client, territory_a)[:2] == expected


def test_another_territorys_change_keeps_this_territorys_views(territory_a, territory_b):
    add(territory_a, "Atelier")
    before = dict(MapVersion.objects.values_list("territory_id", "version"))
    add(territory_b, "Ailleurs")
    Actor.objects.filter(territory=territory_b).update(name="Ailleurs encore")
    after = dict(MapVersion.objects.values_list("territory_id", "version"))
    assert after == {territory_a.pk: before[territory_a.pk],
                     territory_b.pk: before[territory_b.pk] + 2}


def test_a_draft_seen_by_an_editor_is_never_served_to_the_public(
        client, staff, facilitator, territory_a):
    add(territory_a, "Atelier")
    Actor.objects.create(territory=territory_a, name="Brouillon", latitude=43.3,
                         longitude=5.4)
    client.force_login(facilitator)
    assert view(client, territory_a)[:2] == (["Atelier", "Brouillon"], 2)
    client.logout()
    assert view(client, territory_a)[:2] == (["Atelier"], 1)
    client.force_login(staff)
    assert view(client, territory_a)[:2] == (["Atelier", "Brouillon"], 2)


def test_a_territory_with_a_counted_map_is_deleted(client, territory_a):
    add(territory_a, "Atelier")
    view(client, territory_a)  # creates its count
    territory_a.clusters.all().delete()
    territory_a.delete()
    assert not MapVersion.objects.exists()


@pytest.mark.parametrize("limit, sees_drafts", [(None, True), ("collective_a", True),
                                                ("collective_b", False), ("funder", False)])
def test_a_staff_token_limited_elsewhere_sees_the_published_items_only(
        staff, territory_a, collective_a, collective_b, limit, sees_drafts):
    """The view's cache key says what the person sees: as visible_items decides it."""
    from types import SimpleNamespace

    from territories.permissions import access_to_territory, sees_every_item, visible_items

    if limit:
        collective = {"collective_a": collective_a, "collective_b": collective_b}.get(limit)
        staff.token_scope = SimpleNamespace(
            limit="funder" if limit == "funder" else "collective",
            collective_id=collective.pk if collective else None, funder_id=None)
    Actor.objects.create(territory=territory_a, name="Brouillon")
    assert sees_every_item(access_to_territory(staff, territory_a)) is sees_drafts
    assert visible_items(staff, Actor.objects.filter(territory=territory_a)).exists() \
        is sees_drafts


def test_a_view_is_kept_per_language(client, territory_a):
    add(territory_a, "Mairie", kind=Actor.Kind.LOCAL_AUTHORITY)
    url = reverse("api:territory-map", args=[territory_a.slug])

    def label(language):
        answer = client.get(url, HTTP_ACCEPT_LANGUAGE=language).json()
        return answer["features"][0]["properties"]["kind_label"]

    french = label("fr")
    assert french == "collectivité ou service public"
    assert label("en") not in (french, "")
    assert label("fr") == french
