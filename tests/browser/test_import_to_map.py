import pytest
from playwright.sync_api import expect

from tests.territories.factories import CommuneFactory

pytestmark = pytest.mark.browser

CSV = (
    "Nom de la structure;SIRET;Code INSEE;Latitude;Longitude\r\n"
    "Cultiver Marseille;732 829 320 00074;{code};43,2965;5,3698\r\n"
    ";;{code};43,30;5,37\r\n"
    "Zéro personne à la rue;;{code};43,31;5,38\r\n"
)


def test_facilitator_imports_a_csv_and_sees_the_actors_on_the_map(
    live_server, page, facilitator, password, territory_a, tmp_path
):
    commune = CommuneFactory(name="Marseille-Test")
    csv_file = tmp_path / "acteurs.csv"
    csv_file.write_bytes(CSV.format(code=commune.code).encode("cp1252"))

    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{live_server.url}/compte/connexion/?next=/territoires/aix-marseille-provence/")
    page.get_by_label("Adresse e-mail").fill(facilitator.email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_role("link", name="Importer des acteurs (CSV)").click()

    page.get_by_label("Fichier CSV").set_input_files(str(csv_file))
    page.get_by_role("button", name="Voir l'aperçu").click()
    expect(page.get_by_text("Aperçu — rien n'est encore écrit.")).to_be_visible()
    expect(page.get_by_text("2 acteur(s) à créer")).to_be_visible()
    expect(page.get_by_role("cell", name="nom vide")).to_be_visible()

    page.get_by_role("button", name="Confirmer l'import").click()
    expect(page.get_by_text("Import terminé.")).to_be_visible()
    page.get_by_role("link", name="Voir la carte").click()

    expect(page.locator("#map-status")).to_have_text("2 éléments localisés sur la carte.")
    expect(page.locator("#map .leaflet-marker-icon, #map path.leaflet-interactive")
           ).not_to_have_count(0)
    expect(page.get_by_role("link", name="Cultiver Marseille")).to_be_visible()
    assert errors == []
