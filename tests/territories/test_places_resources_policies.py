import pytest
from django.urls import reverse

from territories.models import Actor, LocalPolicy, Place, Resource
from tests.helpers import page_text

pytestmark = pytest.mark.django_db

NEW_ITEMS = {
    "place": (Place, {"name": "La Friche Belle de Mai", "kind": "friche", "status": "ouvert"}),
    "resource": (Resource, {"name": "Fonds d'amorçage local", "kind": "financement"}),
    "policy": (LocalPolicy, {"name": "Plan ESS métropolitain", "level": "epci",
                             "url": "https://exemple.fr/plan-ess"}),
}


@pytest.mark.parametrize("kind", NEW_ITEMS)
def test_facilitator_adds_lists_and_deletes_each_kind(client, facilitator, territory_a, kind):
    model, data = NEW_ITEMS[kind]
    client.force_login(facilitator)
    slug = territory_a.slug
    response = client.post(reverse(f"territories:{kind}_create", args=[slug]),
                           {**data, "is_published": "on"})
    item = model.objects.get()
    assert response.status_code == 302 and response.url == item.get_absolute_url()
    assert data["name"] in page_text(client.get(reverse(f"territories:{kind}_list", args=[slug])))
    confirm = client.get(reverse(f"territories:{kind}_delete", args=[slug, item.pk]))
    assert "Cette action est définitive" in confirm.text
    client.post(reverse(f"territories:{kind}_delete", args=[slug, item.pk]))
    assert not model.objects.exists()


@pytest.mark.parametrize("kind", NEW_ITEMS)
def test_other_collectives_cannot_add(client, member_b, territory_a, kind):
    model, data = NEW_ITEMS[kind]
    client.force_login(member_b)
    response = client.post(reverse(f"territories:{kind}_create", args=[territory_a.slug]), data)
    assert response.status_code == 403
    assert not model.objects.exists()


def test_a_place_operator_must_be_an_actor_of_the_same_territory(client, facilitator,
                                                                 territory_a, territory_b):
    foreign = Actor.objects.create(territory=territory_b, name="Acteur lyonnais")
    client.force_login(facilitator)
    response = client.post(reverse("territories:place_create", args=[territory_a.slug]),
                           {**NEW_ITEMS["place"][1], "operator": foreign.pk})
    assert response.status_code == 400
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert not Place.objects.exists()


def test_lists_filter_by_kind_and_say_when_nothing_matches(client, staff, territory_a):
    Place.objects.create(territory=territory_a, name="Fablab", kind="fablab")
    Place.objects.create(territory=territory_a, name="Friche", kind="friche")
    client.force_login(staff)
    url = reverse("territories:place_list", args=[territory_a.slug])
    names = [place.name for place in client.get(url, {"kind": "fablab"}).context["page"]]
    assert names == ["Fablab"]
    assert "Aucun résultat pour ces filtres." in client.get(url, {"q": "zzz"}).text
