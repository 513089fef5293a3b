"""Maps stand offline: items without coordinates sit at their commune's town hall, the
perimeter is drawn from the shipped dataset, and no tile server is named unless set."""

import gzip
import lzma
import struct

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from territories import commune_shapes
from territories.models import Actor, Commune, Place
from tests.cluster.test_deploy_settings import settings_of
from tests.helpers import as_role

FLAGSHIP = "aix-marseille-provence"


def features_of(client, slug):
    return client.get(reverse("api:territory-map", args=[slug])).json()


@pytest.mark.parametrize("role", ["anonymous", "facilitator", "staff"])
def test_the_flagship_map_places_every_listed_actor_and_place(client, cast, demo, role):
    as_role(client, cast, role)
    page = client.get(reverse("territories:map", args=[FLAGSHIP]))
    listed = {item["name"] for item in [*page.context["actors"], *page.context["places"]]}
    data = features_of(client, FLAGSHIP)
    placed = [feature["properties"] for feature in data["features"]]
    assert sorted(p["name"] for p in placed) == sorted(listed)
    assert page.context["located_count"] == len(listed)
    # Before: only the items with coordinates of their own (the demo's collective members).
    precise = [p for p in placed if not p["approximate"]]
    assert (len(precise), len(placed)) == (4, 10)
    places = [p for p in placed if p["type"] == "place"]
    assert len(places) == 3 and all(p["approximate"] for p in places)
    # No two markers on top of one another.
    points = [tuple(feature["geometry"]["coordinates"]) for feature in data["features"]]
    assert len(set(points)) == len(points)
    perimeter = data["perimeter"]
    assert perimeter["geometry"]["type"] == "MultiPolygon"
    assert perimeter["properties"]["outline"] == "communes"
    assert len(perimeter["geometry"]["coordinates"]) >= 92  # the métropole's 92 communes


def test_a_place_is_placed_at_its_arrondissement_town_hall(client, db, demo):
    data = features_of(client, FLAGSHIP)
    friche = next(feature for feature in data["features"]
                  if feature["properties"]["name"] == "Friche la Belle de Mai")
    longitude, latitude = friche["geometry"]["coordinates"]
    town_hall = commune_shapes.commune_point("13203")
    assert abs(latitude - town_hall[0]) < 0.01 and abs(longitude - town_hall[1]) < 0.01
    assert friche["properties"]["approximate"] is True


def test_an_item_without_commune_nor_coordinates_is_left_off_and_not_counted(
        client, geography, territory_a):
    marseille = Commune.objects.get(code="13055")
    territory_a.communes.add(marseille)
    Actor.objects.create(territory=territory_a, name="Sans rien", is_published=True)
    Actor.objects.create(territory=territory_a, name="À la commune", commune=marseille,
                         is_published=True)
    Place.objects.create(territory=territory_a, name="Précis", commune=marseille,
                         latitude=43.3, longitude=5.4, is_published=True)
    data = features_of(client, territory_a.slug)
    placed = {f["properties"]["name"]: f for f in data["features"]}
    assert set(placed) == {"À la commune", "Précis"}
    assert placed["À la commune"]["properties"]["approximate"] is True
    assert placed["Précis"]["properties"]["approximate"] is False
    assert placed["Précis"]["geometry"]["coordinates"] == [5.4, 43.3]
    assert data["perimeter"]["properties"]["name"] == territory_a.name
    page = client.get(reverse("territories:map", args=[territory_a.slug]))
    assert page.context["located_count"] == 2
    assert "2 éléments localisés sur la carte." in page.content.decode()


def test_a_territory_without_communes_has_no_perimeter(client, territory_a):
    assert features_of(client, territory_a.slug)["perimeter"] is None


def test_a_very_large_perimeter_is_drawn_as_a_box(client, geography, territory_a, settings,
                                                  monkeypatch):
    monkeypatch.setattr("territories.selectors.PERIMETER_MAX_COMMUNES", 2)
    territory_a.communes.add(*Commune.objects.filter(code__in=["13055", "13001", "13103"]))
    perimeter = features_of(client, territory_a.slug)["perimeter"]
    assert perimeter["properties"]["outline"] == "box"
    assert len(perimeter["geometry"]["coordinates"][0][0]) == 5


