"""A priority cooperation territory may be any commune or EPCI of the official geography,
named by its INSEE code or SIREN, even one with no cluster on the platform."""

import pytest
from django.urls import reverse

from territories.errors import DomainError
from territories.models import Epci, Territory
from territories.services import cooperation_territory_add
from tests.editing import form_data
from tests.helpers import page_text
from tests.territories.factories import CommuneFactory, EpciFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def geography(db):
    # Codes outside the official geography, which other tests load for the whole session.
    epci = EpciFactory(code="299999991", name="Mauges Communauté", kind=Epci.Kind.CA)
    return {
        "commune": CommuneFactory(code="96001", name="Aix-en-Provence", population=145_000),
        "village": CommuneFactory(code="96002", name="Allauch", population=900),
        "epci": epci,
        "member": CommuneFactory(code="96003", name="Chemillé-en-Anjou", epci=epci),
    }


def test_a_commune_becomes_a_draft_cooperation_territory(territory_a, geography, facilitator):
    other = cooperation_territory_add(territory=territory_a, code=" 96001 ", by=facilitator)
    assert (other.name, other.kind, other.is_published) == (
        "Aix-en-Provence", Territory.Kind.MEDIUM_TOWN, False)
    assert (other.perimeter_level, other.perimeter_codes) == ("communes", ["96001"])
    assert list(other.communes.values_list("code", flat=True)) == ["96001"]
    assert list(territory_a.cooperation_territories.all()) == [other]


def test_an_epci_brings_its_communes_and_is_reused_by_others(territory_a, territory_b,
                                                            geography, facilitator):
    other = cooperation_territory_add(territory=territory_a, code="299999991", by=facilitator)
    assert (other.name, other.kind) == ("Mauges Communauté", Territory.Kind.AGGLOMERATION)
    assert list(other.communes.values_list("code", flat=True)) == ["96003"]
    again = cooperation_territory_add(territory=territory_b, code="299999991")
    assert again == other
    assert Territory.objects.filter(perimeter_codes=["299999991"]).count() == 1


def test_a_name_already_taken_gets_the_code(territory_a, geography):
    Territory.objects.create(name="Allauch", slug="allauch", kind=Territory.Kind.RURAL)
    other = cooperation_territory_add(territory=territory_a, code="96002")
    assert (other.name, other.kind) == ("Allauch (96002)", Territory.Kind.RURAL)


@pytest.mark.parametrize(("code", "error"), [
    ("", "invalid_code"), ("abc", "invalid_code"), ("1300", "invalid_code"),
    ("960011", "invalid_code"), ("96001\x00", "invalid_code"), ("2C001", "invalid_code"),
    ("99999", "unknown_code"), ("200000000", "unknown_code"), (None, "invalid_code"),
])
def test_unknown_or_malformed_codes_are_refused(territory_a, geography, code, error):
    territories = Territory.objects.count()
    with pytest.raises(DomainError) as refused:
        cooperation_territory_add(territory=territory_a, code=code)
    assert refused.value.code == error
    assert refused.value.field == "cooperation_code"
    assert not territory_a.cooperation_territories.exists()
    assert Territory.objects.count() == territories


def test_a_territory_is_not_its_own_cooperation_territory_nor_twice(territory_a, geography):
    own = Territory.objects.create(name="Aix", slug="aix", kind=Territory.Kind.RURAL,
                                   perimeter_level="communes", perimeter_codes=["96001"])
    with pytest.raises(DomainError) as refused:
        cooperation_territory_add(territory=own, code="96001")
    assert refused.value.code == "same_territory"
    cooperation_territory_add(territory=territory_a, code="96001")
    with pytest.raises(DomainError) as twice:
        cooperation_territory_add(territory=territory_a, code="96001")
    assert (twice.value.code, twice.value.status) == ("already_cooperating", 409)


def test_the_edit_page_adds_one_by_code_and_says_when_it_is_unknown(client, staff,
                                                                   territory_a, geography):
    client.force_login(staff)
    url = reverse("territories:update", args=[territory_a.slug])
    perimeter = {"perimeter_level": "communes", "perimeter_codes": "96002"}
    data = {**form_data(client.get(url), "form", "figures"), **perimeter}
    refused = client.post(url, {**data, "cooperation_code": "99999"})
    assert refused.status_code == 400
    assert ("Aucune commune ni intercommunalité de la géographie officielle n'a le code "
            "« 99999 »") in page_text(refused)
    assert not territory_a.cooperation_territories.exists()
    done = client.post(url, {**form_data(client.get(url), "form", "figures"), **perimeter,
                             "cooperation_code": "96001"})
    assert done.status_code == 302
    other = territory_a.cooperation_territories.get()
    assert other.name == "Aix-en-Provence"
    # The new territory is then offered, ticked, among the cooperation territories.
    again = form_data(client.get(url), "form", "figures")
    assert other.pk in [int(pk) for pk in again["cooperation_territories"]]


@pytest.mark.parametrize(("role", "status"), [
    ("anonymous", 401), ("member_b", 403), ("reviewer", 403), ("staff", 201)])
def test_the_api_adds_one_for_the_territorys_editors_only(client, cast, anonymous, territory_a,
                                                         geography, role, status):
    people = {**cast, "anonymous": anonymous}
    if role != "anonymous":
        client.force_login(people[role])
    response = client.post(reverse("api:territory-add-cooperation", args=[territory_a.slug]),
                           {"code": "299999991"}, content_type="application/json")
    assert response.status_code == status
    if status == 201:
        assert response.json() == {"slug": "mauges-communaute", "name": "Mauges Communauté",
                                   "is_published": False}
        assert territory_a.cooperation_territories.get().slug == "mauges-communaute"
    else:
        assert not territory_a.cooperation_territories.exists()


@pytest.mark.parametrize(("body", "status", "code"), [
    ({"code": "99999"}, 400, "unknown_code"),
    ({"code": "1300\x00"}, 400, "null_character"),
    ({"code": ""}, 400, "invalid"),
    ({}, 400, "invalid"),
    (["96001"], 400, "not_an_object"),
    ({"code": "x" * 21}, 400, "invalid"),
])
def test_the_api_refuses_bad_codes_in_french(client, staff, territory_a, geography, body,
                                              status, code):
    client.force_login(staff)
    response = client.post(reverse("api:territory-add-cooperation", args=[territory_a.slug]),
                           body, content_type="application/json")
    assert response.status_code == status
    assert response.json()["code"] == code
    assert not territory_a.cooperation_territories.exists()
