"""The first-run path creates the territory from its official codes when the search finds
nothing: territory (an unpublished draft stewarded by the new collective), collective,
facilitator, cluster and its seven steps, in one transaction."""

import pytest
from django.urls import reverse

from cluster.errors import DomainError
from cluster.models import Cluster, ClusterRequest, Collective, Membership, Stewardship, User
from cluster.onboarding import NewTerritory, cluster_launch
from territories.models import Epci, Territory
from tests.helpers import page_text
from tests.territories.factories import CommuneFactory, EpciFactory, TerritoryFactory

pytestmark = pytest.mark.django_db

SIREN = "248600413"


@pytest.fixture
def grand_poitiers(db):
    epci = EpciFactory(code=SIREN, name="CU du Grand Poitiers", kind=Epci.Kind.CU)
    CommuneFactory(code="86194", name="Poitiers", epci=epci)
    CommuneFactory(code="86041", name="Buxerolles", epci=epci)
    CommuneFactory(code="86066", name="Chasseneuil-du-Poitou")
    return epci


@pytest.fixture
def newcomer(db):
    return User.objects.create_user(email="nouvelle@exemple.fr", password="x-Secret-2026")


def _post(client, **fields):
    return client.post(reverse("onboarding_start"), {
        "collective_name": "Collectif Poitiers en transition", "territory": "",
        "territory_name": "Grand Poitiers", "perimeter_level": "epci",
        "perimeter_codes": SIREN, "start_date": "2026-09-01", "duration_months": 12,
        **fields})


def _written():
    return (Territory.objects.count(), Collective.objects.count(), Cluster.objects.count(),
            Membership.objects.count(), Stewardship.objects.count())


def test_a_newcomer_creates_the_territory_from_its_epci_and_reaches_the_dashboard(
        client, newcomer, grand_poitiers):
    client.force_login(newcomer)
    response = _post(client)
    territory = Territory.objects.get(name="Grand Poitiers")
    cluster = Cluster.objects.get(territory=territory)
    assert response.status_code == 302
    assert response.url == reverse("cluster_dashboard", args=[cluster.pk])
    assert not territory.is_published
    assert (territory.perimeter_level, territory.perimeter_codes) == ("epci", [SIREN])
    assert sorted(territory.communes.values_list("code", flat=True)) == ["86041", "86194"]
    assert territory.kind == Territory.Kind.AGGLOMERATION  # from the EPCI's kind, CU
    assert territory.created_by == newcomer
    assert territory.stewardship.collective == cluster.collective
    assert cluster.collective.name == "Collectif Poitiers en transition"
    assert Membership.objects.get(user=newcomer).role == Membership.Role.FACILITATOR
    assert cluster.steps.count() == 7


def test_the_territory_is_created_from_communes_codes_with_the_kind_chosen(
        client, newcomer, grand_poitiers):
    client.force_login(newcomer)
    response = _post(client, perimeter_level="communes", perimeter_codes="86194, 86066;86041",
                     territory_name="Nord de Poitiers", kind="rural")
    assert response.status_code == 302
    territory = Territory.objects.get(name="Nord de Poitiers")
    assert territory.perimeter_codes == ["86041", "86066", "86194"]
    assert territory.communes.count() == 3 and territory.kind == "rural"


@pytest.mark.parametrize(("fields", "message"), [
    ({"perimeter_codes": "200000999"}, "Codes inconnus parmi les EPCI : 200000999."),
    ({"perimeter_codes": f"{SIREN} 86194"}, "mélange des codes de communes et des SIREN"),
    ({"perimeter_codes": "86194"}, "choisissez le niveau « communes »"),
    ({"perimeter_level": "communes"}, "choisissez le niveau « intercommunalités (EPCI) »"),
    ({"perimeter_codes": "Poitiers"}, "Codes inconnus : POITIERS."),
    ({"perimeter_codes": "24860\x000413"}, "caractère nul"),
    ({"perimeter_level": "region"}, "communes ou intercommunalités (EPCI)"),
    ({"territory_name": "   "}, "Donnez un nom au territoire."),
    ({"territory_name": "Grand\x00Poitiers"}, "caractère nul"),
    ({"territory_name": "aix-marseille-provence"}, "Un territoire s'appelle déjà"),
    ({"perimeter_codes": "", "territory_name": "", "perimeter_level": "epci"},
     "Choisissez un territoire de la liste, ou créez-le"),
    ({"collective_name": ""}, "Nommez le collectif porteur"),
    ({"duration_months": 8}, "Un cluster dure de 9 à 12 mois."),
])
def test_bad_inputs_are_refused_in_french_and_nothing_is_written(
        client, newcomer, grand_poitiers, territory_a, fields, message):
    client.force_login(newcomer)
    before = _written()
    response = _post(client, **fields)
    assert response.status_code == 400
    assert message in page_text(response)
    assert _written() == before


