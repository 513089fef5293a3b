import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_facilitator_signs_in_and_sees_the_home_page(live_server, page, facilitator, password):
    page.goto(live_server.url)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Clusters locaux d'innovation responsable"
    )
    page.get_by_role("link", name="Se connecter").first.click()

    page.get_by_label("Adresse e-mail").fill("animatrice@exemple.fr")
    page.get_by_label("Mot de passe").fill("pas-le-bon")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_text("Adresse e-mail ou mot de passe incorrect")).to_be_visible()

    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", name="Bonjour Camille Martin")).to_be_visible()
    expect(page.get_by_text("Collectif porteur Aix-Marseille-Provence")).to_be_visible()

    page.get_by_role("button", name="Camille Martin").click()  # the account menu
    page.get_by_role("button", name="Se déconnecter").click()
    expect(page.get_by_role("link", name="Se connecter").first).to_be_visible()
