"""The national coordinator invites a funder's reviewer by e-mail; the person signs up from
the link, confirms the address, and lands back on the invitation to accept it."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from funding.models import FunderMember

pytestmark = pytest.mark.browser

NEW_PASSWORD = "un-secret-solide-2026"


def _path(message):
    """The link's path: the site's address in e-mails is SITE_URL, not the test server's."""
    return re.search(r"https?://[^/\s]+(/\S+)", message.body).group(1)


def test_the_coordinator_invites_a_reviewer_who_signs_up_from_the_link(
        live_server, page, browser, staff, password, funder, tmp_path):
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{live_server.url}/compte/connexion/")
    page.get_by_label("Adresse e-mail").fill(staff.email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()

    page.locator("#user-menu").click()
    page.get_by_role("link", name="Gestion nationale").click()
    expect(page.get_by_role("heading", name="Gestion nationale")).to_be_visible()
    page.get_by_role("link", name="Financeurs").click()
    page.get_by_role("link", name="Le French Impact").click()
    page.get_by_role("link", name="Inviter un·e instructeur·rice").click()
    sent = len(mail.outbox)
    page.get_by_label("Adresse e-mail de la personne").fill("Lea.Instructrice@Exemple.fr")
    page.get_by_role("button", name="Envoyer l'invitation").click()
    expect(page.get_by_text("Invitation envoyée à lea.instructrice@exemple.fr.")).to_be_visible()
    expect(page.get_by_text("lea.instructrice@exemple.fr — valable")).to_be_visible()
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(tmp_path / "funder_people_390.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    invitation = mail.outbox[sent]
    assert invitation.to == ["lea.instructrice@exemple.fr"]

    # The invited person, in another browser, has no account yet.
    context = browser.new_context(locale="fr-FR")
    other = context.new_page()
    other.on("pageerror", lambda error: errors.append(str(error)))
    other.goto(live_server.url + _path(invitation))
    other.get_by_role("link", name="Créer mon compte").click()
    other.locator("#id_email").fill("lea.instructrice@exemple.fr")
    other.locator("#id_password1").fill(NEW_PASSWORD)
    other.locator("#id_password2").fill(NEW_PASSWORD)
    sent = len(mail.outbox)
    other.get_by_role("button", name="Créer mon compte").click()
    expect(other.get_by_role("heading", name="Confirmez votre adresse e-mail")).to_be_visible()
    other.goto(live_server.url + _path(mail.outbox[sent]))
    other.get_by_role("button", name="Confirmer").click()
    other.get_by_role("button", name="Accepter et devenir instructeur·rice").click()
    expect(other.get_by_text("Vous instruisez maintenant les dossiers du French Impact")
           ).to_be_visible()
    assert FunderMember.objects.filter(funder=funder,
                                       user__email="lea.instructrice@exemple.fr").exists()

    # The coordinator sees her among the funder's people.
    page.reload()
    expect(page.get_by_text("lea.instructrice@exemple.fr").first).to_be_visible()
    context.close()
    assert errors == []
