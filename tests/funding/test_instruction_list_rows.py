"""The funders' list reads rows with `.values()`, not dossiers: its JSON is the one the
serializer gives for the dossiers themselves, byte for byte, whoever reads it."""

import json
from decimal import Decimal

import pytest
from django.test import RequestFactory
from django.urls import reverse

from funding.api.instruction_serializers import InstructionDossierSerializer
from funding.permissions import dossiers_for_reviewer
from funding.selectors import with_declaration_state, with_review_figures
from funding.services import (
    conflict_declare,
    decision_record,
    dossier_start_review,
    review_submit,
)
from tests.funding.reviewing import call_with_grid, full_scores, new_cluster, submitted_dossier

pytestmark = pytest.mark.django_db


@pytest.fixture
def dossiers(funder, reviewer, cluster, collective_a):
    call = call_with_grid(funder, title="Fonds « solidaire » & co")
    decided = submitted_dossier(call, cluster, title="Décidé")
    conflict_declare(dossier=decided, reviewer=reviewer, has_conflict=False)
    dossier_start_review(dossier=decided, by=reviewer)
    review_submit(dossier=decided, reviewer=reviewer, scores=full_scores(call),
                  comment="Avis.", recommendation="accepter")
    decision_record(dossier=decided, by=reviewer, outcome="accepte", comment="Oui.",
                    granted_amount=Decimal("12345.60"))
    undeclared = submitted_dossier(call, new_cluster(collective_a, "Étang"), title="Pas vu")
    undeclared.requested_amount = None
    undeclared.save()
    return [decided, undeclared]


def instances_json(user, path):
    """The list's JSON as the serializer writes it for the dossiers (model instances)."""
    request = RequestFactory().get(path)
    request.user = user
    rows = with_declaration_state(with_review_figures(dossiers_for_reviewer(user)),
                                  user).order_by("-submitted_at", "pk")
    return json.loads(json.dumps(InstructionDossierSerializer(
        rows, many=True, context={"request": request}).data))


@pytest.mark.parametrize("who", ["reviewer", "staff"])
def test_the_list_of_rows_is_the_list_of_dossiers(client, dossiers, reviewer, staff, who):
    user = {"reviewer": reviewer, "staff": staff}[who]
    client.force_login(user)
    path = reverse("api:instruction-dossier-list")
    results = client.get(path).json()["results"]
    # Same keys in the same order, same values: the same bytes.
    assert json.dumps(results) == json.dumps(instances_json(user, path))
    decided = next(row for row in results if row["title"] == "Décidé")
    assert (decided["decision"], decided["average_score"], decided["review_count"]) == (
        "accepte", "72.50", 1)
    assert decided["url"] == f"http://testserver{path}{dossiers[0].pk}/"
    undeclared = next(row for row in results if row["title"] == "Pas vu")
    assert undeclared["must_declare"] is (who == "reviewer")
    assert undeclared["territory"] == (None if who == "reviewer" else "Étang")
    assert undeclared["requested_amount"] is None
