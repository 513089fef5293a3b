"""Calls: the label call of the migration, the public pages and API, the admin."""

import importlib
from datetime import timedelta

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from funding.models import Call, Criterion, Funder
from tests.funding.factories import CallFactory, CriterionFactory, DossierFactory
from tests.helpers import as_role, page_text

pytestmark = pytest.mark.django_db

LABEL_SLUG = "territoire-french-impact"
FOLLOW_UP_SLUG = "suivi-annuel-territoire-french-impact"
PRESS_KIT_CRITERIA = [
    "Dynamique territoriale multi-acteurs",
    "Trois défis environnementaux et sociaux",
    "Plan stratégique pluriannuel",
    "Territoires d'action et de coopération prioritaire",
    "Mobilisation des entreprises engagées",
]


@pytest.fixture
def label_migration():
    return importlib.import_module("funding.migrations.0004_label_call")


@pytest.fixture
def closed_call(funder):
    now = timezone.now()
    return CallFactory(funder=funder, title="Appel clos de 2025",
                       opens_at=now - timedelta(days=400), deadline=now - timedelta(days=30))


@pytest.fixture
def future_call(funder):
    now = timezone.now()
    return CallFactory(funder=funder, title="Appel pas encore ouvert",
                       opens_at=now + timedelta(days=10), deadline=now + timedelta(days=90))


# The label call of the migration --------------------------------------------------------

def test_the_migration_opens_the_label_call_with_the_five_criteria_of_the_press_kit():
    call = Call.objects.select_related("funder").get(slug=LABEL_SLUG)
    assert call.kind == Call.Kind.LABEL
    assert (call.funder.slug, call.funder.name, call.funder.kind) == (
        "le-french-impact", "Le French Impact", Funder.Kind.NETWORK)
    criteria = list(call.criteria.order_by("position"))
    assert [criterion.label for criterion in criteria] == PRESS_KIT_CRITERIA
    assert {criterion.weight for criterion in criteria} == {1}
    assert "entreprises engagées" in criteria[4].description
    now = timezone.now()
    # Open when the migration ran, for about six months: a label call usable in the demo.
    assert call.opens_at <= now
    assert now + timedelta(days=150) < call.deadline < now + timedelta(days=200)


def test_running_the_migration_again_changes_nothing_and_recreates_a_deleted_call(
        label_migration):
    call = Call.objects.get(slug=LABEL_SLUG)
    call.deadline = timezone.now() + timedelta(days=10)
    call.save()
    label_migration.create_label_call(apps, None)
    assert Call.objects.filter(slug=LABEL_SLUG).count() == 1
    assert Criterion.objects.filter(call__slug=LABEL_SLUG).count() == 5
    call.refresh_from_db()
    assert call.deadline < timezone.now() + timedelta(days=11)  # staff's dates are kept

    call.delete()
    label_migration.create_label_call(apps, None)
    assert Criterion.objects.filter(call__slug=LABEL_SLUG).count() == 5
    assert Funder.objects.filter(slug="le-french-impact").count() == 1


def test_unapplying_the_migration_keeps_a_call_that_received_dossiers(label_migration,
                                                                       territory_a):
    call = Call.objects.get(slug=LABEL_SLUG)
    DossierFactory(call=call, cluster=territory_a.clusters.get())
    label_migration.remove_label_call(apps, None)
    assert Call.objects.filter(slug=LABEL_SLUG).exists()


# Public pages ---------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["anonymous", "member_b", "reviewer"])
def test_everyone_lists_open_and_closed_calls_but_not_those_not_yet_open(
        client, cast, role, closed_call, future_call):
    as_role(client, cast, role)
    response = client.get(reverse("funding:call_list"))
    assert response.status_code == 200
    text = page_text(response)
    assert "Territoire French Impact" in text and "Appel clos de 2025" in text
    assert "Appel pas encore ouvert" not in text
    assert [call.slug for call in response.context["open_calls"]] == [LABEL_SLUG]
    assert [call.slug for call in response.context["page"]] == [closed_call.slug]


