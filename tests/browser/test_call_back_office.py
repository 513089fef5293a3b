"""The national coordinator creates a call with a grid and opens it, without the admin."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from funding.models import Call

pytestmark = pytest.mark.browser


def _local(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def _sign_in(page, live_server, email, password):
    page.goto(live_server.url)
    page.get_by_role("link", name="Se connecter").first.click()
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()


def test_the_coordinator_creates_a_call_with_a_grid_and_opens_it(live_server, page, staff,
                                                                 funder, password, tmp_path):
    _sign_in(page, live_server, staff.email, password)
    page.get_by_role("link", name="Gestion").click()
    expect(page.get_by_role("heading", name="Gestion des appels")).to_be_visible()
    page.get_by_role("link", name="Nouvel appel").click()

    now = timezone.now()
    page.get_by_label("Intitulé").fill("Label French Impact — vague 3")
    page.get_by_label("Financeur").select_option(label=funder.name)
    page.get_by_label("Nature").select_option("label")
    page.get_by_label("Vague de labellisation").fill("3")
    page.get_by_label("Ouverture").fill(_local(now + timedelta(days=30)))
    page.get_by_label("Date limite de dépôt").fill(_local(now + timedelta(days=10)))
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("La date limite de dépôt doit suivre la date d'ouverture.")) \
        .to_be_visible()
    page.get_by_label("Date limite de dépôt").fill(_local(now + timedelta(days=90)))
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("L'appel est créé en brouillon")).to_be_visible()

    page.get_by_role("link", name="Modifier la grille").click()
    page.locator("[name=criteria-0-label]").fill("Coopération des acteurs")
    page.locator("[name=criteria-0-weight]").fill("0")
    page.locator("[name=criteria-1-label]").fill("Défis mesurables")
    page.get_by_role("button", name="Enregistrer la grille").click()
    expect(page.get_by_text("Un nombre entier positif : 1 au moins.")).to_be_visible()
    page.locator("[name=criteria-0-weight]").fill("2")
    page.get_by_role("button", name="Enregistrer la grille").click()
    expect(page.get_by_text("La grille de l'appel est enregistrée.")).to_be_visible()
    expect(page.get_by_role("cell", name="Coopération des acteurs")).to_be_visible()

    page.get_by_role("link", name="Ouvrir l'appel").click()
    page.get_by_label("Ouverture").fill(_local(now - timedelta(hours=1)))
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("L'appel est ouvert aux dossiers.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ouvert")
    call = Call.objects.get(title="Label French Impact — vague 3")
    assert (call.is_draft, call.wave, call.criteria.count()) == (False, 3, 2)

    # The call's form on a phone: nothing runs off the screen.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/financements/gestion/appels/{call.pk}/modifier/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot = tmp_path / "call-form-390.png"
    page.screenshot(path=str(shot), full_page=True)
    page.goto(f"{live_server.url}/financements/gestion/appels/{call.pk}/grille/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(tmp_path / "call-grid-390.png"), full_page=True)
