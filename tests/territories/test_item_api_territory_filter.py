"""`?territory=<slug>` on the actors' and places' APIs: one territory's items, in name
order, page by page, as the person may see them."""

import pytest
from django.urls import reverse

from territories.highlight import highlight, search_pattern, spans
from territories.models import Actor, Place

pytestmark = pytest.mark.django_db


def names(response):
    assert response.status_code == 200, response.content
    return [row["name"] for row in response.json()["results"]]


@pytest.mark.parametrize("route, model", [("api:actor-list", Actor),
                                          ("api:place-list", Place)])
def test_one_territorys_items_in_name_order(client, territory_a, territory_b, route, model):
    for name in ("Zèbre", "Atelier", "Brocante"):
        model.objects.create(territory=territory_a, name=name, is_published=True)
    model.objects.create(territory=territory_a, name="Brouillon", is_published=False)
    model.objects.create(territory=territory_b, name="Ailleurs", is_published=True)
    url = reverse(route)
    assert names(client.get(url, {"territory": territory_a.slug})) == [
        "Atelier", "Brocante", "Zèbre"]
    # Territory B is a draft: the public sees none of its items, even published ones.
    assert names(client.get(url, {"territory": territory_b.slug})) == []
    assert names(client.get(url, {"territory": "inconnu"})) == []
    response = client.get(url, {"territory": territory_a.slug, "page_size": 2, "page": 2})
    assert names(response) == ["Zèbre"] and response.json()["count"] == 3


def test_editors_and_staff_see_their_territorys_drafts(client, staff, territory_a):
    Actor.objects.create(territory=territory_a, name="Brouillon", is_published=False)
    client.force_login(staff)
    assert names(client.get(reverse("api:actor-list"), {"territory": territory_a.slug})) == [
        "Brouillon"]


@pytest.mark.parametrize("value", ["\x00", "a" * 5000, "ter'ritoire", "%"])
def test_a_strange_territory_finds_nothing(client, territory_a, value):
    Actor.objects.create(territory=territory_a, name="Atelier", is_published=True)
    response = client.get(reverse("api:actor-list"), {"territory": value})
    assert response.status_code in (200, 400)
    if response.status_code == 200:
        assert response.json()["results"] == []


@pytest.mark.parametrize("text, marked", [
    ("Cœur de ville", ["Cœur"]),
    ("Atelier de réparation vélo", ["réparation", "vélo"]),
    ("Re\u0301paration d'e\u0301te\u0301", ["Re\u0301paration"]),  # decomposed accents
    ("ÉPICERIE SOLIDAIRE", ["ÉPICERIE"]),
])
def test_highlight_marks_the_words_in_the_original_text(text, marked):
    pattern = search_pattern(["coeur", "reparation", "velo", "epicerie"])
    assert [text[start:end] for start, end in spans(text, pattern)] == marked
    assert str(highlight(text, pattern)).count("<mark>") == len(marked)


@pytest.mark.parametrize("route, model", [("api:actor-list", Actor),
                                          ("api:place-list", Place)])
def test_a_list_row_is_the_json_of_the_item(client, territory_a, route, model):
    """The list reads `.values()` rows; each must be exactly what the item serializes to."""
    from decimal import Decimal

    from territories.models import Commune, Theme
    from tests.territories.factories import CommuneFactory

    # The official geography may be loaded already (another test's module fixture).
    commune = (Commune.objects.filter(code="13201").first()
               or CommuneFactory(code="13201", name="Marseille 1er"))
    item = model.objects.create(territory=territory_a, name="Atelier <b>vélo</b>",
                                is_published=True, commune=commune, description="Réparer",
                                latitude=Decimal("43.296482"), longitude=Decimal("5.36978"))
    model.objects.create(territory=territory_a, name="Bare", is_published=True)
    if model is Actor:
        for slug, name in (("aaa-velo", "Vélo"), ("zzz-alimentation", "Alimentation")):
            item.themes.add(Theme.objects.get_or_create(slug=slug, defaults={"name": name})[0])
    listed = client.get(reverse(route), {"territory": territory_a.slug}).json()["results"]
    detail = client.get(reverse(route.replace("-list", "-detail"), args=[item.pk])).json()
    assert listed[0] == detail
    assert detail["commune"] == "13201" and detail["territory"] == territory_a.slug
    if model is Actor:
        assert detail["themes"] == ["zzz-alimentation", "aaa-velo"]  # by name
    assert listed[1]["commune"] is None and listed[1]["latitude"] is None
