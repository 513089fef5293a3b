import gzip
import json

import pytest
from django.core.management import call_command

from territories.geography import DATA_DIR, build_dataset, import_geography
from territories.models import Commune, Department, Epci, Region


@pytest.mark.django_db
def test_the_whole_official_geography_loads(geography):
    assert Region.objects.count() == 26
    assert Department.objects.count() == 109
    assert Epci.objects.count() == 1255
    assert Commune.objects.filter(kind=Commune.Kind.COMMUNE).count() == 34969
    assert Commune.objects.filter(kind=Commune.Kind.ARRONDISSEMENT).count() == 45

    marseille = Commune.objects.get(code="13055")
    assert marseille.epci_id == "200054807"
    assert marseille.department.region.name == "Provence-Alpes-Côte d'Azur"
    assert marseille.arrondissements.count() == 16
    assert Commune.objects.get(code="13203").parent_id == "13055"
    assert "69001" in Commune.objects.get(code="69381").postal_codes


@pytest.mark.django_db
def test_importing_twice_changes_nothing(geography):
    before = list(Commune.objects.order_by("code").values_list("code", "epci_id", "population"))
    counts = import_geography()
    after = list(Commune.objects.order_by("code").values_list("code", "epci_id", "population"))
    assert counts == geography
    assert after == before


@pytest.mark.django_db
def test_import_command_reports_in_french(geography, capsys):
    call_command("import_geography")
    assert "35014 communes et arrondissements" in capsys.readouterr().out


def test_build_dataset_derives_the_compact_files(tmp_path):
    source = tmp_path / "package"
    source.mkdir()
    (source / "regions.json").write_text(json.dumps([{"code": "93", "nom": "PACA"}]))
    (source / "departements.json").write_text(
        json.dumps([{"code": "13", "nom": "Bouches-du-Rhône", "region": "93"}]))
    (source / "epci.json").write_text(json.dumps([{
        "code": "200054807", "nom": "Métropole d'Aix-Marseille-Provence", "type": "METRO",
        "populationMunicipale": 1900000, "membres": [{"code": "13055"}]}]))
    (source / "communes.json").write_text(json.dumps([
        {"code": "13055", "nom": "Marseille", "type": "commune-actuelle", "departement": "13",
         "population": 870000, "codesPostaux": ["13001", "13002"]},
        {"code": "13201", "nom": "Marseille 1er Arrondissement",
         "type": "arrondissement-municipal", "commune": "13055", "departement": "13",
         "population": 37599, "codesPostaux": ["13001"]},
        {"code": "13999", "nom": "Ancienne", "type": "commune-deleguee", "departement": "13"},
    ]))
    counts = build_dataset(source, tmp_path / "out")
    assert counts == {"regions": 1, "departments": 1, "epci": 1, "communes": 2}
    with gzip.open(tmp_path / "out" / "communes.csv.gz", "rt", encoding="utf-8") as rows:
        lines = rows.read().splitlines()
    assert lines == [
        "code;nom;type;departement;epci;parent;population;codes_postaux",
        "13055;Marseille;commune;13;200054807;;870000;13001 13002",
        "13201;Marseille 1er Arrondissement;arrondissement;13;;13055;37599;13001",
    ]


def test_committed_dataset_names_its_source():
    source = (DATA_DIR / "SOURCE.md").read_text(encoding="utf-8")
    assert "@etalab/decoupage-administratif" in source
    assert "6.0.0" in source
