"""Broad searches: counts stop at a cap ("plus de 1 000"), and on PostgreSQL a bounded set
of the matches is ranked, name matches first. The cap is lowered to 3 here."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

import territories.search
import territories.views
from territories.models import Actor
from territories.search import count_label, search
from tests.helpers import page_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def cap(monkeypatch):
    monkeypatch.setattr(territories.search, "COUNT_CAP", 3)
    monkeypatch.setattr(territories.views, "COUNT_CAP", 3)
    return 3


def add(territory, count, **fields):
    for number in range(count):
        Actor.objects.create(territory=territory, is_published=True,
                             **{key: f"{value} {number}" for key, value in fields.items()})


def actors(results):
    return next(each for each in results if each.kind.key == "acteurs")


def test_counts_stop_at_the_cap_and_say_so(client, territory_a, anonymous, cap):
    add(territory_a, 5, name="Atelier", description="Un jardin partagé")
    found = actors(search(user=anonymous, query="jardin", kind="acteurs"))
    assert (found.count, found.capped, found.count_label) == (3, True, "plus de 3")
    assert len(found.hits) == 3 and found.page.paginator.num_pages == 1
    text = page_text(client.get(reverse("search"), {"q": "jardin", "type": "acteurs"}))
    assert "Plus de 3 résultats : seuls les premiers sont classés et affichés." in text
    assert 'border">plus de 3</span>' in text


def test_counts_under_the_cap_are_exact(client, territory_a, anonymous, cap):
    add(territory_a, 3, name="Atelier", description="Un jardin partagé")
    found = actors(search(user=anonymous, query="jardin", kind="acteurs"))
    assert (found.count, found.capped, found.count_label) == (3, False, "3")
    text = page_text(client.get(reverse("search"), {"q": "jardin"}))
    assert "Plus de" not in text and 'border">3</span>' in text


def test_count_labels_group_thousands():
    assert count_label(12) == "12"
    assert count_label(1000, capped=True).startswith("plus de 1")
    assert count_label(1000, capped=True).endswith("000")


def test_a_broad_search_runs_as_many_queries_as_a_narrow_one(client, territory_a, cap):
    add(territory_a, 2, name="Atelier", description="Un jardin partagé")
    with CaptureQueriesContext(connection) as narrow:
        client.get(reverse("search"), {"q": "jardin", "type": "acteurs"})
    add(territory_a, 6, name="Atelier", description="Un jardin partagé")
    with CaptureQueriesContext(connection) as broad:
        client.get(reverse("search"), {"q": "jardin", "type": "acteurs"})
    assert len(broad) == len(narrow)


@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="ensemble classé borné : PostgreSQL")
def test_a_broad_search_still_ranks_name_matches_first(territory_a, anonymous, cap):
    # Five description matches first, then two name matches: beyond the cap, the ranked
    # rows still include every name match (up to the cap), found by their own index.
    add(territory_a, 5, name="Atelier", description="On y parle de compost")
    add(territory_a, 2, name="Compost collectif")
    found = actors(search(user=anonymous, query="compost", kind="acteurs"))
    assert found.capped
    assert [hit.name for hit in found.hits] == ["Compost collectif 0", "Compost collectif 1",
                                                "Atelier 0"]