def test_staff_also_see_the_calls_to_come(client, staff, future_call):
    client.force_login(staff)
    response = client.get(reverse("funding:call_list"))
    assert future_call in response.context["open_calls"]
    assert client.get(future_call.get_absolute_url()).status_code == 200


def test_calls_are_filtered_by_kind(client, closed_call):
    response = client.get(reverse("funding:call_list"), {"kind": "label"})
    assert [call.slug for call in response.context["open_calls"]] == [LABEL_SLUG]
    assert not list(response.context["page"])
    response = client.get(reverse("funding:call_list"), {"kind": "financement"})
    assert response.context["open_calls"] == []
    assert list(response.context["page"]) == [closed_call]
    # An unknown kind is ignored rather than an error page.
    response = client.get(reverse("funding:call_list"), {"kind": "n'importe quoi"})
    assert response.status_code == 200 and len(response.context["open_calls"]) == 1


def test_the_call_list_takes_a_fixed_number_of_queries(client, funder,
                                                       django_assert_max_num_queries):
    url = reverse("funding:call_list")
    with django_assert_max_num_queries(4):
        client.get(url)
    now = timezone.now()
    for number in range(30):
        call = CallFactory(funder=funder, deadline=now + timedelta(days=number - 15 or 1))
        CriterionFactory.create_batch(2, call=call)
    with django_assert_max_num_queries(4):
        response = client.get(url)
    assert len(response.context["open_calls"]) == 16  # the label call and 15 others
    assert response.context["page"].paginator.count == 15


def test_the_closed_calls_have_an_empty_state(client):
    assert "Aucun appel clos." in page_text(client.get(reverse("funding:call_list")))


def test_the_call_page_shows_its_grid_and_dates_in_french(client):
    call = Call.objects.get(slug=LABEL_SLUG)
    call.deadline = call.deadline.replace(month=6, day=30, hour=21, minute=59)
    call.save()
    response = client.get(call.get_absolute_url())
    text = page_text(response)
    for label in PRESS_KIT_CRITERIA:
        assert label in text
    assert "30 juin" in text and "23:59" in text
    assert "Connectez-vous" in text


def test_a_call_not_yet_open_or_unknown_is_not_found(client, member_a, future_call):
    client.force_login(member_a)
    assert client.get(future_call.get_absolute_url()).status_code == 404
    assert client.get(reverse("funding:call_detail", args=["inconnu"])).status_code == 404


def test_the_call_page_offers_each_person_what_they_may_do(client, facilitator, member_a,
                                                           member_b, territory_a):
    call = Call.objects.get(slug=LABEL_SLUG)
    cluster = territory_a.clusters.get()
    start = reverse("funding:dossier_create", args=[cluster.pk]) + f"?appel={call.slug}"
    client.force_login(facilitator)
    assert start in client.get(call.get_absolute_url()).content.decode().replace("&amp;", "&")
    client.force_login(member_a)
    text = page_text(client.get(call.get_absolute_url()))
    assert "un·e animateur·rice du collectif peut le créer" in text
    dossier = DossierFactory(call=call, cluster=cluster)
    response = client.get(call.get_absolute_url())
    assert dossier.get_absolute_url() in response.content.decode()
    client.force_login(member_b)
    assert "Vos clusters" not in page_text(client.get(call.get_absolute_url()))


# Admin ----------------------------------------------------------------------------------

