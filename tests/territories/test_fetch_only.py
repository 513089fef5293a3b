"""The lists of the map's items read only what they send."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from territories.api.serializers import ChoiceLabelField
from territories.models import Actor, Label

pytestmark = pytest.mark.django_db


def test_the_actors_list_never_reads_a_territorys_perimeter(client, staff, territory_a):
    Actor.objects.create(territory=territory_a, name="Acteur du territoire")
    client.force_login(staff)
    with CaptureQueriesContext(connection) as queries:
        data = client.get(reverse("api:actor-list")).json()
    assert data["results"][0]["territory"] == territory_a.slug
    read = " ".join(query["sql"] for query in queries.captured_queries)
    assert '"territories_actor"."description"' in read
    for column in ('"perimeter_codes"', '"transitions"', '"summary"'):
        assert column not in read, column


def test_a_choice_label_is_translated_once_per_field(monkeypatch):
    field = ChoiceLabelField(choices=Label.Status.choices)
    calls = []
    labels = {key: label for key, label in Label.Status.choices}
    monkeypatch.setattr(field, "choices", [(key, Spy(label, calls)) for key, label in
                                           labels.items()])
    with translation.override("en"):
        assert [field.to_representation(key) for key in list(labels) * 3] == [
            str(labels[key]) for key in list(labels) * 3]
    assert len(calls) == len(labels)


class Spy:
    def __init__(self, label, calls):
        self.label, self.calls = label, calls

    def __str__(self):
        self.calls.append(self.label)
        return str(self.label)
