"""Hostile input never gives a 500: each cause schemathesis found, on the API and the pages.

Non-numeric ids, deleting a row still used, NUL characters, JSON that is not an object or is
nested without end, bodies too large: each is a 4xx with a French message, in the API's
`{"detail", "code"}` shape under /api/, on a page elsewhere.
"""

import json
from decimal import Decimal

import pytest
from django.urls import reverse

from cluster.models import Challenge, Engagement
from cluster.services import engagement_save
from territories.models import Actor
from tests.helpers import page_text
from tests.projects.factories import EventFactory, ProjectFactory

pytestmark = pytest.mark.django_db

NUL_MESSAGE = "La requête contient un caractère nul"


@pytest.fixture
def challenge(cluster):
    return Challenge.objects.create(cluster=cluster, title="Cultiver Marseille",
                                    kind="environnemental")


@pytest.fixture
def pme(territory_a):
    return Actor.objects.create(territory=territory_a, name="Les Paniers de l'Huveaune",
                                kind=Actor.Kind.PME, is_published=True)


def post_json(client, url, body):
    return client.generic("POST", url, body, content_type="application/json")


def assert_api_error(response, status, code, text=None):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    error = response.json()
    assert error["code"] == code
    if text is not None:
        assert text in error["detail"]
    return error


# Ids that are not numbers -----------------------------------------------------------------

@pytest.mark.parametrize("path", [
    "/api/instruction/dossiers/abc/", "/api/instruction/dossiers/abc/pdf/",
    "/api/instruction/dossiers/1.5/declaration/", "/api/defis/abc/", "/api/plans/x/",
    "/api/evenements/abc/inscriptions/",
])
def test_an_id_that_is_not_a_number_is_a_json_404(client, reviewer, path):
    client.force_login(reviewer)
    assert_api_error(client.get(path), 404, "not_found")


def test_an_id_that_is_not_a_number_is_a_404_on_the_pages(client, facilitator, cluster):
    client.force_login(facilitator)
    assert client.get(f"/clusters/{cluster.pk}x/").status_code == 404


# Deleting a row still used ------------------------------------------------------------------

def test_deleting_a_defi_with_projects_is_a_409_naming_them(client, facilitator, cluster,
                                                           challenge):
    for title in ["Compost collectif", "Vélo-école", "Jardins partagés", "Ressourcerie"]:
        ProjectFactory(cluster=cluster, challenge=challenge, title=title)
    client.force_login(facilitator)

    response = client.delete(reverse("api:challenge-detail", args=[challenge.pk]))

    error = assert_api_error(response, 409, "protected", "4 projets")
    assert "« Compost collectif », « Vélo-école », « Jardins partagés »…" in error["detail"]
    assert error["detail"].startswith("Suppression impossible")
    assert Challenge.objects.filter(pk=challenge.pk).exists()


def test_deleting_an_engaged_company_on_its_page_explains_why_not(client, facilitator, cluster,
                                                                  territory_a, pme):
    engagement_save(engagement=Engagement(cluster=cluster), by=facilitator, fields={
        "company": pme, "kind": Engagement.Kind.PURCHASING, "value": Decimal(1000)})
    client.force_login(facilitator)

    response = client.post(reverse("territories:actor_delete",
                                   args=[territory_a.slug, pme.pk]))

    assert response.status_code == 409
    text = page_text(response)
    assert "Suppression impossible : 1 entreprise engagée (« Les Paniers de l'Huveaune" in text
    assert "en dépend encore" in text
    assert Actor.objects.filter(pk=pme.pk).exists()


def test_deleting_an_engaged_company_by_the_api_is_a_409(client, facilitator, cluster, pme):
    engagement_save(engagement=Engagement(cluster=cluster), by=facilitator, fields={
        "company": pme, "kind": Engagement.Kind.PURCHASING, "value": Decimal(1000)})
    client.force_login(facilitator)

    response = client.delete(reverse("api:actor-detail", args=[pme.pk]))

    assert_api_error(response, 409, "protected", "1 entreprise engagée")
    assert Actor.objects.filter(pk=pme.pk).exists()


# NUL characters ---------------------------------------------------------------------------

def test_a_nul_character_in_a_json_slug_is_a_400(client, facilitator, territory_a):
    client.force_login(facilitator)
    response = post_json(client, reverse("api:actor-list"), json.dumps(
        {"territory": "aix-marseille-provence\u0000", "name": "Arbres", "kind": "association"}))

    assert_api_error(response, 400, "null_character", NUL_MESSAGE)
    assert not Actor.objects.exists()


def test_a_nul_character_in_a_json_key_or_a_nested_value_is_a_400(client, facilitator):
    client.force_login(facilitator)
    url = reverse("api:actor-list")
    assert_api_error(post_json(client, url, '{"na\\u0000me": "x"}'), 400, "null_character")
    assert_api_error(post_json(client, url, '{"themes": [["\\u0000"]]}'), 400,
                     "null_character")


