"""A dossier's snapshot: one serialisation of the cluster with the schéma directeur, a fixed
number of queries, and snapshots frozen in the first format still read everywhere."""

import shutil
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from cluster.masterplan import Key, gather
from cluster.models import Challenge, Cluster, Measurement, Objective
from funding.documents import dossier_render_pdf
from funding.models import Call, Dossier, FundingPlan
from funding.services import conflict_declare, dossier_start_review
from funding.snapshot import SNAPSHOT_FORMAT, dossier_contents, snapshot_read
from tests.funding.factories import (
    BudgetLineFactory,
    ContributionFactory,
    DossierFactory,
    FundingPlanFactory,
    make_complete,
)
from tests.funding.reviewing import call_with_grid, submitted_dossier
from tests.funding.test_dossier_pdf import pdf_text
from tests.helpers import page_text

pytestmark = pytest.mark.django_db


def _loaded(dossier):
    """Return the dossier as the pages load it: with its call, funder, cluster and more."""
    return Dossier.objects.select_related(
        "call__funder", "cluster__collective", "cluster__territory").get(pk=dossier.pk)


def _without_figures(data):
    return {key: value for key, value in data.items() if key != "figures"}


# One serialisation -------------------------------------------------------------------------

def test_a_demo_dossier_says_what_the_schema_directeur_says_of_its_cluster(demo):
    cluster = Cluster.objects.get(territory__slug="lyon-metropole")
    plan = (FundingPlan.objects.filter(cluster=cluster, project__isnull=True).first()
            or FundingPlanFactory(cluster=cluster, first_year=2027, last_year=2028))
    BudgetLineFactory(plan=plan, amount=Decimal("30000.00"))
    ContributionFactory(plan=plan, amount=Decimal("12500.50"), status="accorde")
    dossier = (Dossier.objects.filter(cluster=cluster).first()
               or DossierFactory(call=Call.objects.get(slug="territoire-french-impact"),
                                 cluster=cluster))

    contents = dossier_contents(_loaded(dossier))
    sections = gather(cluster)

    assert contents["format"] == SNAPSHOT_FORMAT
    territory = _without_figures(sections[Key.VISION])
    assert {key: contents["territory"][key] for key in territory} == territory
    assert contents["territory"]["cooperation_territories"] == [
        other["name"] for other in sections[Key.COOPERATION]["territories"]]
    assert contents["challenges"] == sections[Key.CHALLENGES]["challenges"]
    assert len(contents["challenges"]) == 4  # Lyon Métropole was labelled with four
    governance = sections[Key.GOVERNANCE]
    assert contents["engagements"] == governance["engagements"]
    assert contents["collective"] == {
        "name": governance["collective"], "member_count": governance["member_count"],
        "facilitator_count": governance["facilitator_count"],
        "actors": governance["actors"]}
    assert contents["funding_plan"] == _without_figures(sections[Key.FUNDING])
    assert contents["funding_plan"]["plan"]["title"] == plan.title


def test_a_cluster_without_plan_freezes_no_funding_plan(territory_a):
    cluster = territory_a.clusters.get()
    make_complete(cluster)
    contents = dossier_contents(_loaded(DossierFactory(cluster=cluster)))
    assert contents["funding_plan"] is None
    assert contents["collective"]["actors"][0]["family_key"] in {"collectivite", "ess",
                                                                 "entreprise"}
    assert contents["territory"]["cooperation_territories"] == ["Vallée de l'Huveaune"]


@pytest.mark.parametrize("challenges", [1, 7])
def test_building_a_snapshot_runs_the_same_queries_whatever_the_defis(
        territory_a, django_assert_num_queries, challenges):
    cluster = territory_a.clusters.get()
    make_complete(cluster, challenges=challenges)
    for challenge in Challenge.objects.filter(cluster=cluster):
        for number in range(challenges):  # as many objectives, each measured twice
            objective = Objective.objects.create(
                challenge=challenge, title=f"Indicateur {number}", unit="tonnes", baseline=0,
                target=100, target_date=date(2029, 1, 1))
            for day in (date(2026, 1, 1), date(2026, 6, 1)):
                Measurement.objects.create(objective=objective, measured_on=day, value=40,
                                           source="Relevé")
    plan = FundingPlanFactory(cluster=cluster)
    BudgetLineFactory(plan=plan)
    ContributionFactory(plan=plan)
    dossier = _loaded(DossierFactory(cluster=cluster))
    with django_assert_num_queries(13):
        contents = dossier_contents(dossier)
    assert len(contents["challenges"]) == challenges


