import pytest
from playwright.sync_api import expect

from cluster.models import Challenge, MasterPlanVersion

pytestmark = pytest.mark.browser


def test_a_facilitator_writes_validates_and_generates_the_master_plan(
        live_server, page, facilitator, password, territory_a, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    cluster = territory_a.clusters.get()
    Challenge.objects.create(cluster=cluster, title="Cultiver Marseille", kind="environnemental")
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    page.goto(f"{live_server.url}/compte/connexion/?next=/clusters/{cluster.pk}/")
    page.get_by_label("Adresse e-mail").fill(facilitator.email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_role("navigation", name="Parties du cluster").get_by_role(
        "link", name="Schéma directeur").click()
    expect(page.get_by_role("heading", name="Schéma directeur de l'innovation responsable")) \
        .to_be_visible()

    page.get_by_role("link", name="Rédiger — Vision et ambition").click()
    page.get_by_label("Texte de la section").fill(
        "Faire de l'innovation responsable **la manière ordinaire** de répondre aux besoins "
        "du territoire.\n\n- cultiver la ville\n- ne laisser personne à la rue")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("La section est enregistrée.")).to_be_visible()
    vision = page.get_by_role("region", name="1. Vision et ambition")
    expect(vision.locator("strong", has_text="la manière ordinaire")).to_be_visible()
    expect(vision.get_by_text("à valider")).to_be_visible()

    vision.get_by_role("button", name="Valider — Vision et ambition").click()
    expect(page.get_by_text("Section « Vision et ambition » validée.")).to_be_visible()
    expect(page.get_by_role("region", name="1. Vision et ambition").get_by_text(
        "validée", exact=True)).to_be_visible()

    page.get_by_role("button", name="Générer une version (PDF)").click()
    expect(page.get_by_text("La version 1 est prête.")).to_be_visible()
    versions = page.get_by_role("region", name="Versions générées")
    expect(versions.get_by_text("Prête")).to_be_visible()
    pdf_link = versions.get_by_role("link", name="PDF de la version 1")
    response = page.request.get(live_server.url + pdf_link.get_attribute("href"))
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")

    versions.get_by_role("link", name="Version 1", exact=True).click()
    expect(page.get_by_role("heading", name="Version 1 du schéma directeur")).to_be_visible()
    expect(page.get_by_role("link", name="Télécharger le PDF")).to_be_visible()
    expect(page.get_by_text("Cultiver Marseille").first).to_be_visible()

    page.get_by_role("link", name="Schéma directeur").first.click()
    page.get_by_role("link", name="Aperçu du document").click()
    expect(page.get_by_text("Rien n'est enregistré")).to_be_visible()
    expect(page.locator(".mp-text strong", has_text="la manière ordinaire")).to_be_visible()
    assert MasterPlanVersion.objects.get().status == "ready"
    assert errors == []