def test_an_api_form_is_a_415_as_the_api_reads_json_only(client, facilitator, territory_a):
    client.force_login(facilitator)
    response = client.generic(
        "PUT", reverse("api:territory-detail", args=[territory_a.slug]),
        "name=Aix%00&kind=metropole", content_type="application/x-www-form-urlencoded")

    assert_api_error(response, 415, "unsupported_media_type")
    territory_a.refresh_from_db()
    assert territory_a.name != "Aix"


def test_a_nul_character_in_an_api_filter_is_a_400(client):
    response = client.get(reverse("api:actor-list"), {"territory": "aix\x00"})

    assert_api_error(response, 400, "null_character", NUL_MESSAGE)


def test_a_nul_character_in_a_page_search_is_a_400_page(client):
    response = client.get(reverse("search"), {"q": "compost\x00"})

    assert response.status_code == 400
    assert NUL_MESSAGE in page_text(response)


def test_a_nul_character_in_a_page_form_is_a_400_page(client, facilitator, territory_a):
    client.force_login(facilitator)
    response = client.post(reverse("territories:actor_create", args=[territory_a.slug]),
                           {"name": "Arbres\x00", "kind": "association"})

    assert response.status_code == 400
    assert NUL_MESSAGE in page_text(response)
    assert not Actor.objects.exists()


def test_a_nul_character_in_the_address_is_a_400(client, facilitator):
    client.force_login(facilitator)
    assert client.get("/invitations/abc%00def/").status_code == 400
    assert_api_error(client.get("/api/territoires/aix%00/carte/"), 400, "null_character")


# JSON that is not an object, or nested without end -----------------------------------------

@pytest.mark.parametrize("body", ["[1, 2]", '"acteur"', "42", "null", "[]"])
def test_a_json_body_that_is_not_an_object_is_a_400(client, facilitator, territory_a, body):
    client.force_login(facilitator)

    response = post_json(client, reverse("api:actor-list"), body)

    assert_api_error(response, 400, "not_an_object", "objet JSON")
    assert not Actor.objects.exists()


@pytest.mark.parametrize("depth", [33, 100_000])
def test_deeply_nested_json_is_a_400_even_anonymously(client, depth):
    event = EventFactory()
    body = '{"name": ' + "[" * depth + "]" * depth + ', "email": "a@exemple.fr"}'

    response = post_json(client, reverse("api:event-registrations", args=[event.pk]), body)

    assert_api_error(response, 400, "too_deep", "32 niveaux")
    assert not event.registrations.exists()


def test_json_nested_32_levels_is_read(client):
    event = EventFactory()
    body = {"name": "Ada", "email": "ada@exemple.fr", "extra": json.loads("[" * 30 + "]" * 30)}

    response = post_json(client, reverse("api:event-registrations", args=[event.pk]),
                         json.dumps(body))

    assert response.status_code == 201, response.content


def test_invalid_json_is_a_400(client, facilitator):
    client.force_login(facilitator)
    assert_api_error(post_json(client, reverse("api:actor-list"), '{"name": '), 400,
                     "parse_error", "pas un JSON valide")


# Bodies too large ---------------------------------------------------------------------------

# A form is refused before it is read (415, as the API reads JSON only), whatever its size.
@pytest.mark.parametrize(("content_type", "status", "code"), [
    ("application/json", 413, "too_large"),
    ("application/x-www-form-urlencoded", 415, "unsupported_media_type"),
    ("multipart/form-data; boundary=BOUNDARY", 415, "unsupported_media_type")])
def test_a_body_too_large_is_a_json_413(client, settings, facilitator, territory_a,
                                        content_type, status, code):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    client.force_login(facilitator)
    name = "a" * 2000
    body = {
        "application/json": json.dumps({"territory": territory_a.slug, "name": name}),
        "application/x-www-form-urlencoded": f"territory={territory_a.slug}&name={name}",
        "multipart/form-data; boundary=BOUNDARY": (
            f'--BOUNDARY\r\nContent-Disposition: form-data; name="name"\r\n\r\n{name}\r\n'
            "--BOUNDARY--\r\n"),
    }[content_type]

    response = client.generic("POST", reverse("api:actor-list"), body,
                              content_type=content_type)

    assert_api_error(response, status, code, "1024 octets" if status == 413 else None)
    assert not Actor.objects.exists()


# Fields of the wrong type -------------------------------------------------------------------

def test_a_siret_that_is_not_a_string_is_a_400(client, facilitator, territory_a):
    client.force_login(facilitator)
    response = post_json(client, reverse("api:actor-list"), json.dumps(
        {"territory": territory_a.slug, "name": "Arbres", "kind": "association",
         "siret": [None, None]}))

    error = assert_api_error(response, 400, "invalid")
    assert "siret" in error["errors"]


def test_a_patched_perimeter_without_its_codes_is_a_400(client, facilitator, territory_a):
    client.force_login(facilitator)
    response = client.patch(reverse("api:territory-detail", args=[territory_a.slug]),
                            {"perimeter": {"level": "communes"}}, content_type="application/json")

    error = assert_api_error(response, 400, "invalid")
    assert "Indiquez le niveau et les codes du périmètre" in str(error["errors"]["perimeter"])
