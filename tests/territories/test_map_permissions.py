"""Who reads and who changes the step-1 map, for every role, on pages and the API."""

import pytest
from django.urls import reverse

from territories.models import Actor, Commune
from tests.cluster.factories import UserFactory
from tests.helpers import as_role
from tests.territories.factories import CommuneFactory

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "facilitator", "member_a", "member_b", "reviewer", "staff"]


@pytest.fixture
def actors(territory_a, territory_b, geography):
    commune = Commune.objects.get(code="13055")
    return {
        "published_a": Actor.objects.create(territory=territory_a, name="Publié A",
                                            is_published=True, commune=commune,
                                            latitude=43.3, longitude=5.4),
        "draft_a": Actor.objects.create(territory=territory_a, name="Brouillon A",
                                        latitude=43.2, longitude=5.3),
        "published_b": Actor.objects.create(territory=territory_b, name="Publié B",
                                            is_published=True),
    }


# Reading -------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("role", "seen"),
    [
        ("anonymous", {"Publié A"}),
        ("reviewer", {"Publié A"}),
        ("member_b", {"Publié A"}),
        ("facilitator", {"Publié A", "Brouillon A"}),
        ("member_a", {"Publié A", "Brouillon A"}),
        ("staff", {"Publié A", "Brouillon A"}),
    ],
)
def test_list_page_map_and_api_show_drafts_only_to_editors(client, cast, actors, role, seen):
    as_role(client, cast, role)
    page = client.get(reverse("territories:actor_list", args=["aix-marseille-provence"]))
    assert {actor.name for actor in page.context["page"].object_list} == seen
    api = client.get(reverse("api:actor-list"), {"territory": "aix-marseille-provence"})
    assert {actor["name"] for actor in api.json()["results"]} == seen
    geojson = client.get(reverse("api:territory-map", args=["aix-marseille-provence"]))
    assert {f["properties"]["name"] for f in geojson.json()["features"]} == seen
    draft = client.get(reverse("territories:actor_detail",
                               args=["aix-marseille-provence", actors["draft_a"].pk]))
    assert draft.status_code == (200 if "Brouillon A" in seen else 404)


@pytest.mark.parametrize(
    ("role", "status"),
    [("anonymous", 404), ("facilitator", 404), ("reviewer", 404), ("member_b", 200),
     ("staff", 200)],
)
def test_a_draft_territory_is_hidden_from_everybody_but_its_editors(client, cast, actors,
                                                                     role, status):
    as_role(client, cast, role)
    assert client.get(reverse("territories:detail", args=["lyon-metropole"])).status_code == \
        status
    assert client.get(reverse("territories:actor_list", args=["lyon-metropole"])).status_code \
        == status
    api = client.get(reverse("api:actor-detail", args=[actors["published_b"].pk]))
    assert api.status_code == status
    if status == 404:
        assert api.json() == {"detail": "Non trouvé.", "code": "not_found"}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("token", [None, "collective_a", "collective_b", "funder"])
def test_a_territorys_items_follow_the_rule_of_visible_items(
        cast, actors, territory_a, territory_b, collective_a, collective_b, role, token):
    """The maps decide once per territory what `visible_items` decides per row: the same
    rows, for every role, a published and a draft territory, and staff narrowed by a token."""
    from types import SimpleNamespace

    from django.contrib.auth.models import AnonymousUser
    from django.http import Http404

    from territories.permissions import (
        sees_every_item,
        territory_access,
        territory_items,
        visible_items,
    )

    Actor.objects.create(territory=territory_b, name="Brouillon B")
    user = AnonymousUser() if role == "anonymous" else cast[role]
    if token and role != "anonymous":
        collective = {"collective_a": collective_a, "collective_b": collective_b}.get(token)
        user.token_scope = SimpleNamespace(
            limit="funder" if token == "funder" else "collective",
            collective_id=collective.pk if collective else None, funder_id=None)
    for territory in (territory_a, territory_b):
        try:
            access = territory_access(user, territory.slug)
        except Http404:
            continue
        expected = set(visible_items(user, Actor.objects.filter(territory=territory)))
        assert set(territory_items(access, Actor.objects.all())) == expected
        everything = sees_every_item(access)  # as the map's view passes it
        assert set(territory_items(access, Actor.objects.all(), everything=everything)) == \
            expected


# Changing ------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("role", "allowed"),
    [("anonymous", False), ("facilitator", True), ("member_a", True), ("member_b", False),
     ("reviewer", False), ("staff", True)],
)
def test_only_editors_create_change_and_delete_on_pages(client, cast, actors, role, allowed):
    as_role(client, cast, role)
    slug, actor = "aix-marseille-provence", actors["published_a"]
    urls = [
        reverse("territories:actor_create", args=[slug]),
        reverse("territories:actor_update", args=[slug, actor.pk]),
        reverse("territories:actor_delete", args=[slug, actor.pk]),
        reverse("territories:actor_import", args=[slug]),
    ]
    for url in urls:
        response = client.get(url)
        if role == "anonymous":
            assert response.status_code == 302 and "/compte/connexion/" in response.url
        else:
            assert response.status_code == (200 if allowed else 403), url
    response = client.post(reverse("territories:actor_update", args=[slug, actor.pk]),
                           {"name": "Renommé", "kind": "association"})
    actor.refresh_from_db()
    assert (actor.name == "Renommé") is allowed
    response = client.post(reverse("territories:actor_delete", args=[slug, actor.pk]))
    assert Actor.objects.filter(pk=actor.pk).exists() is not allowed


