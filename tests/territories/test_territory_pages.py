import pytest
from django.urls import reverse

from territories.models import KeyFigure, Territory
from tests.helpers import as_role, page_text

pytestmark = pytest.mark.django_db


def post_data(**overrides):
    data = {
        "name": "Pays d'Aix", "kind": "agglomeration", "summary": "",
        "perimeter_level": "epci", "perimeter_codes": "200054807",
        "transitions": ["energetique", "numerique"],
        "key_figures-TOTAL_FORMS": "1", "key_figures-INITIAL_FORMS": "0",
        "key_figures-MIN_NUM_FORMS": "0", "key_figures-MAX_NUM_FORMS": "1000",
        "key_figures-0-label": "Ménages sous le seuil de pauvreté",
        "key_figures-0-value": "200000", "key_figures-0-unit": "ménages",
        "key_figures-0-year": "2019", "key_figures-0-source": "Dossier de presse French Impact",
    }
    data.update(overrides)
    return data


def test_facilitator_creates_a_territory_from_an_epci(client, facilitator, geography):
    client.force_login(facilitator)
    response = client.post(reverse("territories:create"), post_data())
    territory = Territory.objects.get(slug="pays-daix")
    assert response.status_code == 302 and response.url == territory.get_absolute_url()
    assert territory.communes.count() == 92
    assert (territory.perimeter_level, territory.perimeter_codes) == ("epci", ["200054807"])
    assert territory.get_transitions_display() == ["énergétique", "numérique"]
    detail = page_text(client.get(territory.get_absolute_url()))
    assert "Ménages sous le seuil de pauvreté" in detail
    assert "Dossier de presse French Impact, 2019" in detail
    edit = client.get(reverse("territories:update", args=[territory.slug]))
    assert edit.context["form"].initial["perimeter_codes"] == "200054807"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"perimeter_codes": "200054807 123456789"}, "Codes inconnus parmi les EPCI : 123456789."),
        ({"perimeter_codes": ""}, "Choisissez au moins une commune"),
        ({"key_figures-0-source": ""}, "Ce champ est obligatoire."),
        ({"transitions": ["spatiale"]}, "Sélectionnez un choix valide"),
    ],
)
def test_bad_input_is_explained_and_nothing_is_written(client, facilitator, geography,
                                                       overrides, message):
    client.force_login(facilitator)
    response = client.post(reverse("territories:create"), post_data(**overrides))
    assert response.status_code == 400
    assert message in page_text(response)
    assert not Territory.objects.exists()
    assert not KeyFigure.objects.exists()


def test_a_second_territory_with_the_same_name_is_refused(client, staff, geography):
    client.force_login(staff)
    client.post(reverse("territories:create"), post_data())
    response = client.post(reverse("territories:create"), post_data(perimeter_codes="13055",
                                                                     perimeter_level="communes"))
    assert "Un territoire nommé « Pays d'Aix » existe déjà." in page_text(response)
    assert Territory.objects.count() == 1


@pytest.mark.parametrize(("role", "status"), [("member_a", 403), ("reviewer", 403),
                                              ("staff", 200), ("facilitator", 200)])
def test_who_may_create_territories(client, cast, role, status):
    client.force_login(cast[role])
    assert client.get(reverse("territories:create")).status_code == status


@pytest.mark.parametrize(("role", "status"), [("facilitator", 200), ("member_a", 403),
                                              ("member_b", 403), ("reviewer", 403),
                                              ("staff", 200)])
def test_who_may_edit_a_territory(client, cast, territory_a, role, status):
    """Collective A stewards territory A: its facilitator edits it, its plain members
    do not (tests/territories/test_stewardship.py goes through every role)."""
    client.force_login(cast[role])
    assert client.get(reverse("territories:update", args=[territory_a.slug])).status_code == \
        status


def test_anonymous_is_sent_to_sign_in(client, territory_a):
    response = client.get(reverse("territories:create"))
    assert response.status_code == 302 and "/compte/connexion/" in response.url


