"""The open data of the demo: every dataset has rows, and the page lists them."""

import csv
import json

import pytest
from django.urls import reverse

from territories.opendata import datasets
from territories.opendata_build import build_open_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def opendata_root(settings, tmp_path):
    settings.OPENDATA_ROOT = tmp_path / "opendata"
    return settings.OPENDATA_ROOT


def test_the_demo_is_published_in_every_dataset(demo, client, opendata_root):
    manifest = build_open_data()
    # The seeds name no lifted blocker, and the demo invents none (cluster.network_demo).
    empty = {"freins-leves"}
    assert {slug: entry["rows"] > 0 for slug, entry in manifest["datasets"].items()} == {
        dataset.slug: dataset.slug not in empty for dataset in datasets()}
    folder = opendata_root / manifest["build"]
    with open(folder / "territoires.csv", encoding="utf-8", newline="") as handle:
        territories = {row["identifiant"]: row for row in csv.DictReader(handle)}
    assert territories["valence-romans"]["vague"] == "1"
    actors = json.loads((folder / "acteurs.geojson").read_text())
    assert any(feature["geometry"] for feature in actors["features"])

    page = client.get(reverse("opendata")).content.decode()
    assert "Licence Ouverte / Open Licence 2.0" in page
    for dataset in datasets():
        assert reverse("opendata_schema", args=[dataset.slug]) in page
