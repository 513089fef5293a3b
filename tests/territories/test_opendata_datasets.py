"""The datasets added to the open data: territories' outlines, resources, local policies,
shared indicators, projects' outcomes and essaimages (see test_opendata for the rest)."""

import json

import pytest
from django.urls import reverse

from territories.opendata import datasets
from territories.opendata_build import build_open_data
from territories.services import territory_set_perimeter
from tests.territories.test_opendata import csv_rows, opendata_root, world  # noqa: F401

pytestmark = pytest.mark.django_db


def test_the_territories_geojson_carries_each_outline_and_no_draft(
        geography, world, opendata_root):  # noqa: F811
    territory = world["territory"]
    territory_set_perimeter(territory=territory, level="communes", codes=["26362", "26281"])
    manifest = build_open_data()
    folder = opendata_root / manifest["build"]
    assert manifest["datasets"]["territoires"]["files"]["geojson"]["name"] == \
        "territoires.geojson"
    collection = json.loads((folder / "territoires.geojson").read_text())
    (feature,) = collection["features"]
    assert feature["properties"]["nom"] == "Valence Romans Xq"
    assert feature["properties"]["communes"] == 2
    assert "contour" not in feature["properties"]
    geometry = feature["geometry"]
    assert geometry["type"] == "MultiPolygon" and len(geometry["coordinates"]) >= 2
    ring = geometry["coordinates"][0][0]
    assert ring[0] == ring[-1] and len(ring) >= 4
    # Valence and Romans-sur-Isère, in the Drôme: longitudes about 5, latitudes about 45.
    assert all(4.7 < lon < 5.2 and 44.8 < lat < 45.2 for lon, lat in ring)
    # The CSV and JSON stay tables, without the outline.
    assert "contour" not in csv_rows(folder / "territoires.csv")[0]
    assert "contour" not in json.loads((folder / "territoires.json").read_text())[0]


def test_a_territory_without_known_communes_has_no_geometry(world, opendata_root):  # noqa: F811
    manifest = build_open_data()
    collection = json.loads(
        (opendata_root / manifest["build"] / "territoires.geojson").read_text())
    assert [feature["geometry"] for feature in collection["features"]] == [None]


def test_the_rows_of_the_new_datasets(world, opendata_root):  # noqa: F811
    folder = opendata_root / build_open_data()["build"]
    (resource,) = csv_rows(folder / "ressources.csv")
    assert (resource["nom"], resource["type"], resource["apportee_par"],
            resource["territoire"]) == ("Ressource Publique Xq", "formation", "",
                                        "valence-romans-xq")
    assert resource["url"].endswith("/ressources/" + resource["id"] + "/")
    (policy,) = csv_rows(folder / "politiques-locales.csv")
    assert (policy["nom"], policy["echelon"]) == ("Plan ESS Public Xq", "region")
    # The national catalogue (seeded by a migration) and the test's own indicator.
    indicator = {row["identifiant"]: row
                 for row in csv_rows(folder / "indicateurs-partages.csv")}["emplois-xq"]
    assert (indicator["identifiant"], indicator["unite"], indicator["theme"]) == (
        "emplois-xq", "ETP", "Thème Xq")
    assert csv_rows(folder / "objectifs.csv")[0]["indicateur_partage"] == "emplois-xq"
    (outcome,) = json.loads((folder / "resultats-projets.json").read_text())
    assert (outcome["projet"], outcome["indicateur"], outcome["valeur"], outcome["unite"]) == (
        world["project"].pk, "emplois-xq", 12, "ETP")
    (replication,) = csv_rows(folder / "essaimages.csv")
    assert (replication["projet_origine"], replication["projet_essaime_titre"]) == (
        str(world["project"].pk), "Copie Publique Xq")


def test_each_new_dataset_has_its_table_schema_and_catalogue_entry(client, world):  # noqa: F811
    build_open_data()
    catalogue = client.get(reverse("opendata_catalogue")).json()
    entries = {entry["dct:identifier"]: entry for entry in catalogue["dcat:dataset"]}
    for slug in ("ressources", "politiques-locales", "indicateurs-partages",
                 "resultats-projets", "essaimages", "territoires"):
        dataset = next(dataset for dataset in datasets() if dataset.slug == slug)
        schema = client.get(reverse("opendata_schema", args=[slug])).json()
        assert [field["name"] for field in schema["fields"]] == dataset.column_names
        formats = {distribution["dcat:mediaType"]["@id"].rsplit("/", 2)[-1]
                   for distribution in entries[slug]["dcat:distribution"]}
        assert len(entries[slug]["dcat:distribution"]) == len(dataset.formats), slug
        assert ("geo+json" in formats) == (slug == "territoires"), slug