def test_editing_changes_the_perimeter_and_cooperation(client, facilitator, territory_a,
                                                       geography):
    other = Territory.objects.create(name="Quartiers Nord", slug="quartiers-nord",
                                     kind="quartier_prioritaire", is_published=True)
    client.force_login(facilitator)
    response = client.post(reverse("territories:update", args=[territory_a.slug]), post_data(
        name="Aix-Marseille-Provence", perimeter_level="communes",
        perimeter_codes="13055, 13001", cooperation_territories=[other.pk],
        **{"key_figures-TOTAL_FORMS": "0"}))
    assert response.status_code == 302
    territory_a.refresh_from_db()
    assert sorted(territory_a.communes.values_list("code", flat=True)) == ["13001", "13055"]
    assert list(territory_a.cooperation_territories.all()) == [other]
    assert "Quartiers Nord" in page_text(client.get(territory_a.get_absolute_url()))


@pytest.mark.parametrize(
    ("level", "query", "expected"),
    [("communes", "Marseille", "13055"), ("communes", "13090", "13001"),
     ("epci", "Aix-Marseille", "200054807"), ("departement", "Mayotte", "976"),
     ("region", "Bretagne", "53")],
)
def test_perimeter_autocomplete(client, geography, level, query, expected):
    response = client.get(reverse("territories:perimeter_suggestions"),
                          {"level": level, "q": query})
    assert f'data-perimeter-code="{expected}"' in response.text


def test_the_territory_form_s_level_select_is_the_one_searched(client, geography):
    """The form sends its select as perimeter_level: EPCI preselected finds EPCI, not
    communes (whose codes the save would then refuse)."""
    response = client.get(reverse("territories:perimeter_suggestions"),
                          {"perimeter_level": "epci", "q": "Aix-Marseille"})
    assert 'data-perimeter-code="200054807"' in response.text
    assert 'data-perimeter-code="13001"' not in response.text


def test_commune_autocomplete_for_actor_forms(client, geography):
    response = client.get(reverse("territories:commune_suggestions"), {"commune": "Roubaix"})
    assert 'value="59512 Roubaix (59)"' in response.text


# API -----------------------------------------------------------------------------------

def test_facilitator_creates_and_edits_a_territory_through_the_api(client, facilitator,
                                                                   geography):
    client.force_login(facilitator)
    response = client.post(reverse("api:territory-list"), {
        "name": "Mayotte", "kind": "outre_mer", "transitions": ["demographique"],
        "perimeter": {"level": "departement", "codes": ["976"]},
    }, content_type="application/json")
    assert response.status_code == 201, response.json()
    assert response.json()["commune_count"] == 17
    assert response.json()["perimeter_codes"] == ["976"]
    url = reverse("api:territory-detail", args=["mayotte"])
    response = client.patch(url, {"perimeter": {"level": "communes", "codes": ["97611"]}},
                            content_type="application/json")
    assert response.status_code == 200, response.json()
    assert response.json()["commune_count"] == 1


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        ({"perimeter": {"level": "epci", "codes": ["999999999"]}}, "unknown_codes"),
        ({"perimeter": {"level": "canton", "codes": ["1"]}}, "invalid"),
        ({"perimeter": {"level": "epci", "codes": []}}, "invalid"),
        ({"transitions": ["spatiale"], "perimeter": {"level": "region", "codes": ["53"]}},
         "invalid"),
    ],
)
def test_api_refuses_bad_territories_and_writes_nothing(client, staff, geography, payload,
                                                        code):
    client.force_login(staff)
    response = client.post(reverse("api:territory-list"),
                           {"name": "Essai", "kind": "rural", **payload},
                           content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == code
    assert not Territory.objects.exists()


@pytest.mark.parametrize(("role", "status"), [("member_a", 403), ("reviewer", 403),
                                              ("anonymous", 401)])
def test_api_territory_creation_is_for_facilitators_and_staff(client, cast, role, status):
    as_role(client, cast, role)
    response = client.post(reverse("api:territory-list"), {
        "name": "Essai", "kind": "rural", "perimeter": {"level": "region", "codes": ["53"]},
    }, content_type="application/json")
    assert response.status_code == status


def test_api_territory_edit_is_for_its_editors(client, member_b, territory_a):
    client.force_login(member_b)
    response = client.patch(reverse("api:territory-detail", args=[territory_a.slug]),
                            {"name": "Piraté"}, content_type="application/json")
    assert response.status_code == 403