def test_staff_write_calls_and_their_grid_in_the_admin(client, staff, funder):
    client.force_login(staff)
    assert client.get(reverse("admin:funding_call_changelist")).status_code == 200
    label = Call.objects.get(slug=LABEL_SLUG)
    change = client.get(reverse("admin:funding_call_change", args=[label.pk]))
    assert "Mobilisation des entreprises engagées" in page_text(change)
    response = client.post(reverse("admin:funding_call_add"), {
        "funder": funder.pk, "kind": "financement", "title": "Fonds d'amorçage",
        "slug": "fonds-amorcage", "description": "", "eligibility": "",
        "opens_at_0": "01/01/2026", "opens_at_1": "00:00",
        "deadline_0": "30/06/2026", "deadline_1": "23:59", "max_amount": "30000",
        "criteria-TOTAL_FORMS": "2", "criteria-INITIAL_FORMS": "0",
        "criteria-MIN_NUM_FORMS": "0", "criteria-MAX_NUM_FORMS": "1000",
        "criteria-0-position": "0", "criteria-0-label": "Impact social",
        "criteria-0-description": "", "criteria-0-weight": "2", "criteria-0-max_score": "5",
        "criteria-1-position": "1", "criteria-1-label": "Modèle économique",
        "criteria-1-description": "", "criteria-1-weight": "1", "criteria-1-max_score": "5",
    })
    assert response.status_code == 302, page_text(response)
    call = Call.objects.get(slug="fonds-amorcage")
    assert list(call.criteria.values_list("label", "weight")) == [("Impact social", 2),
                                                                  ("Modèle économique", 1)]


def test_a_deadline_before_the_opening_is_refused_in_the_admin(client, staff, funder):
    client.force_login(staff)
    response = client.post(reverse("admin:funding_call_add"), {
        "funder": funder.pk, "kind": "financement", "title": "À l'envers",
        "slug": "a-l-envers", "opens_at_0": "01/07/2026", "opens_at_1": "00:00",
        "deadline_0": "30/06/2026", "deadline_1": "23:59",
        "criteria-TOTAL_FORMS": "0", "criteria-INITIAL_FORMS": "0",
        "criteria-MIN_NUM_FORMS": "0", "criteria-MAX_NUM_FORMS": "1000",
    })
    assert response.status_code == 200
    assert not Call.objects.filter(slug="a-l-envers").exists()


@pytest.mark.parametrize("role", ["facilitator", "member_a", "reviewer"])
def test_only_staff_reach_the_calls_admin(client, cast, role):
    client.force_login(cast[role])
    response = client.get(reverse("admin:funding_call_changelist"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


# API ------------------------------------------------------------------------------------

def test_the_api_lists_calls_with_their_grid_for_anyone(client, closed_call, future_call):
    response = client.get(reverse("api:call-list"))
    assert response.status_code == 200
    results = response.json()["results"]
    # The permanent call of the label's annual follow-up too, with its grid.
    assert [item["slug"] for item in results] == [FOLLOW_UP_SLUG, LABEL_SLUG, closed_call.slug]
    assert results[0]["kind"] == "suivi_annuel" and len(results[0]["criteria"]) == 4
    label = results[1]
    assert label["funder"] == "le-french-impact" and label["kind"] == "label"
    assert [item["label"] for item in label["criteria"]] == PRESS_KIT_CRITERIA
    detail = client.get(reverse("api:call-detail", args=[LABEL_SLUG]))
    assert detail.json()["criteria"][0]["weight"] == 1
    assert client.get(reverse("api:call-detail", args=[future_call.slug])).status_code == 404


def test_the_api_filters_calls(client, closed_call):
    url = reverse("api:call-list")
    assert [item["slug"] for item in client.get(url, {"is_open": "true"}).json()["results"]] \
        == [FOLLOW_UP_SLUG, LABEL_SLUG]
    assert [item["slug"] for item in client.get(url, {"is_open": "false"}).json()["results"]] \
        == [closed_call.slug]
    assert [item["slug"] for item in client.get(url, {"kind": "financement"}).json()[
        "results"]] == [closed_call.slug]
    bad = client.get(url, {"kind": "autre"})
    assert bad.status_code == 400 and bad.json()["code"] == "invalid"


def test_calls_are_read_only_in_the_api(client, staff):
    client.force_login(staff)
    assert client.post(reverse("api:call-list"), {"title": "x"}).status_code == 405
    assert client.delete(reverse("api:call-detail", args=[LABEL_SLUG])).status_code == 405


def test_the_call_api_takes_a_fixed_number_of_queries(client, funder,
                                                      django_assert_max_num_queries):
    for _number in range(20):
        CriterionFactory.create_batch(3, call=CallFactory(funder=funder))
    with django_assert_max_num_queries(3):
        response = client.get(reverse("api:call-list"))
    assert response.json()["count"] == 22  # with the label call and the follow-up
