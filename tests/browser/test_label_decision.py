"""Staff accepts a dossier of the label call: the territory's page and the API show the
label, in the call's wave, from that day."""

import pytest
from django.utils import timezone
from django.utils.formats import date_format
from playwright.sync_api import expect

from funding.models import Call
from funding.services import dossier_start_review
from territories.models import Label
from tests.funding.reviewing import submitted_dossier

pytestmark = pytest.mark.browser


def test_staff_accepts_a_label_dossier_and_the_territory_shows_its_label(
        live_server, page, migration_rows, staff, cluster, password):
    # The label call comes from a data migration, with its wave.
    call = Call.objects.get(slug="territoire-french-impact")
    dossier = submitted_dossier(call, cluster, title="Candidature au label")
    dossier_start_review(dossier=dossier, by=staff)

    page.goto(live_server.url)
    page.get_by_role("link", name="Se connecter").first.click()
    page.get_by_label("Adresse e-mail").fill(staff.email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    page.goto(f"{live_server.url}/financements/dossiers/{dossier.pk}/decision/")
    page.get_by_label("accepté").check()
    page.get_by_label("Motivation").fill("Bienvenue dans le réseau.")
    before = timezone.localdate()
    page.get_by_role("button", name="Enregistrer la décision").click()
    expect(page.get_by_text("La décision est enregistrée")).to_be_visible()
    days = {before, timezone.localdate()}  # the clock runs: midnight may pass meanwhile

    territory = cluster.territory
    label = Label.objects.get(territory=territory)
    assert (label.status, label.wave) == ("labelled", call.wave)
    assert label.labelled_on in days
    page.goto(f"{live_server.url}/territoires/{territory.slug}/")
    expect(page.get_by_text(f"Labellisé · vague {call.wave}").first).to_be_visible()
    expect(page.get_by_text(f"labellisé en {date_format(label.labelled_on, 'F Y')}").first
           ).to_be_visible()
    answer = page.request.get(f"{live_server.url}/api/territoires/{territory.slug}/")
    assert answer.ok
    assert answer.json()["label"] == {
        "status": "labelled", "status_display": "labellisé", "wave": call.wave,
        "labelled_on": label.labelled_on.isoformat()}
