"""A funder's reviewer does the whole review through the generated client, and nothing else.

The fixtures set the scene (a funder with two calls, dossiers submitted to them, another
funder); then every step is a `sync_detailed` of the client generated from the schema:
list with filters, read a dossier and its snapshot, declare, take into review, review on
the call's grid, decide, download the attestation, the dossier's PDF and the exports, and
read the errors as the client's error models.
"""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.utils import timezone

from funding.tasks import generate_dossier_pdf_task
from tests.contract.conftest import call, live
from tests.funding.factories import FunderFactory, FunderMemberFactory
from tests.funding.reviewing import call_with_grid, new_cluster, submitted_dossier


@pytest.fixture
def scene(funder, reviewer, territory_a, collective_a):
    """Two calls of the reviewer's funder, one dossier each; another funder's reviewer."""
    cluster = territory_a.clusters.get()
    fund_call = call_with_grid(funder, title="Fonds pour l'innovation sociale")
    label_call = call_with_grid(funder, kind="label", title="Label cluster 2027")
    dossier = submitted_dossier(fund_call, cluster, title="Dossier de Marseille")
    generate_dossier_pdf_task(dossier.pk)  # as its submission does, once committed
    other = submitted_dossier(label_call, new_cluster(collective_a, "Pays d'Aubagne"),
                              title="Label d'Aubagne")
    stranger = FunderMemberFactory(funder=FunderFactory(name="Fondation du Nord"),
                                   user__email="instructeur.nord@exemple.fr").user
    return {"call": fund_call, "dossier": dossier, "other": other, "stranger": stranger}


