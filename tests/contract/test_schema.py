"""The schema a client is generated from: ASCII names, JSON bodies, typed files and errors."""

import re

import pytest
from django.urls import reverse

ERROR = "#/components/schemas/Error"
VALIDATION_ERROR = "#/components/schemas/ValidationError"


@pytest.fixture(scope="module")
def schema(_openapi_schema):
    return _openapi_schema


def operations(schema):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield path, method.upper(), operation


def test_names_are_ascii_and_tags_keep_their_french_description(schema):
    for _path, _method, operation in operations(schema):
        assert re.fullmatch(r"[a-z0-9_]+", operation["operationId"])
        assert all(re.fullmatch(r"[a-z-]+", tag) for tag in operation["tags"])
        for parameter in operation.get("parameters", []):
            assert "title" not in parameter["schema"], parameter
    tags = {tag["name"]: str(tag["description"]) for tag in schema["tags"]}
    assert tags["defis"] == "Défis, objectifs et mesures."
    assert {tag for *_rest, operation in operations(schema)
            for tag in operation["tags"]} <= set(tags)


def test_bodies_are_json_and_no_operation_takes_a_format(schema):
    for path, _method, operation in operations(schema):
        if "requestBody" in operation:
            assert list(operation["requestBody"]["content"]) == ["application/json"], path
        assert "format" not in {p["name"] for p in operation.get("parameters", [])}, path


def test_every_error_is_the_one_error_shape_in_json(schema):
    for path, method, operation in operations(schema):
        responses = operation["responses"]
        errors = {code for code in responses if code >= "400"}
        assert "401" in errors, (method, path)
        if method != "GET":
            assert {"403", "409"} <= errors, (method, path)
        if "{" in path:
            assert "404" in errors, (method, path)
        if "requestBody" in operation:
            assert {"400", "413", "415"} <= errors, (method, path)
        for code in errors:
            content = responses[code]["content"]
            assert list(content) == ["application/json"], (method, path, code)
            expected = VALIDATION_ERROR if code == "400" else ERROR
            assert content["application/json"]["schema"] == {"$ref": expected}
    assert "429" in schema["paths"]["/api/evenements/{id}/inscriptions/"]["post"]["responses"]
    assert "202" in schema["paths"]["/api/clusters/"]["post"]["responses"]


@pytest.mark.parametrize(("path", "media_type"), [
    ("/api/instruction/dossiers/{id}/pdf/", "application/pdf"),
    ("/api/instruction/dossiers/{id}/attestation/", "application/pdf"),
    ("/api/schemas-directeurs/{id}/pdf/", "application/pdf"),
    ("/api/instruction/dossiers/export.xlsx/",
     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("/api/instruction/dossiers/export.csv/", "text/csv"),
])
def test_files_are_binary_under_their_own_type(schema, path, media_type):
    success = schema["paths"][path]["get"]["responses"]["200"]["content"]
    assert success == {media_type: {"schema": {"type": "string", "format": "binary"}}}


def test_inputs_use_the_same_enums_as_responses(schema):
    components = schema["components"]["schemas"]

    def enum(component, field):
        property_ = components[component]["properties"][field]
        return property_.get("$ref") or property_["allOf"][0]["$ref"]

    assert (enum("ReviewInputRequest", "recommendation") == enum("Review", "recommendation")
            == "#/components/schemas/ReviewRecommendationEnum")
    assert (enum("DecisionInputRequest", "outcome") == enum("Decision", "outcome")
            == "#/components/schemas/DecisionOutcomeEnum")
    assert not [name for name in components if re.search(r"[0-9a-f]{3}Enum$", name)]


def test_responses_list_every_field_they_write(schema):
    components = schema["components"]["schemas"]
    dossier = components["Dossier"]
    assert set(dossier["required"]) == set(dossier["properties"])
    for component, field in [("Event", "place_name"), ("SteeringMeeting", "created_by"),
                             ("Deliverable", "uploaded_by"), ("StageChange", "by"),
                             ("DossierDetail", "checklist"), ("DossierDetail", "snapshot")]:
        assert components[component]["properties"][field]["nullable"] is True


def test_a_dossiers_checklist_is_typed_item_by_item(schema):
    """A generated client reads `item.ok`, not a dict of anything."""
    components = schema["components"]["schemas"]
    checklist = components["DossierDetail"]["properties"]["checklist"]
    assert checklist["items"] == {"$ref": "#/components/schemas/ChecklistItem"}
    item = components["ChecklistItem"]
    assert item["properties"]["ok"] == {"type": "boolean"}
    assert set(item["required"]) == {"key", "label", "ok", "message"}


@pytest.mark.django_db
def test_a_form_instead_of_json_gets_415_in_the_error_shape(client, facilitator):
    client.force_login(facilitator)
    response = client.post(reverse("api:territory-list"), {"name": "Forme"})
    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"
