"""The PDF of a submitted dossier: rendered from its snapshot only, kept, never public."""

import shutil
import subprocess
from datetime import date

import pytest
from django.urls import reverse

from cluster.models import Challenge, Measurement, Objective
from funding.models import Dossier
from funding.services import dossier_submit
from funding.tasks import generate_dossier_pdf_task
from tests.funding.factories import LONG_PLAN, make_complete
from tests.helpers import page_text

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(shutil.which("pdftotext") is None,
                       reason="pdftotext (poppler-utils) is needed to read the PDFs"),
]


@pytest.fixture
def dossier(territory_a, facilitator):
    from funding.models import Call
    from funding.services import dossier_start

    cluster = territory_a.clusters.get()
    make_complete(cluster)
    dossier = dossier_start(call=Call.objects.get(slug="territoire-french-impact"),
                            cluster=cluster, by=facilitator, title="Dossier du label pour "
                                                                   "Marseille")
    Dossier.objects.filter(pk=dossier.pk).update(
        strategic_plan=LONG_PLAN,
        summary="Notre présentation <img src=\"http://exemple.invalid/x.png\"> & <b>gras</b>")
    return Dossier.objects.get(pk=dossier.pk)


@pytest.fixture
def submitted(dossier, facilitator, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        dossier_submit(dossier=dossier, by=facilitator)
    return Dossier.objects.get(pk=dossier.pk)


def pdf_text(dossier):
    with dossier.pdf.open("rb") as handle:
        content = handle.read()
    assert content.startswith(b"%PDF-")
    result = subprocess.run(["pdftotext", "-layout", "-", "-"], input=content,  # noqa: S607
                            capture_output=True, check=True)
    return " ".join(result.stdout.decode().split())


def test_submitting_renders_the_pdf_from_the_snapshot(submitted):
    assert submitted.pdf.name.startswith("dossiers/dossier-")
    text = pdf_text(submitted)
    assert "Dossier du label pour Marseille" in text
    assert "Collectif porteur Aix-Marseille-Provence" in text
    assert "Défi 0" in text and "Vallée de l'Huveaune" in text and "Les Paniers" in text
    assert "Mobilisation des entreprises engagées" in text
    assert "Page 1 sur" in text
    # Dates in French, user text as text: nothing of it is read as HTML.
    assert "1er janvier 2029" in text  # cluster.formatting.day, as in the schéma directeur
    assert '<img src="http://exemple.invalid/x.png"> & <b>gras</b>' in text


def test_the_pdf_links_to_the_dossier_at_site_url(settings, dossier, facilitator,
                                                  django_capture_on_commit_callbacks):
    settings.SITE_URL = "https://clusters.exemple.fr"
    with django_capture_on_commit_callbacks(execute=True):
        dossier_submit(dossier=dossier, by=facilitator)
    text = pdf_text(Dossier.objects.get(pk=dossier.pk))
    assert f"https://clusters.exemple.fr{dossier.get_absolute_url()}" in text


def test_editing_the_cluster_changes_neither_the_snapshot_nor_the_pdf(submitted):
    before_text, snapshot = pdf_text(submitted), submitted.snapshot
    Challenge.objects.filter(title="Défi 0").update(title="Défi renommé")
    Measurement.objects.create(objective=Objective.objects.get(title="Objectif 0"),
                               measured_on=date(2026, 2, 1), value=60, source="Enquête")
    # Even rendered again, the PDF reads the frozen contents, never the cluster.
    first = submitted.pdf.name
    generate_dossier_pdf_task.delay(submitted.pk)
    submitted.refresh_from_db()
    assert submitted.snapshot == snapshot
    # Rendering the same submission again replaces its file rather than piling copies up.
    assert not submitted.pdf.storage.exists(first) or submitted.pdf.name == first
    after_text = pdf_text(submitted)
    assert after_text == before_text
    assert "Défi renommé" not in after_text


@pytest.mark.parametrize(("role", "expected"), [
    ("facilitator", 200), ("member_a", 200), ("member_b", 404), ("reviewer", 200),
    ("staff", 200)])
def test_the_pdf_goes_to_the_collective_and_the_funders_reviewers(client, cast, submitted,
                                                                  role, expected):
    from funding.services import conflict_declare

    client.force_login(cast[role])
    if role == "reviewer":
        # Not before the reviewer declares their conflicts of interest.
        url = reverse("funding:dossier_pdf", args=[submitted.pk])
        refused = client.get(url)
        assert refused.status_code == 302
        assert refused["Location"] == reverse("funding:dossier_declare", args=[submitted.pk])
        conflict_declare(dossier=submitted, reviewer=cast[role], has_conflict=False)
    response = client.get(reverse("funding:dossier_pdf", args=[submitted.pk]))
    assert response.status_code == expected
    if expected == 200:
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment;")
        assert "dossier-du-label-pour-marseille.pdf" in response["Content-Disposition"]
        assert response["Cache-Control"] == "private, no-store"
        assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_the_pdf_is_never_public(client, submitted):
    response = client.get(reverse("funding:dossier_pdf", args=[submitted.pk]))
    assert response.status_code == 302 and "/compte/connexion/" in response["Location"]


def test_while_the_pdf_is_being_made_the_page_says_so(client, member_a, dossier, facilitator):
    dossier_submit(dossier=dossier, by=facilitator)  # the rendering waits for the commit
    dossier.refresh_from_db()
    assert not dossier.pdf
    client.force_login(member_a)
    page = client.get(dossier.get_absolute_url())
    assert "PDF en cours de génération" in page_text(page)
    fragment = client.get(reverse("funding:dossier_pdf_status", args=[dossier.pk]))
    assert "PDF en cours de génération" in page_text(fragment)
    assert 'hx-trigger="every 4s"' in fragment.content.decode()
    download = client.get(reverse("funding:dossier_pdf", args=[dossier.pk]), follow=True)
    assert "Le PDF est en cours de génération" in page_text(download)
    generate_dossier_pdf_task.delay(dossier.pk)
    fragment = client.get(reverse("funding:dossier_pdf_status", args=[dossier.pk]))
    assert "Télécharger le PDF déposé" in page_text(fragment)
    assert "hx-trigger" not in fragment.content.decode()


def test_a_draft_has_no_pdf(client, facilitator, member_b, dossier):
    client.force_login(facilitator)
    assert client.get(reverse("funding:dossier_pdf", args=[dossier.pk])).status_code == 404
    assert "Télécharger le PDF" not in page_text(client.get(dossier.get_absolute_url()))
    assert generate_dossier_pdf_task.delay(dossier.pk).get() is None
    client.force_login(member_b)
    assert client.get(reverse("funding:dossier_pdf_status", args=[dossier.pk])) \
        .status_code == 404


def test_a_resubmission_keeps_a_new_pdf_of_the_new_contents(submitted, reviewer, facilitator,
                                                            django_capture_on_commit_callbacks):
    from funding.services import (
        conflict_declare,
        dossier_request_more_info,
        dossier_resubmit,
        dossier_save,
        dossier_start_review,
    )

    first = submitted.pdf.name
    conflict_declare(dossier=submitted, reviewer=reviewer, has_conflict=False)
    dossier_start_review(dossier=submitted, by=reviewer)
    dossier_request_more_info(dossier=submitted, by=reviewer, comment="Précisez.")
    submitted.refresh_from_db()
    dossier_save(dossier=submitted, fields={"title": "Dossier complété"},
                 version=submitted.version)
    with django_capture_on_commit_callbacks(execute=True):
        dossier_resubmit(dossier=submitted, by=facilitator)
    submitted.refresh_from_db()
    assert submitted.pdf.name != first
    assert "Dossier complété" in pdf_text(submitted)
    # The first rendering stays in storage: what was submitted first is kept.
    assert submitted.pdf.storage.exists(first)