def test_the_page_names_no_tile_server_by_default(client, territory_a, settings):
    settings.MAP_TILE_URL = ""
    html = client.get(reverse("territories:map", args=[territory_a.slug])).content.decode()
    assert "data-tiles=" not in html and "data-attribution" not in html
    assert "{z}" not in html and "openstreetmap" not in html.lower()
    assert 'data-zoom-in="Zoom avant"' in html and 'data-zoom-out="Zoom arrière"' in html
    assert 'data-approximate="position approximative : la commune"' in html


def test_a_tile_server_set_in_the_settings_reaches_the_page(client, territory_a, settings):
    settings.MAP_TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    html = client.get(reverse("territories:map", args=[territory_a.slug])).content.decode()
    assert 'data-tiles="https://tiles.example.org/{z}/{x}/{y}.png"' in html


def test_tiles_are_off_unless_configured():
    assert settings_of(["MAP_TILE_URL"], DEBUG="true") == {"MAP_TILE_URL": ""}
    assert settings_of(["MAP_TILE_URL"], DEBUG="true", MAP_TILE_URL="off") == {
        "MAP_TILE_URL": ""}


def test_the_map_labels_follow_the_language_the_page_asks_for(client, geography, territory_a):
    Actor.objects.create(territory=territory_a, name="Mairie", kind=Actor.Kind.LOCAL_AUTHORITY,
                         commune_id="13055", is_published=True)
    url = reverse("api:territory-map", args=[territory_a.slug])
    # The page sends its own language; the cookie of the switch wins over the browser's.
    answer = client.get(url, HTTP_ACCEPT_LANGUAGE="fr")
    french = str(dict(Actor.Kind.choices)[Actor.Kind.LOCAL_AUTHORITY])
    assert answer.json()["features"][0]["properties"]["kind_label"] == french
    client.cookies["django_language"] = "fr"
    answer = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert answer.json()["features"][0]["properties"]["kind_label"] == french


# The dataset and its build -------------------------------------------------------------------

def wkb_point(lon, lat):
    return (struct.pack("<BI", 1, 1) + struct.pack("<dd", lon, lat)).hex()


def wkb_multipolygon(ring):
    body = struct.pack("<BII", 1, 3, 1) + struct.pack("<I", len(ring))
    body += b"".join(struct.pack("<dd", *point) for point in ring)
    return (struct.pack("<BII", 1, 6, 1) + body).hex()


def test_build_keeps_town_halls_and_simplified_contours(tmp_path):
    # A square with many points along its edges: simplified to its four corners.
    edge = [(5.0 + i / 1000, 43.0) for i in range(100)]
    ring = [*edge, (5.1, 43.0), (5.1, 43.1), (5.0, 43.1), (5.0, 43.0)]
    header = "id,code,type,nom,geometry,mairie_localisation\n"
    lines = [f"1,13999,COM,Essai,{wkb_multipolygon(ring)},{wkb_point(5.05, 43.06)}",
             f"2,13998,COM,Sans mairie,{wkb_multipolygon(ring)},\\N",
             f"3,13997,COMD,Déléguée,{wkb_multipolygon(ring)},\\N"]
    source = tmp_path / "communes.csv.lzma"
    source.write_bytes(lzma.compress((header + "\n".join(lines) + "\n").encode()))
    target = tmp_path / "shapes.csv.gz"
    assert commune_shapes.build_shapes(source, target) == {"communes": 2, "misplaced": 0}
    rows = gzip.decompress(target.read_bytes()).decode().splitlines()
    assert rows[0] == "code;lat;lon;contour"
    code, lat, lon, contour = rows[2].split(";")
    assert (code, lat, lon) == ("13999", "43.0600", "5.0500")
    decoded = commune_shapes._decode(contour)
    assert decoded == [[5.0, 43.0], [5.1, 43.0], [5.1, 43.1], [5.0, 43.1], [5.0, 43.0]]
    assert rows[1].split(";")[1:3] == ["43.0500", "5.0500"]  # the middle of its box


def test_build_command_explains_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="Fichier introuvable"):
        call_command("build_commune_shapes", str(tmp_path / "absent.whl"))


def test_the_shipped_dataset_covers_the_demo_town_centres():
    from territories.demo import TOWN_CENTRES

    for code, (latitude, longitude) in TOWN_CENTRES.items():
        town_hall = commune_shapes.commune_point(code)
        assert town_hall, code
        assert abs(town_hall[0] - float(latitude)) < 0.05, code
        assert abs(town_hall[1] - float(longitude)) < 0.05, code
