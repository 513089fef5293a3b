"""The national back office lists who published a territory or took it back to draft, and
when: the last twenty changes, read from the territories' history in constant queries."""

import importlib

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from territories.models import Territory
from territories.services import territory_set_published
from tests.cluster.factories import UserFactory
from tests.helpers import page_text
from tests.territories.factories import TerritoryFactory

pytestmark = pytest.mark.django_db

migration = importlib.import_module("territories.migrations.0011_territory_history")


def _publish(client, territory, published):
    client.post(reverse("national_territory_publication", args=[territory.slug]),
                {"published": "1" if published else "0"})


def test_a_publication_and_its_withdrawal_are_listed_with_author_and_date(client, staff):
    drome = TerritoryFactory(name="Vallée de la Drôme", is_published=False)
    client.force_login(staff)
    _publish(client, drome, True)
    _publish(client, drome, False)
    drome.refresh_from_db()
    drome.summary = "Une présentation"  # an edit that is no publication
    drome.save()
    TerritoryFactory(name="Pays de Bray", is_published=True)  # created so: no change
    response = client.get(reverse("national_territory_list"))
    withdrawn, published = response.context["history"]
    assert (withdrawn.changes[0].old, withdrawn.changes[0].new) == ("publié", "brouillon")
    assert (published.changes[0].old, published.changes[0].new) == ("brouillon", "publié")
    assert withdrawn.date > published.date
    assert {withdrawn.author, published.author} == {staff.get_full_name()}
    text = page_text(response)
    assert "Historique des publications" in text
    assert "Vallée de la Drôme : brouillon → publié" in text
    assert "Pays de Bray :" not in text


def test_the_service_records_who_published(staff):
    territory = TerritoryFactory(is_published=False)
    territory_set_published(territory=territory, published=True, by=staff)
    assert territory.history.latest().history_user == staff


def test_a_nameless_author_is_shown_by_e_mail_to_staff(client, staff):
    nameless = UserFactory(email="sans.nom@exemple.fr", first_name="", last_name="",
                           is_staff=True)
    territory_set_published(territory=TerritoryFactory(is_published=False), published=True,
                            by=nameless)
    client.force_login(staff)
    assert "sans.nom@exemple.fr" in page_text(client.get(reverse("national_territory_list")))


def test_the_list_is_bounded_and_costs_the_same_queries_whatever_its_history(client, staff):
    territories = [TerritoryFactory(is_published=False) for _number in range(3)]
    client.force_login(staff)
    counts = []
    for rounds in (1, 5):
        for _round in range(rounds):
            for territory in territories:
                territory.refresh_from_db()
                territory_set_published(territory=territory,
                                        published=not territory.is_published, by=staff)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("national_territory_list"))
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    assert len(response.context["history"]) == 18
    for territory in territories:  # 21 changes: the oldest is left out
        territory_set_published(territory=territory, published=True, by=staff)
    assert len(client.get(reverse("national_territory_list")).context["history"]) == 20


def test_the_migration_gives_existing_territories_their_creation_record(staff):
    territory = TerritoryFactory(is_published=False)
    territory.history.all().delete()
    migration.record_existing_territories(apps, None)
    record = territory.history.get()
    assert (record.history_type, record.history_date, record.name) == (
        "+", territory.created_at, territory.name)
    territory_set_published(territory=territory, published=True, by=staff)
    assert Territory.history.filter(id=territory.pk).count() == 2
    from territories.selectors import publication_changes
    assert [change.id for change in publication_changes()] == [territory.pk]
