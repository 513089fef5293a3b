"""The label's life cycle: its services, its filters in the API, its place on the pages."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from territories.errors import DomainError
from territories.labels import (
    label_apply,
    label_grant,
    label_reinstate,
    label_start_follow_up,
    label_suspend,
    label_withdraw,
)
from territories.models import Label
from tests.helpers import page_text
from tests.territories.factories import TerritoryFactory

pytestmark = pytest.mark.django_db


def test_a_candidate_is_labelled_followed_suspended_reinstated_and_withdrawn():
    territory = TerritoryFactory()
    assert label_apply(territory=territory).status == Label.Status.CANDIDATE
    label = label_grant(territory=territory, wave=2, labelled_on=date(2019, 12, 31),
                        call_slug="territoire-french-impact", call_title="Territoire FI")
    assert (label.status, label.wave, label.labelled_on) == ("labelled", 2, date(2019, 12, 31))
    assert label.is_active
    assert label_start_follow_up(territory=territory).status == Label.Status.FOLLOW_UP
    label = label_suspend(territory=territory, reason="  Aucun suivi depuis un an.  ")
    assert (label.status, label.reason, label.is_active) == (
        "suspended", "Aucun suivi depuis un an.", False)
    label = label_reinstate(territory=territory)
    assert (label.status, label.wave, label.labelled_on) == ("labelled", 2, date(2019, 12, 31))
    assert label_withdraw(territory=territory, reason="Collectif dissous.").status == "withdrawn"
    assert label.history.count() == 6  # every change leaves its audit row


@pytest.mark.parametrize("status", ["labelled", "annual_follow_up", "suspended"])
def test_a_label_decision_on_a_territory_already_labelled_is_refused_and_writes_nothing(status):
    territory = TerritoryFactory(name="Grand Poitiers")
    Label.objects.create(territory=territory, status=status, wave=1,
                         labelled_on=date(2019, 2, 25))
    with pytest.raises(DomainError) as refused:
        label_grant(territory=territory, wave=3)
    assert refused.value.code == "already_labelled" and refused.value.status == 409
    assert "Grand Poitiers est déjà labellisé (vague 1, le 25 février 2019)" in \
        refused.value.message
    label = Label.objects.get()
    assert (label.status, label.wave, label.labelled_on) == (status, 1, date(2019, 2, 25))


@pytest.mark.parametrize("wave", [0, -1, None, "2", 2.0, True])
def test_a_wave_must_be_a_whole_number_from_one(wave):
    territory = TerritoryFactory()
    with pytest.raises(DomainError, match="vague du label"):
        label_grant(territory=territory, wave=wave)
    assert not Label.objects.exists()


def test_a_label_cannot_date_from_tomorrow_and_defaults_to_today():
    territory = TerritoryFactory()
    with pytest.raises(DomainError, match="futur"):
        label_grant(territory=territory, wave=1, labelled_on=date(2999, 1, 1))
    with pytest.raises(DomainError, match="futur"):
        label_grant(territory=territory, wave=1, labelled_on="2019-02-25")
    assert not Label.objects.exists()
    assert label_grant(territory=territory, wave=1).labelled_on == timezone.localdate()


def test_changes_from_the_wrong_state_are_refused_with_a_french_message():
    territory = TerritoryFactory()
    with pytest.raises(DomainError, match="n'a pas de label"):
        label_suspend(territory=territory, reason="Motif")
    label_apply(territory=territory)
    with pytest.raises(DomainError, match="« candidat » : ce changement n'est pas possible"):
        label_start_follow_up(territory=territory)
    with pytest.raises(DomainError, match="Motivez"):
        label_withdraw(territory=territory, reason="   ")
    label_grant(territory=territory, wave=1)
    with pytest.raises(DomainError, match="déjà labellisé"):
        label_apply(territory=territory)
    assert Label.objects.get().status == Label.Status.LABELLED
    with pytest.raises(DomainError, match="« labellisé »"):
        label_reinstate(territory=territory)


# API -----------------------------------------------------------------------------------------

@pytest.fixture
def labelled():
    """Three published territories: one in wave 1, one in wave 2, one never labelled."""
    first = TerritoryFactory(name="Roubaix")
    second = TerritoryFactory(name="Grand Chambéry")
    TerritoryFactory(name="Sans label")
    label_grant(territory=first, wave=1, labelled_on=date(2019, 2, 25))
    label_grant(territory=second, wave=2, labelled_on=date(2019, 12, 31))
    return first, second


def test_the_api_gives_each_territorys_label_and_null_without_one(client, labelled):
    rows = {row["name"]: row for row in client.get(reverse("api:territory-list")).json()[
        "results"]}
    assert rows["Grand Chambéry"]["label"] == {
        "status": "labelled", "status_display": "labellisé", "wave": 2,
        "labelled_on": "2019-12-31"}
    assert rows["Sans label"]["label"] is None


def test_the_api_filters_territories_by_label_and_wave(client, labelled):
    def names(query):
        response = client.get(reverse("api:territory-list") + query)
        assert response.status_code == 200
        return sorted(row["name"] for row in response.json()["results"])

    assert names("?label=labelled&wave=2") == ["Grand Chambéry"]
    assert names("?label=labelled") == ["Grand Chambéry", "Roubaix"]
    assert names("?wave=1") == ["Roubaix"]
    assert names("?label=suspended") == []


def test_labelled_includes_the_annual_follow_up_and_label_status_is_exact(client, labelled):
    """`?label=labelled` is every territory holding the label; the exact state stays readable."""
    first, _second = labelled
    label_start_follow_up(territory=first)
    url = reverse("api:territory-list")

    def rows(query):
        response = client.get(url + query)
        assert response.status_code == 200
        return {row["name"]: row["label"]["status"] for row in response.json()["results"]}

    assert rows("?label=labelled") == {"Roubaix": "annual_follow_up",
                                       "Grand Chambéry": "labelled"}
    assert rows("?label=labelled&wave=1") == {"Roubaix": "annual_follow_up"}
    assert rows("?label=annual_follow_up") == {"Roubaix": "annual_follow_up"}
    assert rows("?label_status=labelled") == {"Grand Chambéry": "labelled"}
    assert rows("?label_status=annual_follow_up") == {"Roubaix": "annual_follow_up"}
    label_suspend(territory=first, reason="Aucun suivi depuis un an.")
    assert rows("?label=labelled") == {"Grand Chambéry": "labelled"}
    assert rows("?label_status=suspended") == {"Roubaix": "suspended"}


@pytest.mark.parametrize(("query", "field", "message"), [
    ("?label=labellise", "label", "État de label inconnu : « labellise »"),
    ("?label_status=suivi", "label_status", "État de label inconnu : « suivi »"),
    ("?wave=deux", "wave", "nombre entier"),
    ("?wave=2.5", "wave", "nombre entier"),
    ("?wave=0", "wave", "commencent à 1"),
    ("?wave=99999999999999999999", "wave", "1000"),
])
def test_bad_filter_values_get_a_400_in_french(client, labelled, query, field, message):
    response = client.get(reverse("api:territory-list") + query)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert message in body["errors"][field][0]


# Pages ---------------------------------------------------------------------------------------

def test_the_public_page_and_the_list_show_the_label_wave_and_date(client, labelled):
    first, second = labelled
    text = page_text(client.get(second.get_absolute_url()))
    assert "Label Territoire French Impact" in text
    assert "Labellisé · vague 2" in text and "labellisé en décembre 2019" in text
    text = page_text(client.get(reverse("territories:list")))
    assert "Labellisé · vague 1" in text and "février 2019" in text
    text = page_text(client.get(TerritoryFactory(name="Autre").get_absolute_url()))
    assert "Label Territoire French Impact" not in text


def test_staff_read_the_labels_in_the_admin_without_changing_them(client, staff, labelled):
    client.force_login(staff)
    text = page_text(client.get(reverse("admin:territories_label_changelist") + "?wave=2"))
    assert "Grand Chambéry" in text and "Roubaix" not in text
    assert client.get(reverse("admin:territories_label_add")).status_code == 403