def test_a_territory_chosen_and_one_created_at_once_are_refused(
        client, newcomer, grand_poitiers, territory_a):
    client.force_login(newcomer)
    before = _written()
    response = _post(client, territory=territory_a.pk)
    assert "Choisissez un territoire de la liste, ou créez-le" in page_text(response)
    assert _written() == before


def test_a_refusal_after_the_territory_is_written_leaves_nothing_behind(newcomer,
                                                                      grand_poitiers):
    before = _written()
    with pytest.raises(DomainError, match="9 à 12 mois"):
        cluster_launch(by=newcomer, start_date=None, duration_months=13,
                       collective_name="Collectif Poitiers",
                       new_territory=NewTerritory(name="Grand Poitiers", level="epci",
                                                  codes=(SIREN,)))
    assert _written() == before


def test_the_same_perimeter_stewarded_by_another_collective_is_asked_for_not_taken(
        client, newcomer, grand_poitiers, territory_a, collective_a, committed):
    territory_a.perimeter_level, territory_a.perimeter_codes = "epci", [SIREN]
    territory_a.save()
    client.force_login(newcomer)
    with committed():
        response = _post(client, territory_name="Poitiers, encore")
    request = ClusterRequest.objects.get()
    assert response.url == request.get_absolute_url()
    assert (request.territory, request.collective.name) == (
        territory_a, "Collectif Poitiers en transition")
    assert not Territory.objects.filter(name="Poitiers, encore").exists()
    assert territory_a.stewardship.collective == collective_a
    assert list(territory_a.clusters.values_list("collective", flat=True)) == [collective_a.pk]


def test_the_same_perimeter_without_steward_is_reused_and_stewarded(client, newcomer,
                                                                    grand_poitiers):
    territory = TerritoryFactory(name="Poitiers agglo", perimeter_level="epci",
                                 perimeter_codes=[SIREN])
    client.force_login(newcomer)
    response = _post(client)
    assert response.status_code == 302
    assert Territory.objects.count() == 1
    territory.refresh_from_db()
    assert territory.stewardship.collective.name == "Collectif Poitiers en transition"
    assert territory.clusters.count() == 1


def test_a_search_that_finds_nothing_opens_the_creation_with_the_epci_suggested(
        client, newcomer, grand_poitiers):
    client.force_login(newcomer)
    response = client.get(reverse("onboarding_start"), {"q": "Grand Poitiers"})
    text = page_text(response)
    assert response.status_code == 200
    assert "Aucun territoire ne correspond" in text
    assert f'data-perimeter-code="{SIREN}"' in text
    assert "<details class=\"border rounded p-3 mb-3\" open>" in text


def test_a_facilitator_of_one_collective_creates_the_territory_for_it(
        client, facilitator, collective_a, grand_poitiers):
    client.force_login(facilitator)
    response = _post(client, collective=collective_a.pk, collective_name="")
    territory = Territory.objects.get(name="Grand Poitiers")
    assert response.status_code == 302
    assert territory.stewardship.collective == collective_a
    assert Collective.objects.count() == 1


@pytest.mark.parametrize(("name", "codes", "message"), [
    ("Grand\x00Poitiers", (SIREN,), "caractère invalide"),
    ("Grand Poitiers", ("24860\x000413",), r"Codes inconnus : 24860\?0413\."),
])
def test_the_service_refuses_a_nul_byte_itself(newcomer, grand_poitiers, name, codes,
                                               message):
    before = _written()
    with pytest.raises(DomainError, match=message):
        cluster_launch(by=newcomer, start_date=None, collective_name="Collectif Poitiers",
                       new_territory=NewTerritory(name=name, level="epci", codes=codes))
    assert _written() == before
