"""Anyone can start: sign up, confirm by e-mail, start a cluster on an EPCI found by its
name, reach the dashboard and its seven steps; another person asks to join and is let in.
No admin, no staff."""

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests.territories.factories import CommuneFactory, EpciFactory, TerritoryFactory

pytestmark = pytest.mark.browser

PASSWORD = "un-secret-solide-2026"
STEPS = ["Cartographier", "Communauté", "Espaces", "Expérimenter", "Évènement",
         "Changement d'échelle", "Schéma directeur"]


def _sign_up_and_confirm(page, base, email):
    sent = len(mail.outbox)
    page.goto(f"{base}/")
    page.get_by_role("link", name="Créer un compte").click()
    page.locator("#id_email").fill(email)
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.get_by_role("button", name="Créer mon compte").click()
    expect(page.get_by_role("heading", name="Confirmez votre adresse e-mail")).to_be_visible()
    message = mail.outbox[sent]
    assert message.to == [email]
    # The e-mail links to SITE_URL; the live server listens elsewhere: keep the path.
    page.goto(base + urlsplit(re.search(r"https?://\S+", message.body).group(0)).path)
    page.get_by_role("button", name="Confirmer").click()
    expect(page.get_by_role("heading", name="Bienvenue ! Par où commencer ?")).to_be_visible()


def test_a_newcomer_starts_a_cluster_and_another_joins_her_collective(live_server, page,
                                                                      browser):
    epci = EpciFactory(code="248600413", name="CU du Grand Poitiers")
    territory = TerritoryFactory(name="Grand Poitiers", slug="grand-poitiers")
    territory.communes.add(CommuneFactory(code="86194", name="Poitiers", epci=epci))
    TerritoryFactory(name="Pays Basque", slug="pays-basque")
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    _sign_up_and_confirm(page, live_server.url, "claire@exemple.fr")
    page.get_by_role("link", name="Lancer un cluster").click()
    page.get_by_label("Trouver le territoire").fill("CU du Grand Poitiers")
    page.get_by_role("button", name="Chercher").click()
    page.locator("#id_territory").select_option(label="Grand Poitiers")
    page.locator("#id_collective_name").fill("Collectif Poitiers en transition")
    page.get_by_role("button", name="Lancer le cluster").click()

    roadmap = page.get_by_role("region", name="Feuille de route")
    for number, step in enumerate(STEPS, start=1):
        expect(roadmap.get_by_role("link", name=f"{number}. {step}")).to_be_visible()
    expect(page.get_by_text("À faire ensuite").first).to_be_visible()

    # Another person, in another browser, asks to join.
    other_context = browser.new_context(locale="fr-FR")
    other = other_context.new_page()
    _sign_up_and_confirm(other, live_server.url, "malik@exemple.fr")
    other.get_by_role("link", name="Chercher un collectif").click()
    other.get_by_label("Nom du collectif ou de son territoire").fill("Poitiers")
    other.get_by_role("button", name="Chercher").click()
    other.get_by_label("Message aux animateur·rices").fill("Je coordonne une recyclerie.")
    sent = len(mail.outbox)
    other.get_by_role("button", name="Demander à rejoindre").click()
    expect(other.get_by_text("Votre demande est envoyée")).to_be_visible()
    assert mail.outbox[sent].to == ["claire@exemple.fr"]

    # The facilitator accepts; the person is told by e-mail and sees the collective.
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Collectif Poitiers en transition").first.click()
    page.get_by_role("link", name="Demandes d'adhésion").click()
    expect(page.get_by_text("Je coordonne une recyclerie.")).to_be_visible()
    sent = len(mail.outbox)
    page.get_by_role("button", name="Accepter").click()
    expect(page.get_by_text("est maintenant membre du collectif")).to_be_visible()
    assert mail.outbox[sent].to == ["malik@exemple.fr"]
    other.goto(f"{live_server.url}/")
    expect(other.get_by_role("link", name="Collectif Poitiers en transition")).to_be_visible()
    other_context.close()
    assert errors == []


def test_the_sign_up_page_fits_a_phone(live_server, page, tmp_path):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/compte/inscription/")
    expect(page.get_by_role("button", name="Créer mon compte")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot = tmp_path / "signup-390.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 0


def test_on_a_phone_a_newcomer_creates_her_territory_from_its_epci(live_server, page):
    """320 px wide: the search finds no territory, the EPCI is found by its name and added
    with its button; the territory, the collective and the cluster are created at once."""
    from cluster.models import User
    from tests.browser.test_accessibility import sign_in

    epci = EpciFactory(code="248600413", name="CU du Grand Poitiers")
    CommuneFactory(code="86194", name="Poitiers", epci=epci)
    User.objects.create_user(email="ines@exemple.fr", password=PASSWORD)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.set_viewport_size({"width": 320, "height": 740})
    sign_in(page, live_server.url, "ines@exemple.fr", PASSWORD)

    page.goto(f"{live_server.url}/compte/bienvenue/lancer/")
    page.get_by_label("Trouver le territoire").fill("Grand Poitiers")
    page.get_by_role("button", name="Chercher").click()
    expect(page.get_by_text("Aucun territoire ne correspond")).to_be_visible()
    page.locator("#id_collective_name").fill("Collectif Poitiers en transition")
    page.locator("#id_territory_name").fill("Grand Poitiers")
    page.get_by_label("Chercher (nom, code postal ou code)").fill("Grand Poit")
    page.locator("#perimeter-results").get_by_role(
        "button", name="Ajouter CU du Grand Poitiers").first.click()
    expect(page.locator("#id_perimeter_codes")).to_have_value("248600413")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    page.get_by_role("button", name="Lancer le cluster").click()

    roadmap = page.get_by_role("region", name="Feuille de route")
    for number, step in enumerate(STEPS, start=1):
        expect(roadmap.get_by_role("link", name=f"{number}. {step}")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert errors == []
