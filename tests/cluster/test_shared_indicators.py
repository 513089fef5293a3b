"""National themes on défis, shared indicators adopted by objectives (same unit and
direction, or a clear refusal on the page, in the API and in the service), and themes in
use that nobody deletes."""

import importlib
from datetime import date

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db.models.deletion import ProtectedError
from django.urls import reverse

from cluster.models import Challenge, Objective, SharedIndicator
from cluster.services import objective_save
from projects.models import Project
from territories.models import Theme

pytestmark = pytest.mark.django_db

UNIT_REFUSAL = "se mesure en « ETP »"


@pytest.fixture
def challenge(cluster):
    return Challenge.objects.create(cluster=cluster, title="Emploi pour tous",
                                    kind="social")


@pytest.fixture
def jobs():
    return SharedIndicator.objects.get(slug="emplois-insertion")


def _objective_fields(**fields):
    return {"title": "Emplois d'insertion", "unit": "ETP", "baseline": 0, "target": 30,
            "direction": "increase", "target_date": date(2028, 12, 31), **fields}


def test_an_objective_adopts_an_indicator_in_its_unit(challenge, jobs):
    objective = objective_save(objective=Objective(challenge=challenge),
                               fields=_objective_fields(shared_indicator=jobs), version=None)
    assert objective.shared_indicator == jobs


@pytest.mark.parametrize("fields, message", [
    ({"unit": "emplois"}, UNIT_REFUSAL),
    ({"direction": "decrease", "baseline": 40}, "doit aller dans le même sens"),
])
def test_the_service_refuses_another_unit_or_direction(challenge, jobs, fields, message):
    with pytest.raises(ValidationError, match=message):
        objective_save(objective=Objective(challenge=challenge),
                       fields=_objective_fields(shared_indicator=jobs, **fields), version=None)
    assert not Objective.objects.exists()


def test_the_page_refuses_another_unit(client, facilitator, challenge, jobs):
    client.force_login(facilitator)
    response = client.post(reverse("objective_create", args=[challenge.cluster_id,
                                                             challenge.pk]),
                           {**_objective_fields(unit="emplois", target_date="2028-12-31"),
                            "shared_indicator": jobs.pk})
    assert response.status_code == 400
    assert UNIT_REFUSAL in response.content.decode().replace("&#x27;", "'")
    assert not Objective.objects.exists()


def test_the_api_refuses_another_unit_and_accepts_its_own(client, facilitator, challenge,
                                                           jobs):
    client.force_login(facilitator)
    body = {**_objective_fields(unit="emplois", target_date="2028-12-31"),
            "challenge": challenge.pk, "shared_indicator": "emplois-insertion"}
    response = client.post(reverse("api:objective-list"), body,
                           content_type="application/json")
    assert response.status_code == 400
    assert UNIT_REFUSAL in str(response.json())
    response = client.post(reverse("api:objective-list"), {**body, "unit": "ETP"},
                           content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["shared_indicator"] == "emplois-insertion"
    unknown = client.post(reverse("api:objective-list"), {**body, "shared_indicator": "x"},
                          content_type="application/json")
    assert unknown.status_code == 400


def test_a_defi_gets_national_themes_only(client, facilitator, cluster, challenge):
    client.force_login(facilitator)
    url = reverse("api:challenge-detail", args=[challenge.pk])
    response = client.patch(url, {"national_themes": ["inclusion-emploi", "bien-vieillir"]},
                            content_type="application/json")
    assert response.status_code == 200, response.content
    assert sorted(response.json()["national_themes"]) == ["bien-vieillir", "inclusion-emploi"]
    Theme.objects.create(slug="tiers-lieux-test", name="Tiers-lieux")
    refused = client.patch(url, {"national_themes": ["tiers-lieux-test"]},
                           content_type="application/json")
    assert refused.status_code == 400
    page = client.post(reverse("challenge_update", args=[cluster.pk, challenge.pk]),
                       {"title": "Emploi pour tous", "kind": "social",
                        "national_themes": ["mobilite-douce"]})
    assert page.status_code == 302
    assert list(challenge.national_themes.values_list("slug", flat=True)) == [
        "mobilite-douce"]


def test_the_migration_copies_a_national_theme(challenge):
    challenge.theme_id = "inclusion-emploi"
    challenge.save()
    module = importlib.import_module(
        "cluster.migrations.0011_national_themes_and_shared_indicators")
    module.copy_national_theme(apps, None)
    assert list(challenge.national_themes.values_list("slug", flat=True)) == [
        "inclusion-emploi"]


@pytest.mark.parametrize("use", ["challenge_theme", "national_theme", "project", "indicator"])
def test_a_theme_in_use_is_never_deleted(cluster, challenge, use):
    theme = Theme.objects.create(slug="theme-essai", name="Thème d'essai", is_national=True)
    if use == "challenge_theme":
        challenge.theme = theme
        challenge.save()
    elif use == "national_theme":
        challenge.national_themes.add(theme)
    elif use == "project":
        project = Project.objects.create(cluster=cluster, challenge=challenge, title="Essai",
                                         slug="essai", summary="…")
        project.themes.add(theme)
    else:
        SharedIndicator.objects.create(slug="essai", theme=theme, name="Essai", unit="t")
    with pytest.raises(ProtectedError, match="est utilisé"):
        theme.delete()
    with pytest.raises(ProtectedError):
        Theme.objects.filter(pk=theme.pk).delete()
    assert Theme.objects.filter(pk=theme.pk).exists()
    challenge.refresh_from_db()
    assert challenge.theme_id == ("theme-essai" if use == "challenge_theme" else None)


def test_the_admin_refuses_to_delete_a_theme_in_use(client, staff, challenge):
    challenge.national_themes.add("inclusion-emploi")
    client.force_login(staff)
    url = reverse("admin:territories_theme_delete", args=["inclusion-emploi"])
    page = client.get(url).content.decode().replace("&#x27;", "'")
    assert "Le thème « Inclusion par l'emploi » est utilisé" in page
    client.post(url, {"post": "yes"})
    bulk = client.post(reverse("admin:territories_theme_changelist"), {
        "action": "delete_selected", "_selected_action": ["inclusion-emploi"], "post": "yes"})
    assert bulk.status_code == 200
    assert Theme.objects.filter(pk="inclusion-emploi").exists()
    assert challenge.national_themes.filter(pk="inclusion-emploi").exists()


def test_an_unused_theme_is_deleted(client, staff):
    Theme.objects.create(slug="inutilise", name="Inutilisé")
    client.force_login(staff)
    client.post(reverse("admin:territories_theme_delete", args=["inutilise"]), {"post": "yes"})
    assert not Theme.objects.filter(pk="inutilise").exists()
