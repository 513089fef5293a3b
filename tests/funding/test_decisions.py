"""Decisions: one per dossier under review, an e-mail to the collective, an attestation."""

import subprocess
from decimal import Decimal

import pytest
from django.urls import reverse

from cluster.errors import DomainError
from funding.models import Call, Decision, Dossier, DossierEvent
from funding.services import conflict_declare, decision_record, dossier_start_review
from tests.funding.factories import FunderMemberFactory
from tests.funding.reviewing import call_with_grid, submitted_dossier
from tests.helpers import as_role, page_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def call(funder):
    return call_with_grid(funder, title="Fonds pour l'innovation sociale")


@pytest.fixture
def label_call(funder):
    return call_with_grid(funder, kind=Call.Kind.LABEL, title="Territoire French Impact 2026",
                          max_amount=None)


def under_review(call, cluster, reviewer):
    dossier = submitted_dossier(call, cluster, title="Dossier de Marseille")
    conflict_declare(dossier=dossier, reviewer=reviewer, has_conflict=False)
    dossier_start_review(dossier=dossier, by=reviewer)
    dossier.refresh_from_db()
    return dossier


@pytest.fixture
def dossier(call, cluster, reviewer):
    return under_review(call, cluster, reviewer)


def test_an_acceptance_closes_the_dossier_and_tells_the_collective(
        dossier, reviewer, facilitator, mailoutbox, committed):
    with committed():
        decision = decision_record(dossier=dossier, by=reviewer, outcome="accepte",
                                   comment="Un projet solide.", granted_amount="15000.50")
    dossier.refresh_from_db()
    assert dossier.status == Dossier.Status.ACCEPTED
    assert decision.granted_amount == Decimal("15000.50")
    event = DossierEvent.objects.filter(dossier=dossier).latest("pk")
    assert (event.from_status, event.to_status, event.by) == ("en_instruction", "accepte",
                                                              reviewer)
    assert len(mailoutbox) == 1 and facilitator.email in mailoutbox[0].to
    assert "accepté" in mailoutbox[0].subject + mailoutbox[0].body
    decision.refresh_from_db()
    assert decision.attestation.name.endswith(".pdf")
    assert decision.attestation.open("rb").read(4) == b"%PDF"


def test_a_refusal_has_no_attestation(dossier, reviewer, committed):
    with committed():
        decision = decision_record(dossier=dossier, by=reviewer, outcome="refuse",
                                   comment="Hors du champ de l'appel.")
    decision.refresh_from_db()
    assert not decision.attestation
    assert Dossier.objects.get(pk=dossier.pk).status == Dossier.Status.REFUSED


def test_a_second_decision_is_refused(dossier, reviewer, staff):
    decision_record(dossier=dossier, by=reviewer, outcome="refuse", comment="Non.")
    with pytest.raises(DomainError) as error:
        decision_record(dossier=dossier, by=staff, outcome="accepte", comment="Si.")
    assert (error.value.code, error.value.status) == ("already_decided", 409)
    assert Decision.objects.count() == 1


def test_a_decision_needs_a_dossier_under_review(call, cluster, reviewer):
    dossier = submitted_dossier(call, cluster)
    conflict_declare(dossier=dossier, reviewer=reviewer, has_conflict=False)
    with pytest.raises(DomainError) as error:
        decision_record(dossier=dossier, by=reviewer, outcome="accepte", comment="Oui.")
    assert (error.value.code, error.value.status) == ("invalid_transition", 409)
    assert not Decision.objects.exists()
    assert Dossier.objects.get(pk=dossier.pk).status == Dossier.Status.SUBMITTED


@pytest.mark.parametrize(("amount", "code"), [
    ("-10", "invalid_amount"), ("beaucoup", "invalid_amount"), ("12.345", "invalid_amount"),
    ("60000", "amount_above_max"), ("NaN", "invalid_amount")])
def test_bad_granted_amounts_are_refused(dossier, reviewer, amount, code):
    with pytest.raises(DomainError) as error:
        decision_record(dossier=dossier, by=reviewer, outcome="accepte", comment="Oui.",
                        granted_amount=amount)
    assert error.value.code == code and error.value.status == 400
    assert not Decision.objects.exists()
    assert Dossier.objects.get(pk=dossier.pk).status == Dossier.Status.UNDER_REVIEW


