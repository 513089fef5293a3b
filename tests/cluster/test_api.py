import pytest
from django.urls import reverse
from drf_spectacular.validation import validate_schema
from rest_framework.exceptions import ValidationError

from cluster.api.exceptions import exception_handler
from cluster.errors import DomainError
from cluster.services import api_token_create
from tests.cluster.factories import CollectiveFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def test_api_root_lists_the_entry_points(client):
    response = client.get("/api/")
    assert response.status_code == 200
    assert set(response.json()) >= {"me", "schema", "docs"}


def test_anonymous_gets_a_french_error_with_a_code(client):
    response = client.get(reverse("api:me"))
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == 'Token realm="api"'
    assert response.json() == {
        "detail": "Authentification requise : envoyez l'en-tête Authorization: Token <jeton> "
                  "(ou Bearer <jeton>).",
        "code": "not_authenticated",
    }


def test_api_clients_may_ask_for_english(client, member_a):
    client.force_login(member_a)
    response = client.post(reverse("api:me"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.json()["detail"] == 'Method "POST" not allowed.'


def test_an_unknown_token_is_refused(client, reviewer):
    response = client.get(reverse("api:me"), HTTP_AUTHORIZATION="Token clir_nimportequoi")
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_token"


def test_expired_token_is_refused(client, reviewer):
    token, secret = api_token_create(user=reviewer, lifetime_days=30)
    token.expiry = token.created
    token.save()
    response = client.get(reverse("api:me"), HTTP_AUTHORIZATION=f"Token {secret}")
    assert response.status_code == 401


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("facilitator", {"memberships": [("Collectif porteur Aix-Marseille-Provence",
                                          "facilitator")], "funders": [], "is_staff": False}),
        ("member_b", {"memberships": [("Collectif porteur Lyon-Métropole", "member")],
                      "funders": [], "is_staff": False}),
        ("reviewer", {"memberships": [], "funders": ["Le French Impact"], "is_staff": False}),
        ("staff", {"memberships": [], "funders": [], "is_staff": True}),
    ],
)
def test_me_tells_each_role_what_it_is(client, cast, role, expected):
    _, secret = api_token_create(user=cast[role], lifetime_days=30)
    data = client.get(reverse("api:me"), HTTP_AUTHORIZATION=f"Token {secret}").json()
    assert data["email"] == cast[role].email
    assert [(m["collective_name"], m["role"]) for m in data["memberships"]] == expected[
        "memberships"]
    assert [f["funder_name"] for f in data["funders"]] == expected["funders"]
    assert data["is_staff"] is expected["is_staff"]


def test_me_is_read_only(client, member_a):
    client.force_login(member_a)
    response = client.post(reverse("api:me"), {"is_staff": True})
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"
    member_a.refresh_from_db()
    assert not member_a.is_staff


def test_me_query_count_is_constant(client, member_a, django_assert_max_num_queries):
    client.force_login(member_a)
    for _ in range(20):
        MembershipFactory(user=member_a, collective=CollectiveFactory())
    with django_assert_max_num_queries(5):
        response = client.get(reverse("api:me"))
    assert len(response.json()["memberships"]) == 21


def test_openapi_schema_is_valid_and_documents_the_endpoints(client, openapi_schema):
    response = client.get(reverse("api:schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = openapi_schema
    validate_schema(schema)
    assert "/api/me/" in schema["paths"]
    schemes = schema["components"]["securitySchemes"]
    assert schemes["tokenAuth"] == {
        "type": "apiKey", "in": "header", "name": "Authorization",
        "description": "Jeton créé depuis la page Profil, précédé de « Token » : "
                       "`Authorization: Token <jeton>`."}
    assert schemes["bearerAuth"]["scheme"] == "bearer"
    assert {"tokenAuth": []} in schema["paths"]["/api/me/"]["get"]["security"]
    assert {"bearerAuth": []} in schema["paths"]["/api/me/"]["get"]["security"]


@pytest.mark.parametrize(("component", "field"), [
    ("Event", "place_name"),  # an event held at an address, not a place of the map
    ("SteeringMeeting", "created_by"),  # its author's account was deleted
    ("Funder", "website"),
    ("Source", "website"),
    ("DossierDetail", "checklist"),  # once submitted, or for a reviewer
])
def test_fields_that_may_be_null_are_declared_nullable(component, field, openapi_schema):
    """schemathesis found these null in responses while the schema said they never were."""
    schema = openapi_schema
    assert schema["components"]["schemas"][component]["properties"][field]["nullable"] is True


def test_api_docs_are_served_without_any_cdn(client):
    response = client.get(reverse("api:docs"))
    assert response.status_code == 200
    html = response.text
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in html
    assert "cdn" not in html.lower()


def test_domain_and_validation_errors_have_one_shape():
    domain = exception_handler(DomainError("Déjà déposé.", code="already_submitted",
                                           status=409), {})
    assert (domain.status_code, domain.data) == (
        409, {"detail": "Déjà déposé.", "code": "already_submitted"})
    invalid = exception_handler(ValidationError({"amount": ["Ce champ est obligatoire."]}), {})
    assert invalid.status_code == 400
    assert invalid.data["code"] == "invalid"
    assert invalid.data["detail"] == "Les données envoyées ne sont pas valides."
    assert invalid.data["errors"] == {"amount": ["Ce champ est obligatoire."]}