@live
def test_a_reviewer_reviews_and_decides_through_the_generated_client(
        generated_client, api, scene, reviewer):
    models = generated_client.module("models")
    client = api(reviewer)
    fund_call, dossier = scene["call"], scene["dossier"]

    # The list, filtered by call and by status.
    status, page = call(generated_client, "instruction.instruction_dossiers_list",
                        client=client, call=fund_call.slug)
    assert status == 200 and isinstance(page, models.PaginatedInstructionDossierList)
    assert [row.id for row in page.results] == [dossier.pk]
    assert page.results[0].status == models.DossierStatusEnum.DEPOSE
    status, page = call(generated_client, "instruction.instruction_dossiers_list",
                        client=client, status=models.DossierStatusEnum.DEPOSE)
    assert status == 200 and {row.id for row in page.results} == {dossier.pk,
                                                                   scene["other"].pk}
    status, page = call(generated_client, "instruction.instruction_dossiers_list",
                        client=client, territory="aix-marseille-provence",
                        submitted_after=timezone.localdate() - datetime.timedelta(days=7))
    assert status == 200 and [row.id for row in page.results] == [dossier.pk]
    status, page = call(generated_client, "instruction.instruction_dossiers_list",
                        client=client, status=models.DossierStatusEnum.EN_INSTRUCTION)
    assert status == 200 and page.count == 0 and page.results == []
    status, page = call(generated_client, "appels_et_dossiers.dossiers_list",
                        client=client, call=fund_call.slug)
    assert status == 200 and isinstance(page, models.PaginatedDossierList)
    assert [row.id for row in page.results] == [dossier.pk]

    # The call and its grid, then the declaration that opens the dossier.
    status, grid_call = call(generated_client, "appels_et_dossiers.appels_retrieve",
                             client=client, slug=fund_call.slug)
    assert status == 200 and isinstance(grid_call, models.Call)
    assert [(criterion.weight, criterion.max_score) for criterion in grid_call.criteria] == [
        (2, 5), (1, 5), (1, 10)]
    status, declared = call(generated_client,
                            "instruction.instruction_dossiers_declaration_create",
                            client=client, id=dossier.pk,
                            body=models.DeclarationInputRequest(has_conflict=False))
    assert status == 201 and declared.has_conflict is False

    # The dossier and its snapshot, typed down to the grid it was submitted under.
    status, detail = call(generated_client, "instruction.instruction_dossiers_retrieve",
                          client=client, id=dossier.pk)
    assert status == 200 and isinstance(detail, models.InstructionDossierDetail)
    assert (detail.must_declare, detail.call, detail.title) == (
        False, fund_call.slug, "Dossier de Marseille")
    snapshot = detail.snapshot
    assert isinstance(snapshot, models.InstructionDossierDetailSnapshotType0)
    assert snapshot.dossier.title == "Dossier de Marseille"
    assert snapshot.territory.name == "Aix-Marseille-Provence"
    assert [criterion.label for criterion in snapshot.call.criteria] == [
        criterion.label for criterion in grid_call.criteria]
    status, read = call(generated_client, "appels_et_dossiers.dossiers_retrieve",
                        client=client, id=dossier.pk)
    assert status == 200 and isinstance(read, models.DossierDetail)
    assert isinstance(read.snapshot, models.DossierDetailSnapshotType0)
    assert read.snapshot.collective.name == dossier.cluster.collective.name

    # Into review, a review on the grid, a decision.
    status, taken = call(generated_client, "instruction.instruction_dossiers_instruire_create",
                         client=client, id=dossier.pk)
    assert status == 200 and taken.status == models.DossierStatusEnum.EN_INSTRUCTION
    scores = models.ReviewInputRequestScores()
    for criterion, value in zip(grid_call.criteria, (4, 3, 7), strict=True):
        scores[str(criterion.id)] = value
    body = models.ReviewInputRequest(
        scores=scores, comment="Une coopération solide entre acteurs.",
        recommendation=models.ReviewRecommendationEnum.ACCEPTER)
    status, review = call(generated_client, "instruction.instruction_dossiers_avis_create",
                          client=client, id=dossier.pk, body=body)
    assert status == 201 and isinstance(review, models.Review)
    # 100 × (2×4/5 + 1×3/5 + 1×7/10) / 4
    assert Decimal(review.weighted_score) == Decimal("72.50")
    assert [score.value for score in review.scores] == [4, 3, 7]
    decision_body = models.DecisionInputRequest(
        outcome=models.DecisionOutcomeEnum.ACCEPTE, comment="Un projet attendu sur le territoire.",
        granted_amount="15000.00")
    status, decision = call(generated_client, "instruction.instruction_dossiers_decision_create",
                            client=client, id=dossier.pk, body=decision_body)
    assert status == 201 and isinstance(decision, models.Decision)
    assert decision.outcome == models.DecisionOutcomeEnum.ACCEPTE
    assert Decimal(decision.granted_amount) == Decimal(15000)
    assert decision.attestation

    # A second decision is refused, as the client's error model.
    status, error = call(generated_client, "instruction.instruction_dossiers_decision_create",
                         client=client, id=dossier.pk, body=decision_body)
    assert status == 409 and isinstance(error, models.Error) and error.detail and error.code

    # The dossier reads as decided, in the detail and in the filtered list.
    status, detail = call(generated_client, "instruction.instruction_dossiers_retrieve",
                          client=client, id=dossier.pk)
    assert detail.status == models.DossierStatusEnum.ACCEPTE and detail.decision == "accepte"
    assert isinstance(detail.decision_detail, models.Decision)
    assert [row.recommendation for row in detail.reviews] == [
        models.ReviewRecommendationEnum.ACCEPTER]
    status, page = call(generated_client, "instruction.instruction_dossiers_list",
                        client=client, status=models.DossierStatusEnum.ACCEPTE)
    assert [(row.id, row.review_count) for row in page.results] == [(dossier.pk, 1)]

    # Files, as bytes: the attestation, the dossier's PDF, the exports.
    status, attestation = call(generated_client,
                               "instruction.instruction_dossiers_attestation_retrieve",
                               client=client, id=dossier.pk)
    assert status == 200 and attestation.payload.read(4) == b"%PDF"
    status, pdf = call(generated_client, "instruction.instruction_dossiers_pdf_retrieve",
                       client=client, id=dossier.pk)
    assert status == 200 and pdf.payload.read(4) == b"%PDF"
    status, xlsx = call(generated_client, "instruction.instruction_dossiers_export_xlsx_retrieve",
                        client=client, call=fund_call.slug)
    assert status == 200 and xlsx.payload.read(2) == b"PK"
    status, export = call(generated_client, "instruction.instruction_dossiers_export_csv_retrieve",
                          client=client, status=models.DossierStatusEnum.ACCEPTE)
    assert status == 200
    rows = list(csv.DictReader(io.StringIO(export.payload.read().decode("utf-8-sig"))))
    assert [(row["id"], row["decision"]) for row in rows] == [(str(dossier.pk), "accepte")]


@live
def test_another_funders_reviewer_gets_the_clients_errors(generated_client, api, scene):
    models = generated_client.module("models")
    client = api(scene["stranger"])
    dossier = scene["dossier"]

    status, page = call(generated_client, "instruction.instruction_dossiers_list",
                        client=client)
    assert status == 200 and page.count == 0
    for operation in ("instruction.instruction_dossiers_retrieve",
                      "instruction.instruction_dossiers_attestation_retrieve",
                      "appels_et_dossiers.dossiers_retrieve"):
        status, error = call(generated_client, operation, client=client, id=dossier.pk)
        assert status == 404 and isinstance(error, models.Error), operation
        assert error.code == "not_found", operation
    status, error = call(generated_client, "instruction.instruction_dossiers_declaration_create",
                         client=client, id=dossier.pk,
                         body=models.DeclarationInputRequest(has_conflict=False))
    assert status == 404 and isinstance(error, models.Error)

    status, error = call(generated_client, "instruction.instruction_dossiers_list",
                         client=api(None))
    assert status == 401 and isinstance(error, models.Error) and error.detail
