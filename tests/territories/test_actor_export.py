"""The actors' export: what a facilitator downloads, edits in a spreadsheet and imports back."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from territories.models import Actor
from territories.services import actor_import_confirm, actor_import_preview, territory_set_perimeter
from tests.territories.test_partner_import import PARTNER_FILE, TOULOUSE_METROPOLE, upload

pytestmark = pytest.mark.django_db


def export(client, territory, file_format="csv"):
    return client.get(reverse("territories:actor_export", args=[territory.slug]),
                      {"format": file_format})


@pytest.fixture
def imported(territory_a, geography, facilitator):
    """Collective A's territory on Toulouse Métropole, with the partner's file imported."""
    territory_set_perimeter(territory=territory_a, level="epci", codes=[TOULOUSE_METROPOLE])
    actor_import = actor_import_preview(territory=territory_a, by=facilitator,
                                        upload=upload(PARTNER_FILE, "cp1252"))
    actor_import_confirm(actor_import=actor_import)
    return territory_a


def test_an_exported_file_imported_again_changes_nothing(client, facilitator, imported):
    client.force_login(facilitator)
    response = export(client, imported)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="acteurs-aix-marseille-provence-' in response["Content-Disposition"]
    before = list(Actor.objects.order_by("pk").values())
    assert len(before) == 6

    again = actor_import_preview(territory=imported, by=facilitator,
                                 upload=SimpleUploadedFile("export.csv", response.content))
    summary = again.report["summary"]
    assert (summary["create"], summary["update"], summary["unchanged"], summary["reject"]) == \
        (0, 0, 6, 0)
    actor_import_confirm(actor_import=again)
    assert list(Actor.objects.order_by("pk").values()) == before


def test_the_export_keeps_themes_free_tags_and_drafts(client, facilitator, imported):
    Actor.objects.filter(name="La Serre").update(is_published=False)
    client.force_login(facilitator)
    rows = export(client, imported).content.decode("utf-8-sig").splitlines()
    assert rows[0].split(";")[:4] == ["nom", "type", "siret", "code insee"]
    serre = next(row for row in rows if row.startswith("La Serre;"))
    assert "Tiers-lieu" in serre and "Inclusion par l'emploi" in serre
    assert serre.endswith(";non")


def test_a_formula_in_a_name_is_neutralised_in_both_formats(client, facilitator, territory_a):
    Actor.objects.create(territory=territory_a, name='=HYPERLINK("http://x","clic")')
    client.force_login(facilitator)
    assert export(client, territory_a).content.decode("utf-8-sig").splitlines()[1] \
        .startswith("\"'=HYPERLINK(")
    sheet = load_workbook(io.BytesIO(export(client, territory_a, "xlsx").content)).active
    assert sheet["A2"].value == "'=HYPERLINK(\"http://x\",\"clic\")"


@pytest.mark.parametrize(("role", "status"), [
    ("facilitator", 200), ("member_a", 200), ("staff", 200), ("member_b", 403),
    ("reviewer", 403)])
def test_only_the_territorys_editors_export(client, cast, territory_a, role, status):
    client.force_login(cast[role])
    assert export(client, territory_a).status_code == status


def test_an_anonymous_visitor_is_sent_to_sign_in(client, territory_a):
    response = export(client, territory_a)
    assert response.status_code == 302 and "/compte/connexion/" in response.url


@pytest.mark.parametrize("file_format", ["pdf", "CSV", ""])
def test_an_unknown_format_is_a_clear_400(client, facilitator, territory_a, file_format):
    client.force_login(facilitator)
    response = export(client, territory_a, file_format)
    assert response.status_code == 400
    assert "Format inconnu" in response.content.decode()


def test_a_nul_byte_in_the_format_is_a_400(client, facilitator, territory_a):
    client.force_login(facilitator)
    assert export(client, territory_a, "csv\x00").status_code == 400


@pytest.mark.parametrize("count", [1, 12])
def test_the_export_reads_a_constant_number_of_queries(client, facilitator, territory_a,
                                                       count, django_assert_max_num_queries):
    for index in range(count):
        Actor.objects.create(territory=territory_a, name=f"Acteur {index}")
    client.force_login(facilitator)
    with django_assert_max_num_queries(12):
        assert export(client, territory_a).status_code == 200


def test_the_api_reads_and_writes_free_tags(client, facilitator, territory_a):
    actor = Actor.objects.create(territory=territory_a, name="La Serre", free_tags="Tiers-lieu")
    client.force_login(facilitator)
    url = reverse("api:actor-detail", args=[actor.pk])
    assert client.get(url).json()["free_tags"] == "Tiers-lieu"
    response = client.patch(url, {"free_tags": "Tiers-lieu, Fablab", "version": actor.version},
                            content_type="application/json")
    assert response.status_code == 200, response.content
    actor.refresh_from_db()
    assert actor.free_tag_list == ["Tiers-lieu", "Fablab"]


def test_an_export_from_the_english_interface_still_imports(client, facilitator, imported):
    client.force_login(facilitator)
    client.cookies["django_language"] = "en"
    content = export(client, imported).content
    assert "Solaire Citoyen;entreprise engagée — PME;" in content.decode("utf-8-sig")
    again = actor_import_preview(territory=imported, by=facilitator,
                                 upload=SimpleUploadedFile("export.csv", content))
    assert again.report["summary"]["unchanged"] == 6
