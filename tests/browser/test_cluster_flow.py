import pytest
from playwright.sync_api import expect

from tests.territories.factories import TerritoryFactory

pytestmark = pytest.mark.browser

DEFIS = [
    ("Cultiver Marseille", "Surfaces cultivées en ville", "hectares", "12", "40", "26"),
    ("0 personne à la rue", "Nuitées d'hébergement d'urgence", "nuitées", "100", "400", "250"),
    ("Changer d'air", "Contributeurs citoyens actifs", "personnes", "150", "1000", "320"),
]


def test_a_facilitator_creates_a_cluster_and_follows_its_defis(live_server, page, facilitator,
                                                               password, collective_a):
    TerritoryFactory(name="Métropole d'Aix-Marseille-Provence", slug="amp")
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{live_server.url}/compte/connexion/?next=/clusters/")
    page.get_by_label("Adresse e-mail").fill(facilitator.email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()

    page.get_by_role("link", name="Créer un cluster").first.click()
    page.locator("#id_territory").select_option(label="Métropole d'Aix-Marseille-Provence")
    page.locator("#id_start_date").fill("2026-01-05")
    page.get_by_role("button", name="Créer le cluster").click()

    # The 12-month roadmap, its seven steps in order.
    roadmap = page.get_by_role("region", name="Feuille de route")
    for number, step in enumerate(["Cartographier", "Communauté", "Espaces", "Expérimenter",
                                   "Évènement", "Changement d'échelle", "Schéma directeur"],
                                  start=1):
        expect(roadmap.get_by_role("link", name=f"{number}. {step}")).to_be_visible()
    expect(page.get_by_text("Le label demande au moins trois défis : 0 pour l'instant."))\
        .to_be_visible()

    for title, objective, unit, baseline, target, value in DEFIS:
        page.get_by_role("link", name="Ajouter un défi").click()
        page.locator("#id_title").fill(title)
        page.get_by_role("button", name="Enregistrer").click()
        page.get_by_role("article").filter(has_text=title).get_by_role(
            "link", name="Ajouter un objectif").click()
        page.locator("#id_title").fill(objective)
        page.locator("#id_unit").fill(unit)
        page.locator("#id_baseline").fill(baseline)
        page.locator("#id_target").fill(target)
        page.locator("#id_target_date").fill("2029-06-01")
        page.get_by_role("button", name="Enregistrer").click()
        # The objective's page: record a measurement.
        page.locator("#id_measured_on").fill("2026-03-01")
        page.locator("#id_value").fill(value)
        page.locator("#id_source").fill("Comptage du collectif")
        page.get_by_role("button", name="Enregistrer").click()
        expect(page.get_by_text("La mesure est enregistrée.")).to_be_visible()
        page.get_by_role("link", name="Métropole d'Aix-Marseille-Provence").first.click()

    expect(page.get_by_text("Le label demande au moins trois défis")).to_have_count(0)
    # Progress is computed: (26 - 12) / (40 - 12) = 50 %, (250 - 100) / 300 = 50 %,
    # (320 - 150) / 850 = 20 %.
    bars = page.get_by_role("progressbar")
    expect(bars).to_have_count(3)
    expect(bars.nth(0)).to_have_attribute("aria-valuenow", "50")
    expect(bars.nth(1)).to_have_attribute("aria-valuenow", "50")
    expect(bars.nth(2)).to_have_attribute("aria-valuenow", "20")
    assert errors == []
