import pytest
from django.urls import reverse

from territories.errors import DomainError
from territories.models import Territory
from territories.services import territory_create, territory_set_perimeter
from tests.territories.factories import TerritoryFactory


@pytest.mark.parametrize(
    ("level", "codes", "communes", "population_at_least"),
    [
        ("epci", ["200054807"], 92, 1_800_000),        # Métropole d'Aix-Marseille-Provence
        ("region", ["53"], 1_200, 3_300_000),          # Bretagne
        ("departement", ["976"], 17, 250_000),          # Mayotte
        ("communes", ["59512"], 1, 90_000),             # Roubaix
    ],
)
@pytest.mark.django_db
def test_perimeter_is_stored_as_communes_and_figures_are_derived(
    geography, level, codes, communes, population_at_least
):
    territory = territory_create(name="Essai", kind=Territory.Kind.METROPOLE,
                                 level=level, codes=codes)
    assert territory.communes.count() >= communes
    assert territory.population() >= population_at_least
    assert not territory.communes.filter(kind="arrondissement").exists()


@pytest.mark.django_db
def test_unknown_codes_are_refused_and_nothing_is_written(geography):
    with pytest.raises(DomainError, match="Codes inconnus parmi les EPCI : 999999999"):
        territory_create(name="Fantôme", kind=Territory.Kind.RURAL, level="epci",
                         codes=["200054807", "999999999"])
    assert not Territory.objects.exists()


@pytest.mark.django_db
def test_a_refused_perimeter_change_keeps_the_old_one(geography):
    territory = territory_create(name="Roubaix", kind=Territory.Kind.INDUSTRIAL,
                                 level="communes", codes=["59512"])
    with pytest.raises(DomainError):
        territory_set_perimeter(territory=territory, level="communes", codes=["00000"])
    with pytest.raises(DomainError, match="au moins un élément"):
        territory_set_perimeter(territory=territory, level="communes", codes=[" "])
    with pytest.raises(DomainError, match="Niveau de périmètre inconnu"):
        territory_set_perimeter(territory=territory, level="canton", codes=["1301"])
    assert list(territory.communes.values_list("code", flat=True)) == ["59512"]


@pytest.mark.django_db
def test_public_sees_published_territories_only(client, staff, geography):
    territory_create(name="Valence-Romans", kind=Territory.Kind.AGGLOMERATION, level="epci",
                     codes=["200068781"], is_published=True)
    TerritoryFactory(name="Brouillon secret", slug="brouillon", is_published=False)

    listing = client.get(reverse("territories:list"))
    assert "Valence-Romans" in listing.text
    assert "Brouillon secret" not in listing.text
    assert client.get(reverse("territories:detail", args=["brouillon"])).status_code == 404

    client.force_login(staff)
    assert "Brouillon secret" in client.get(reverse("territories:list")).text
    assert client.get(reverse("territories:detail", args=["brouillon"])).status_code == 200


@pytest.mark.django_db
def test_detail_shows_derived_figures(client, geography):
    territory_create(name="Mayotte", kind=Territory.Kind.OVERSEAS, level="departement",
                     codes=["976"], is_published=True)
    response = client.get(reverse("territories:detail", args=["mayotte"]))
    assert "Mayotte (976)" in response.text
    assert response.context["territory"].commune_count == 17


@pytest.mark.django_db
def test_list_keeps_a_constant_number_of_queries(client, django_assert_max_num_queries):
    for _ in range(3):
        TerritoryFactory()
    with django_assert_max_num_queries(4) as few:
        client.get(reverse("territories:list"))
    for _ in range(30):
        TerritoryFactory()
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("territories:list"))
    assert len(response.context["page"].object_list) == 20
    assert "Page 1 sur 2" in response.text


@pytest.mark.django_db
def test_empty_list_says_what_to_do(client):
    assert "Aucun territoire publié pour l'instant" in client.get(reverse("territories:list")).text
