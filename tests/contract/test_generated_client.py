"""A client generated from the schema, as a funder's developer makes it, works first time.

openapi-python-client generates it with no warning, every module imports, and it reads
real answers of a live server: a reviewer's dossiers, an export, errors, public territories.
"""

import io

import pytest
from openpyxl import load_workbook

from funding.services import conflict_declare, dossier_start_review
from tests.contract.conftest import call, live
from tests.funding.reviewing import call_with_grid, submitted_dossier


def test_the_client_generates_without_warning_and_every_module_imports(generated_client):
    assert "warning" not in generated_client.output.lower(), generated_client.output
    assert len(generated_client.modules) > 250
    assert generated_client.failures == {}


@pytest.fixture
def submitted(funder, territory_a):
    call = call_with_grid(funder, title="Fonds pour l'innovation sociale")
    return submitted_dossier(call, territory_a.clusters.get(), title="Dossier de Marseille")


@live
def test_a_reviewer_reads_the_dossiers_through_the_generated_models(
        generated_client, api, submitted, reviewer):
    models = generated_client.module("models")
    client = api(reviewer)

    # Not declared yet: the list shows the dossier without its contents; the detail is 403.
    status, page = call(generated_client, "instruction.instruction_dossiers_list",
                        client=client)
    assert status == 200 and isinstance(page, models.PaginatedInstructionDossierList)
    (row,) = page.results
    assert (row.id, row.must_declare, row.territory) == (submitted.pk, True, None)
    status, dossiers = call(generated_client, "appels_et_dossiers.dossiers_list", client=client)
    assert status == 200 and dossiers.results[0].territory == ""
    status, error = call(generated_client, "instruction.instruction_dossiers_retrieve",
                         client=client, id=submitted.pk)
    assert status == 403 and isinstance(error, models.Error)
    assert error.code == "declaration_required"

    body = models.DeclarationInputRequest(has_conflict=False)
    status, created = call(generated_client, "instruction.instruction_dossiers_declaration_create",
                           client=client, id=submitted.pk, body=body)
    assert status == 201 and created.has_conflict is False

    status, detail = call(generated_client, "instruction.instruction_dossiers_retrieve",
                          client=client, id=submitted.pk)
    assert status == 200 and isinstance(detail, models.InstructionDossierDetail)
    assert detail.must_declare is False and detail.territory == submitted.cluster.territory.name
    assert detail.decision_detail is None and detail.reviews == []
    status, dossier = call(generated_client, "appels_et_dossiers.dossiers_retrieve",
                           client=client, id=submitted.pk)
    assert status == 200 and isinstance(dossier, models.DossierDetail)
    assert dossier.checklist is None and dossier.snapshot is not None

    # The export, as bytes, and the error of an unknown dossier, in JSON.
    status, export = call(generated_client, "instruction.instruction_dossiers_export_xlsx_retrieve",
                          client=client)
    assert status == 200
    sheet = load_workbook(io.BytesIO(export.payload.read())).active
    assert sheet.cell(row=2, column=1).value == submitted.pk
    status, missing = call(generated_client, "instruction.instruction_dossiers_pdf_retrieve",
                           client=client, id=submitted.pk + 1000)
    assert status == 404 and missing.code == "not_found"


@live
def test_a_refused_body_comes_back_as_a_validation_error(generated_client, api, submitted,
                                                         reviewer):
    models = generated_client.module("models")
    conflict_declare(dossier=submitted, reviewer=reviewer, has_conflict=False)
    dossier_start_review(dossier=submitted, by=reviewer)
    body = models.ReviewInputRequest(scores=models.ReviewInputRequestScores(), comment="Bien.",
                                     recommendation=models.ReviewRecommendationEnum.ACCEPTER)
    status, error = call(generated_client, "instruction.instruction_dossiers_avis_create",
                         client=api(reviewer), id=submitted.pk, body=body)
    assert status == 400 and isinstance(error, models.ValidationError)
    assert error.code == "invalid_scores" and error.detail


@live
def test_anyone_reads_the_published_territories(generated_client, api, territory_a):
    models = generated_client.module("models")
    territory_a.is_published = True
    territory_a.save()
    status, page = call(generated_client, "territoires.territoires_list", client=api(None))
    assert status == 200 and isinstance(page, models.PaginatedTerritoryList)
    assert [territory.slug for territory in page.results] == [territory_a.slug]
    status, error = call(generated_client, "territoires.territoires_retrieve",
                         client=api(None), slug="inconnu")
    assert status == 404 and isinstance(error, models.Error)
