"""The demo's territories show their collectifs porteurs on the map; an empty map says why."""

import pytest
from django.urls import reverse

from cluster.demo import labelled_territories
from territories import demo
from territories.models import Actor, Commune, Place
from tests.helpers import as_role, page_text

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "facilitator", "member_a", "member_b", "reviewer", "staff"]


@pytest.fixture
def demo_territories(geography):
    labelled = labelled_territories()
    territories = demo.load_territories(labelled)
    demo.load_collective_actors(labelled, territories)
    return labelled, territories


def test_every_demo_actor_has_a_commune_of_its_territory_and_a_position(demo_territories):
    assert Actor.objects.count() == 153
    assert not Actor.objects.filter(commune=None).exists()
    assert not Actor.objects.filter(latitude=None).exists()
    for actor in Actor.objects.select_related("territory"):
        assert actor.territory.communes.filter(pk=actor.commune_id).exists()
    marseille = Actor.objects.filter(territory__slug="aix-marseille-provence")
    assert {actor.commune.name for actor in marseille} == {"Marseille"}
    # Spread around the town centre, a few hundred metres apart: no two markers overlap.
    positions = {(actor.latitude, actor.longitude) for actor in marseille}
    assert len(positions) == 4
    for latitude, longitude in positions:
        assert abs(latitude - demo.TOWN_CENTRES["13055"][0]) < 0.02
        assert abs(longitude - demo.TOWN_CENTRES["13055"][1]) < 0.02


def test_every_labelled_territory_has_a_demo_town_centre(demo_territories):
    _labelled, territories = demo_territories
    for territory in territories.values():
        biggest = territory.communes.order_by("-population", "code").first()
        assert biggest.code in demo.TOWN_CENTRES, territory.slug
    assert set(demo.TOWN_CENTRES) <= set(Commune.objects.values_list("code", flat=True))


def test_running_the_demo_again_changes_nothing_and_keeps_moved_actors(demo_territories):
    labelled, territories = demo_territories
    moved = Actor.objects.get(name="Mouves PACA")
    moved.latitude, moved.longitude = 43.53, 5.45  # moved to Aix by someone
    moved.save()
    before = {actor.pk: (actor.updated_at, actor.commune_id, actor.latitude, actor.longitude)
              for actor in Actor.objects.all()}
    assert demo.load_collective_actors(labelled, territories) == 153
    after = {actor.pk: (actor.updated_at, actor.commune_id, actor.latitude, actor.longitude)
             for actor in Actor.objects.all()}
    assert after == before


def test_demo_fills_in_the_location_of_actors_loaded_before(demo_territories):
    labelled, territories = demo_territories
    Actor.objects.update(commune=None, latitude=None, longitude=None)
    demo.load_collective_actors(labelled, territories)
    assert not Actor.objects.filter(latitude=None).exists()


@pytest.mark.parametrize("role", ROLES)
def test_the_demo_map_of_aix_marseille_shows_its_four_actors(client, cast, demo_territories,
                                                            role):
    as_role(client, cast, role)
    geojson = client.get(reverse("api:territory-map", args=["aix-marseille-provence"]))
    assert len(geojson.json()["features"]) == 4
    page = client.get(reverse("territories:map", args=["aix-marseille-provence"]))
    assert page.context["located_count"] == 4
    text = page_text(page)
    assert "4 éléments localisés sur la carte." in text
    assert "élément(s)" not in text
    assert "la carte est vide" not in text


def test_count_is_singular_for_one_item(client, territory_a):
    Actor.objects.create(territory=territory_a, name="Seul", is_published=True,
                         latitude=43.3, longitude=5.4)
    text = page_text(client.get(reverse("territories:map", args=[territory_a.slug])))
    assert "1 élément localisé sur la carte." in text
    assert 'data-count-other="2 éléments localisés sur la carte."' in text


@pytest.mark.parametrize(("role", "may_edit"), [
    ("anonymous", False), ("member_b", False), ("reviewer", False),
    ("facilitator", True), ("member_a", True), ("staff", True),
])
def test_an_empty_map_says_so_and_what_to_do(client, cast, territory_a, role, may_edit):
    Actor.objects.create(territory=territory_a, name="Sans coordonnées", is_published=True)
    Place.objects.create(territory=territory_a, name="Lieu sans adresse", is_published=True)
    as_role(client, cast, role)
    page = client.get(reverse("territories:map", args=[territory_a.slug]))
    text = page_text(page)
    assert "Aucun acteur ni lieu de ce territoire n'est localisé : la carte est vide." in text
    assert "n'ont pas encore de coordonnées" in text
    assert "Aucun élément localisé sur la carte." in text
    import_url = reverse("territories:actor_import", args=[territory_a.slug])
    create_url = reverse("territories:actor_create", args=[territory_a.slug])
    assert (f'href="{import_url}"' in text) is may_edit
    assert (f'href="{create_url}"' in text) is may_edit
    if not may_edit:
        assert "Les membres des collectifs du territoire peuvent les placer" in text


def test_map_page_keeps_a_constant_number_of_queries(client, territory_a,
                                                    django_assert_max_num_queries):
    for number in range(12):
        Actor.objects.create(territory=territory_a, name=f"Acteur {number}", is_published=True,
                             latitude=43.3, longitude=5.4)
    with django_assert_max_num_queries(8):
        client.get(reverse("territories:map", args=[territory_a.slug]))


def test_the_list_beside_the_map_shows_the_first_items_and_links_to_all(client, territory_a):
    from territories.views import LIST_BESIDE_MAP

    Actor.objects.bulk_create(
        Actor(territory=territory_a, name=f"Acteur {number:03d}", is_published=True,
              latitude=43.3, longitude=5.4) for number in range(LIST_BESIDE_MAP + 1))
    Actor.objects.create(territory=territory_a, name="Aaa brouillon", latitude=43.3,
                         longitude=5.4)
    Place.objects.create(territory=territory_a, name="Tiers-lieu <b>", is_published=True)
    page = client.get(reverse("territories:map", args=[territory_a.slug]))
    names = [actor["name"] for actor in page.context["actors"]]
    assert names == [f"Acteur {number:03d}" for number in range(LIST_BESIDE_MAP)]
    first = Actor.objects.get(name="Acteur 000")
    text = page.content.decode()
    assert f'<a href="{first.get_absolute_url()}">Acteur 000</a>' in text
    everything = reverse("territories:actor_list", args=[territory_a.slug])
    assert f'href="{everything}">Les {LIST_BESIDE_MAP} premiers par nom. Voir tous les ' \
           'acteurs</a>' in text
    # A single place: no link to the others, its name escaped.
    assert f'href="{reverse("territories:place_list", args=[territory_a.slug])}"' not in text
    assert "Tiers-lieu &lt;b&gt;" in text
    client.cookies["django_language"] = "en"
    english = client.get(reverse("territories:map", args=[territory_a.slug]))
    assert f"The first {LIST_BESIDE_MAP} by name. See all actors" in english.content.decode()
    client.cookies["django_language"] = "fr"
    Actor.objects.filter(name="Acteur 000").delete()  # exactly as many as the list shows
    text = client.get(reverse("territories:map", args=[territory_a.slug])).content.decode()
    assert "Voir tous les acteurs" not in text and "Acteur 100" in text