# Snapshots frozen in the first format ------------------------------------------------------

def _format_1(call):
    """A snapshot as format 1 froze it (before the dossier shared the schéma's providers)."""
    return {
        "version": 1,
        "frozen_at": "2027-02-01T10:30:00+01:00",
        "submitted_by": "Camille Martin",
        "dossier": {"id": 999, "title": "Dossier figé de Marseille",
                    "summary": "Une cantine pour chaque quartier.",
                    "strategic_plan": "Trois ans pour nourrir la ville.",
                    "requested_amount": "20000.00"},
        "call": {"title": call.title, "slug": call.slug, "kind": call.kind,
                 "kind_label": "Appel à projets", "funder": call.funder.name,
                 "opens_at": "2027-01-01T00:00:00+01:00",
                 "deadline": "2027-04-30T23:59:00+02:00", "max_amount": "50000.00",
                 "criteria": [{"label": "Coopération des acteurs", "description": "",
                               "weight": 2, "max_score": 5}]},
        "collective": {"name": "Collectif figé", "members_count": 4, "actors": [
            {"name": "Ville de Marseille", "family": "collectivite",
             "family_label": "collectivité", "kind_label": "commune"},
            {"name": "Les Paniers Solidaires", "family": "ess",
             "family_label": "structure de l'ESS", "kind_label": "association"}]},
        "territory": {"name": "Marseille figée", "kind_label": "Métropole",
                      "population": 873076, "communes_count": 1,
                      "departments": ["Bouches-du-Rhône (13)"],
                      "regions": ["Provence-Alpes-Côte d'Azur"],
                      "perimeter": "1 commune · Bouches-du-Rhône (13) · "
                                   "Provence-Alpes-Côte d'Azur",
                      "transitions": ["Énergétique"],
                      "cooperation_territories": ["Vallée de l'Huveaune"]},
        "challenges": [{"title": "Cultiver la ville figée", "kind_label": "Environnemental",
                        "theme": None, "summary": "Des jardins partout.", "objectives": [
                            {"title": "Surfaces cultivées", "unit": "hectares",
                             "direction_label": "à augmenter", "baseline": "10.00",
                             "target": "110.00", "target_date": "2029-01-01",
                             "latest_value": "56.00", "latest_on": "2027-01-15",
                             "progress": "46\u00a0%"}]}],
        "engagements": [{"company": "Boulangerie figée", "size_label": "PME",
                         "kind_label": "mécénat", "value": "1500.00",
                         "start_date": "2026-09-01"}],
        "funding_plan": {"title": "Plan figé", "first_year": 2027, "last_year": 2028,
                         "years": [{"year": 2027, "expenses": "30000.00",
                                    "contributions": "20000.00", "secured": "12000.00"},
                                   {"year": 2028, "expenses": "10000.00",
                                    "contributions": "0.00", "secured": "0.00"}],
                         "total_expenses": "40000.00", "total_contributions": "20000.00",
                         "total_secured": "12000.00"},
    }


@pytest.fixture
def frozen(funder, reviewer, territory_a):
    """A dossier under review whose stored snapshot is in the first format."""
    call = call_with_grid(funder, title="Fonds figé")
    dossier = submitted_dossier(call, territory_a.clusters.get(), title="Dossier figé")
    Dossier.objects.filter(pk=dossier.pk).update(snapshot=_format_1(call))
    dossier.refresh_from_db()
    conflict_declare(dossier=dossier, reviewer=reviewer, has_conflict=False)
    dossier_start_review(dossier=dossier, by=reviewer)
    dossier.refresh_from_db()
    return dossier