@pytest.mark.parametrize(
    ("role", "status"),
    [("anonymous", 401), ("facilitator", 201), ("member_b", 403), ("reviewer", 403),
     ("staff", 201)],
)
def test_only_editors_create_through_the_api(client, cast, territory_a, role, status):
    as_role(client, cast, role)
    response = client.post(reverse("api:actor-list"), {
        "territory": "aix-marseille-provence", "name": "Nouvel acteur", "kind": "association",
        "siret": "732 829 320 00074",
    }, content_type="application/json")
    assert response.status_code == status, response.json()
    assert Actor.objects.filter(name="Nouvel acteur").exists() is (status == 201)
    if status == 201:
        assert response.json()["siret"] == "73282932000074"
    else:
        assert set(response.json()) == {"detail", "code"}


@pytest.mark.parametrize("role", ["member_b", "reviewer"])
def test_others_cannot_change_or_delete_through_the_api(client, cast, actors, role):
    as_role(client, cast, role)
    url = reverse("api:actor-detail", args=[actors["published_a"].pk])
    assert client.patch(url, {"name": "Piraté"}, content_type="application/json") \
        .status_code == 403
    assert client.delete(url).status_code == 403
    actors["published_a"].refresh_from_db()
    assert actors["published_a"].name == "Publié A"


# Bad input -----------------------------------------------------------------------------

def test_page_form_errors_are_french_and_write_nothing(client, facilitator, territory_a):
    client.force_login(facilitator)
    url = reverse("territories:actor_create", args=["aix-marseille-provence"])
    response = client.post(url, {"name": "", "kind": "association", "siret": "123",
                                 "commune": "99999", "latitude": "43.3"})
    assert response.status_code == 400
    text = response.content.decode()
    assert "Ce champ est obligatoire." in text
    assert "exactement 14 chiffres" in text
    assert "Commune inconnue" in text
    assert not Actor.objects.exists()


def test_api_bad_input_gets_field_errors_in_french(client, facilitator, actors):
    client.force_login(facilitator)
    response = client.post(reverse("api:actor-list"), {
        "territory": "aix-marseille-provence", "name": "Doublon", "siret": "",
        "commune": "00000", "latitude": "95",
    }, content_type="application/json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors["commune"] == ["Commune inconnue : code INSEE 00000."]
    assert "latitude" in errors
    Actor.objects.filter(pk=actors["published_a"].pk).update(siret="73282932000074")
    twin = client.post(reverse("api:actor-list"), {
        "territory": "aix-marseille-provence", "name": "Jumeau", "siret": "73282932000074",
    }, content_type="application/json")
    assert twin.json()["errors"] == {"siret": ["Un acteur de ce territoire a déjà ce SIRET."]}


def test_create_page_saves_and_an_arrondissement_means_its_commune(client, facilitator,
                                                                   territory_a, geography):
    client.force_login(facilitator)
    response = client.post(reverse("territories:actor_create", args=["aix-marseille-provence"]),
                           {"name": "Friche", "kind": "association",
                            "commune": "13203 Marseille 3e (13)", "siret": "732 829 320 00074"})
    actor = Actor.objects.get()
    assert response.status_code == 302 and response.url == actor.get_absolute_url()
    assert (actor.commune_id, actor.siret) == ("13055", "73282932000074")


# Query counts --------------------------------------------------------------------------

def test_lists_and_geojson_keep_a_constant_number_of_queries(client, territory_a,
                                                             django_assert_max_num_queries):
    staff = UserFactory(is_staff=True)
    client.force_login(staff)
    urls = [reverse("territories:actor_list", args=["aix-marseille-provence"]),
            reverse("api:actor-list") + "?territory=aix-marseille-provence",
            reverse("api:territory-map", args=["aix-marseille-provence"]),
            reverse("territories:map", args=["aix-marseille-provence"]),
            reverse("api:territory-list")]
    commune = CommuneFactory()
    for n in range(3):
        Actor.objects.create(territory=territory_a, name=f"A{n}", commune=commune,
                             latitude=43, longitude=5)
    baseline = {}
    for url in urls:
        with django_assert_max_num_queries(12) as captured:
            assert client.get(url).status_code == 200
        baseline[url] = len(captured.captured_queries)
    for n in range(60):
        Actor.objects.create(territory=territory_a, name=f"B{n}", commune=commune,
                             latitude=43, longitude=5)
    for url in urls:
        with django_assert_max_num_queries(baseline[url]):
            client.get(url)
