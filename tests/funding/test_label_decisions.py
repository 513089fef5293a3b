"""An accepted decision on a label call labels the territory in the call's wave."""

import subprocess
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from cluster.errors import DomainError
from funding.models import Call, Decision, Dossier, DossierEvent
from funding.services import conflict_declare, decision_record, dossier_start_review
from territories.models import Label
from tests.funding.reviewing import call_with_grid, submitted_dossier

pytestmark = pytest.mark.django_db


def under_review(call, cluster, reviewer):
    dossier = submitted_dossier(call, cluster, title="Candidature au label")
    conflict_declare(dossier=dossier, reviewer=reviewer, has_conflict=False)
    dossier_start_review(dossier=dossier, by=reviewer)
    dossier.refresh_from_db()
    return dossier


@pytest.fixture
def label_call(funder):
    call = call_with_grid(funder, kind=Call.Kind.LABEL, title="Label des territoires",
                          max_amount=None)
    call.wave = 4
    call.save(update_fields=["wave"])
    return call


def test_an_accepted_label_dossier_labels_its_territory_with_a_certificate(
        label_call, cluster, reviewer, committed, time_machine):
    time_machine.move_to(datetime(2027, 6, 30, 23, 30, tzinfo=ZoneInfo("Europe/Paris")),
                         tick=False)
    dossier = under_review(label_call, cluster, reviewer)
    with committed():
        decision_record(dossier=dossier, by=reviewer, outcome="accepte",
                        comment="Bienvenue dans le réseau.")
    label = Label.objects.get(territory=cluster.territory)
    # The day in Paris, not in UTC (21:30 there).
    assert (label.status, label.wave, label.labelled_on) == ("labelled", 4, date(2027, 6, 30))
    assert (label.call_slug, label.call_title) == (label_call.slug, "Label des territoires")
    content = Decision.objects.get().attestation.open("rb").read()
    text = subprocess.run(["pdftotext", "-", "-"], input=content,  # noqa: S607
                          capture_output=True, check=True).stdout.decode()
    assert "Certificat de labellisation" in text and "vague 4" in text


def test_a_refusal_or_a_funding_call_labels_nothing(label_call, funder, cluster, reviewer):
    decision_record(dossier=under_review(label_call, cluster, reviewer), by=reviewer,
                    outcome="refuse", comment="Le collectif est encore à constituer.")
    funding_call = call_with_grid(funder, title="Fonds d'amorçage")
    decision_record(dossier=under_review(funding_call, cluster, reviewer), by=reviewer,
                    outcome="accepte", comment="Accordé.", granted_amount="10000")
    assert not Label.objects.exists()


def test_a_label_decision_on_a_territory_already_labelled_is_refused_and_writes_nothing(
        label_call, cluster, reviewer, mailoutbox):
    Label.objects.create(territory=cluster.territory, status=Label.Status.LABELLED, wave=1,
                         labelled_on=date(2019, 2, 25))
    dossier = under_review(label_call, cluster, reviewer)
    events = DossierEvent.objects.count()
    with pytest.raises(DomainError) as refused:
        decision_record(dossier=dossier, by=reviewer, outcome="accepte", comment="Bienvenue.")
    assert "Aix-Marseille-Provence est déjà labellisé (vague 1, le 25 février 2019)" in \
        refused.value.message
    dossier.refresh_from_db()
    assert dossier.status == Dossier.Status.UNDER_REVIEW
    assert not Decision.objects.exists() and DossierEvent.objects.count() == events
    assert mailoutbox == []
    assert Label.objects.get().wave == 1


def test_a_label_call_without_a_wave_asks_for_one_before_deciding(label_call, cluster,
                                                                   reviewer):
    Call.objects.filter(pk=label_call.pk).update(wave=None)
    dossier = under_review(label_call, cluster, reviewer)
    with pytest.raises(DomainError, match="n'a pas de vague"):
        decision_record(dossier=dossier, by=reviewer, outcome="accepte", comment="Bienvenue.")
    assert not Decision.objects.exists() and not Label.objects.exists()


def test_the_migrated_label_call_labels_the_third_wave():
    assert Call.objects.get(slug="territoire-french-impact").wave == 3