def test_a_refusal_grants_nothing_and_a_decision_is_motivated(dossier, reviewer):
    for kwargs, code in [({"outcome": "refuse", "comment": "Non.", "granted_amount": 10},
                          "invalid_amount"),
                         ({"outcome": "accepte", "comment": " "}, "comment_required"),
                         ({"outcome": "peut-etre", "comment": "?"}, "invalid_outcome")]:
        with pytest.raises(DomainError) as error:
            decision_record(dossier=dossier, by=reviewer, **kwargs)
        assert error.value.code == code
    assert not Decision.objects.exists()


def test_who_decides(dossier, funder, facilitator, staff):
    other = FunderMemberFactory().user
    conflicted = FunderMemberFactory(funder=funder).user
    conflict_declare(dossier=dossier, reviewer=conflicted, has_conflict=True,
                     explanation="Administrateur d'un acteur du collectif.")
    undeclared = FunderMemberFactory(funder=funder).user
    for person, code in [(other, "not_reviewer"), (facilitator, "not_reviewer"),
                         (conflicted, "conflict_of_interest"),
                         (undeclared, "declaration_required")]:
        with pytest.raises(DomainError) as error:
            decision_record(dossier=dossier, by=person, outcome="accepte", comment="Oui.")
        assert (error.value.code, error.value.status) == (code, 403)
    assert not Decision.objects.exists()
    decision_record(dossier=dossier, by=staff, outcome="accepte", comment="Oui.")
    assert Decision.objects.get().decided_by == staff


@pytest.mark.parametrize(("role", "expected"), [
    ("facilitator", 403), ("member_a", 403), ("member_b", 404), ("reviewer", 302),
    ("staff", 302), ("anonymous", 302)])
def test_who_decides_on_the_page(client, cast, dossier, role, expected):
    as_role(client, cast, role)
    url = reverse("funding:dossier_decide", args=[dossier.pk])
    response = client.post(url, {"outcome": "refuse", "comment": "Hors du champ."})
    assert response.status_code == expected
    assert Decision.objects.count() == (1 if role in ("reviewer", "staff") else 0)


def test_the_decision_form_shows_french_errors(client, reviewer, dossier):
    client.force_login(reviewer)
    url = reverse("funding:dossier_decide", args=[dossier.pk])
    response = client.post(url, {"outcome": "accepte", "comment": "Oui.",
                                 "granted_amount": "-5"})
    assert response.status_code == 400
    assert "ne peut pas être négatif" in page_text(response)
    assert not Decision.objects.exists()


def test_the_collective_sees_the_decision_and_downloads_the_certificate(
        client, cast, label_call, cluster, reviewer, committed):
    dossier = under_review(label_call, cluster, reviewer)
    client.force_login(reviewer)
    page = client.get(dossier.get_absolute_url())
    assert "Décider" in page_text(page)
    with committed():
        response = client.post(reverse("funding:dossier_decide", args=[dossier.pk]),
                               {"outcome": "accepte", "comment": "Bienvenue dans le réseau."})
    assert response.status_code == 302
    url = reverse("funding:dossier_attestation", args=[dossier.pk])
    for role, expected in [("facilitator", 200), ("member_a", 200), ("member_b", 404),
                           ("reviewer", 200), ("staff", 200)]:
        client.force_login(cast[role])
        response = client.get(url)
        assert response.status_code == expected, role
        if expected == 200:
            content = b"".join(response.streaming_content)
            assert content.startswith(b"%PDF")
    client.force_login(cast["facilitator"])
    text = page_text(client.get(dossier.get_absolute_url()))
    assert "Bienvenue dans le réseau." in text
    assert "Télécharger le certificat de labellisation" in text
    client.logout()
    assert client.get(url).status_code == 302
    # The certificate names the territory, the collective and the funder.
    content = Decision.objects.get().attestation.open("rb").read()
    text = subprocess.run(["pdftotext", "-", "-"], input=content,  # noqa: S607
                          capture_output=True, check=True).stdout.decode()
    assert "Certificat de labellisation" in text and "Aix-Marseille-Provence" in text
    assert "Le French Impact" in text
