"""The API guide: one page for the funders' and collectives' developers, in French and
English, reachable without an account."""

import pytest
from django.urls import reverse

from tests.helpers import as_role

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", ["anonymous", "member_a", "reviewer", "staff"])
def test_everybody_reads_the_guide_from_the_menu(client, cast, role):
    response = as_role(client, cast, role).get(reverse("home"))
    assert reverse("api_guide") in response.content.decode()
    response = client.get(reverse("api_guide"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1 class=\"h2\">Guide de l'API</h1>" in page
    # What a developer needs: the header, the errors, the client, the signature.
    for words in ("Authorization", "Bearer", "WWW-Authenticate", "read_only_token",
                  '{"detail", "code"}', "openapi-python-client",
                  "instruction_dossiers_decision_create", "X-Cluster-Signature",
                  "hmac.compare_digest", "content_type_overrides"):
        assert words in page, words
    assert reverse("api:schema") in page and reverse("api:docs") in page


def test_the_guide_speaks_english_after_the_switch(client):
    client.cookies["django_language"] = "en"
    page = client.get(reverse("api_guide")).content.decode()
    assert "<h1 class=\"h2\">API guide</h1>" in page and "Guide de l'API" not in page
    assert "X-Cluster-Signature" in page and "read_only_token" in page


def test_the_guide_names_the_real_operations_and_filters(client, openapi_schema):
    """The example code must call what the schema names: a renamed operation or filter
    fails here before it misleads a funder's developer."""
    schema = openapi_schema
    operations = {operation["operationId"]: operation for methods in schema["paths"].values()
                  for operation in methods.values()}
    page = client.get(reverse("api_guide")).content.decode()
    for operation_id in ("instruction_dossiers_list", "instruction_dossiers_declaration_create",
                         "instruction_dossiers_retrieve", "instruction_dossiers_instruire_create",
                         "instruction_dossiers_avis_create",
                         "instruction_dossiers_decision_create",
                         "instruction_dossiers_attestation_retrieve", "appels_retrieve"):
        assert operation_id in page and operation_id in operations, operation_id
    filters = {parameter["name"] for parameter
               in operations["instruction_dossiers_list"].get("parameters", [])}
    assert {"status", "call", "territory", "submitted_after", "page"} <= filters
