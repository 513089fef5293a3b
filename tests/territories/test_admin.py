"""Staff manage every territory's map in the admin; nobody else reaches it."""

import pytest
from django.urls import reverse

from territories.models import Actor, LocalPolicy, Place, Resource, Territory, Theme
from tests.helpers import as_role, page_text

pytestmark = pytest.mark.django_db

MODELS = ["actor", "place", "resource", "localpolicy", "territory", "theme", "actorimport"]


@pytest.fixture
def items(territory_a, geography):
    food = Theme.objects.get(slug="alimentation-durable")
    actors = []
    for number in range(12):
        actor = Actor.objects.create(territory=territory_a, name=f"Acteur {number}",
                                     commune_id="13055", is_published=number % 2 == 0)
        actor.themes.add(food)
        actors.append(actor)
    for number in range(6):
        Place.objects.create(territory=territory_a, name=f"Lieu {number}", commune_id="13055",
                             operator=actors[number])
        Resource.objects.create(territory=territory_a, name=f"Ressource {number}",
                                kind=Resource.Kind.TRAINING, provider=actors[number])
        LocalPolicy.objects.create(territory=territory_a, name=f"Politique {number}",
                                   level=LocalPolicy.Level.EPCI)
    return actors


@pytest.mark.parametrize("model", MODELS)
def test_staff_list_search_and_open_every_kind(client, staff, items,
                                               django_assert_max_num_queries, model):
    client.force_login(staff)
    with django_assert_max_num_queries(15):
        response = client.get(reverse(f"admin:territories_{model}_changelist"))
    assert response.status_code == 200
    assert client.get(reverse(f"admin:territories_{model}_changelist"),
                      {"q": "3"}).status_code == 200
    if model != "actorimport":  # imports are made on the territory's pages
        assert client.get(reverse(f"admin:territories_{model}_add")).status_code == 200


def test_staff_find_actors_by_commune_and_filter_by_theme(client, staff, items):
    client.force_login(staff)
    url = reverse("admin:territories_actor_changelist")
    assert client.get(url, {"q": "Marseille"}).context["cl"].result_count == 12
    assert client.get(url, {"themes__slug__exact": "alimentation-durable",
                            "is_published__exact": "1"}).context["cl"].result_count == 6
    change = client.get(reverse("admin:territories_actor_change", args=[items[0].pk]))
    assert change.status_code == 200
    assert "Acteur 0" in page_text(change)


def test_admin_pickers_are_autocompletes(client, staff, items):
    client.force_login(staff)
    response = client.get(reverse("admin:autocomplete"), {
        "app_label": "territories", "model_name": "place", "field_name": "operator",
        "term": "Acteur 1"})
    assert {result["text"] for result in response.json()["results"]} == {
        "Acteur 1", "Acteur 10", "Acteur 11"}
    form = client.get(reverse("admin:territories_place_add")).text
    assert "admin-autocomplete" in form
    assert 'name="commune"' in form and "Marseille (13)" not in form  # no 35,000-row select


def test_staff_publish_in_bulk(client, staff, items):
    client.force_login(staff)
    drafts = Actor.objects.filter(is_published=False)
    response = client.post(reverse("admin:territories_actor_changelist"), {
        "action": "publish", "_selected_action": [actor.pk for actor in drafts]}, follow=True)
    assert "6 éléments publiés." in page_text(response)
    assert not Actor.objects.filter(is_published=False).exists()


def test_staff_edit_a_territory_with_its_key_figures(client, staff, territory_a):
    client.force_login(staff)
    response = client.get(reverse("admin:territories_territory_change", args=[territory_a.pk]))
    assert response.status_code == 200
    assert "key_figures-TOTAL_FORMS" in response.text
    assert Territory.objects.count() == 1


@pytest.mark.parametrize("role", ["anonymous", "facilitator", "member_a", "member_b",
                                  "reviewer"])
def test_only_staff_reach_the_map_admin(client, cast, items, role):
    as_role(client, cast, role)
    for model in MODELS:
        response = client.get(reverse(f"admin:territories_{model}_changelist"))
        assert response.status_code == 302
        assert response.url.startswith(reverse("admin:login"))