OLD_WORDS = ["Une cantine pour chaque quartier.", "Collectif figé", "Ville de Marseille",
             "Marseille figée", "1 commune · Bouches-du-Rhône (13)", "Cultiver la ville figée",
             "Surfaces cultivées", "46\u00a0%", "Boulangerie figée", "Plan figé",
             "Vallée de l'Huveaune"]


def test_reading_a_first_format_snapshot_gives_the_current_shape():
    old = _format_1(type("C", (), {"title": "Appel", "slug": "appel", "kind": "financement",
                                   "funder": type("F", (), {"name": "Fondation"})})())
    read = snapshot_read(old)
    assert read["format"] == SNAPSHOT_FORMAT and "version" in old  # the stored one is kept
    assert read["collective"]["member_count"] == 4
    assert read["collective"]["actors"][0]["family_key"] == "collectivite"
    objective = read["challenges"][0]["objectives"][0]
    assert objective["progress"] == "0.46" and objective["direction"] == "increase"
    assert read["engagements"][0]["size"] == "PME"
    plan = read["funding_plan"]
    assert plan["plan"]["title"] == "Plan figé"
    assert plan["years"][0] == {"year": 2027, "budget": "30000.00", "contributions": "20000.00",
                                "secured": "12000.00", "uncertain": "8000.00",
                                "gap": "10000.00"}
    assert (plan["budget_total"], plan["gap_total"], plan["uncertain_total"]) == (
        "40000.00", "20000.00", "8000.00")


def test_a_first_format_snapshot_shows_on_the_reviewers_page(client, frozen, reviewer):
    client.force_login(reviewer)
    response = client.get(reverse("funding:dossier_detail", args=[frozen.pk]))
    assert response.status_code == 200
    text = " ".join(page_text(response).split())
    text = text.replace("\u202f", " ")
    for words in [*OLD_WORDS, "20 000 €"]:
        assert " ".join(words.split()) in text, words


@pytest.mark.skipif(shutil.which("pdftotext") is None,
                    reason="pdftotext (poppler-utils) is needed to read the PDFs")
def test_a_first_format_snapshot_renders_to_pdf(frozen, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    text = pdf_text(dossier_render_pdf(dossier=frozen))
    for words in [*OLD_WORDS, "Dossier figé de Marseille", "par Camille Martin"]:
        assert " ".join(words.split()) in text.replace("\u00a0", " ").replace("\u202f", " "), \
            words


def test_a_first_format_snapshot_reads_in_the_current_shape_in_the_api(client, frozen,
                                                                      reviewer):
    client.force_login(reviewer)
    response = client.get(reverse("api:instruction-dossier-detail", args=[frozen.pk]))
    assert response.status_code == 200
    snapshot = response.json()["snapshot"]
    assert snapshot["format"] == SNAPSHOT_FORMAT
    assert snapshot["collective"]["name"] == "Collectif figé"
    assert snapshot["territory"]["commune_count"] == 1
    assert snapshot["challenges"][0]["objectives"][0]["progress"] == "0.46"
    assert snapshot["funding_plan"]["secured_total"] == "12000.00"
    assert Dossier.objects.get(pk=frozen.pk).snapshot["version"] == 1  # stored as frozen


def test_the_api_documents_the_snapshot_shape(client):
    schema = client.get(reverse("api:schema"), {"format": "json"}).json()
    snapshot = schema["components"]["schemas"]["InstructionDossierDetail"]["properties"][
        "snapshot"]
    assert snapshot["nullable"] is True
    assert {"format", "territory", "challenges", "engagements", "funding_plan"} <= set(
        snapshot["properties"])
    objective = snapshot["properties"]["challenges"]["items"]["properties"]["objectives"]
    assert "progress" in objective["items"]["properties"]


def test_a_submission_freezes_the_current_format(territory_a, funder):
    call = call_with_grid(funder)
    dossier = submitted_dossier(call, territory_a.clusters.get())
    assert dossier.snapshot["format"] == SNAPSHOT_FORMAT and "version" not in dossier.snapshot
    assert dossier.snapshot["frozen_at"] is not None
