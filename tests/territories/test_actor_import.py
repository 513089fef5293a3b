"""The CSV import of actors, rule by rule, on the files people really have."""

import pytest
from django.core.management import call_command

from territories.errors import DomainError
from territories.import_writes import actor_import_write
from territories.imports import ImportFileError, actor_import_dry_run
from territories.models import Actor
from territories.services import actor_import_confirm, actor_import_preview
from tests.territories.factories import TerritoryFactory

pytestmark = pytest.mark.django_db

HEADER = "Nom de la structure;SIRET;Type;Code postal;Commune;Latitude;Longitude;Thèmes\r\n"


@pytest.fixture
def territory(geography):
    return TerritoryFactory(name="Aix-Marseille-Provence", slug="amp")


def run(territory, text, encoding="utf-8"):
    preview = actor_import_dry_run(territory=territory, raw=text.encode(encoding))
    actor_import_write(territory=territory, preview=preview)
    return preview


def counts(preview):
    summary = preview.summary()
    return {action: summary[action] for action in ("create", "update", "unchanged", "reject")}


def test_excel_export_in_windows_1252_with_semicolons_and_decimal_commas(territory):
    text = (HEADER
            + "Marseille Solutions;732 829 320 00074;Association;13001;Marseille;"
              "43,2965;5,3698;Alimentation durable et circuits courts\r\n"
            + "Café de l'Étang;;coopérative;13200;ARLES;43,6766;4,6278;\r\n")
    preview = run(territory, text, encoding="cp1252")
    assert counts(preview) == {"create": 2, "update": 0, "unchanged": 0, "reject": 0}
    actor = Actor.objects.get(siret="73282932000074")
    assert actor.commune.code == "13055"
    assert str(actor.latitude) == "43.296500"
    assert actor.kind == Actor.Kind.ASSOCIATION
    assert list(actor.themes.values_list("slug", flat=True)) == ["alimentation-durable"]
    cafe = Actor.objects.get(name="Café de l'Étang")
    assert (cafe.commune.name, cafe.kind) == ("Arles", Actor.Kind.COOPERATIVE)


def test_utf8_with_bom_commas_and_quoted_fields_holding_separators_and_newlines(territory):
    text = ("\ufeffNom,Code INSEE,Description,Latitude,Longitude\r\n"
            '"Les Grands Voisins, tiers-lieu",75056,"Sur deux lignes\r\net, des virgules",'
            '48.8366,2.3389\r\n'
            "Ressourcerie,69123,,,\r\n")
    preview = run(territory, text)
    assert preview.count("create") == 2
    voisins = Actor.objects.get(name="Les Grands Voisins, tiers-lieu")
    assert voisins.description == "Sur deux lignes\net, des virgules"
    assert voisins.commune.name == "Paris"
    assert Actor.objects.get(name="Ressourcerie").commune.name == "Lyon"


@pytest.mark.parametrize(
    ("postal_code", "commune", "expected"),
    [
        ("13003", "Marseille 3e", "13055"),       # arrondissement → Marseille
        ("69008", "LYON 8ÈME", "69123"),           # capitals, accents, arrondissement
        ("75011", "Paris", "75056"),
        ("13090", "aix en provence", "13001"),    # hyphens and case ignored
        ("1000", "Bourg-en-Bresse", "01053"),     # Excel dropped the leading zero
        ("42000", "St-Étienne", "42218"),          # "St" for "Saint"
    ],
)
def test_commune_by_postal_code_and_name(territory, postal_code, commune, expected):
    preview = actor_import_dry_run(
        territory=territory,
        raw=f"Nom;Code postal;Commune\nActeur;{postal_code};{commune}\n".encode(),
    )
    assert preview.rows[0].values["commune_id"] == expected, preview.rows[0].errors


def test_each_bad_row_is_rejected_with_its_line_and_a_french_reason(territory):
    text = (HEADER
            + ";;;13001;Marseille;;;\r\n"                                          # line 2
            + "SIRET faux;73282932000075;;13001;Marseille;;;\r\n"                  # line 3
            + "Trop au nord;;;13001;Marseille;91,5;5,3;\r\n"                       # line 4
            + '"Sur\r\ndeux lignes";;;99999;Nulle-Part;;;\r\n'                     # line 5
            + "Thème inconnu;;;13001;Marseille;;;Astronautique\r\n"                # line 7
            + "Bonne ligne;;;13001;Marseille;;;\r\n")                              # line 8
    preview = run(territory, text)
    rejected = {row.line: [str(error) for error in row.errors] for row in preview.rejected}
    assert rejected == {
        2: ["nom vide"],
        3: ["Le SIRET 73282932000075 n'est pas valide (clé de contrôle incorrecte)."],
        4: ["latitude hors limites (-90 à 90) : 91,5"],
        5: ["commune inconnue : « 99999 Nulle-Part »"],
    }
    # An unknown theme is a warning, never a rejection.
    assert list(Actor.objects.values_list("name", flat=True)) == ["Bonne ligne", "Thème inconnu"]


def test_same_siret_twice_in_a_file_is_refused_the_second_time(territory):
    text = HEADER + "A;73282932000074;;;;;;\r\nB;73282932000074;;;;;;\r\n"
    preview = run(territory, text)
    assert [[str(error) for error in row.errors] for row in preview.rejected] == [
        ["SIRET 73282932000074 déjà présent ligne 2"]]


def test_known_siret_updates_and_reimporting_changes_nothing(territory):
    Actor.objects.create(territory=territory, name="Ancien nom", siret="73282932000074")
    text = HEADER + "Nouveau nom;73282932000074;association;13001;Marseille;;;\r\n" \
                    "Sans SIRET;;;13001;Marseille;;;\r\n"
    first = run(territory, text)
    assert counts(first) == {"create": 1, "update": 1, "unchanged": 0, "reject": 0}
    assert Actor.objects.get(siret="73282932000074").name == "Nouveau nom"
    before = list(Actor.objects.order_by("pk").values())

    second = run(territory, text)
    assert counts(second) == {"create": 0, "update": 0, "unchanged": 2, "reject": 0}
    assert Actor.objects.count() == 2
    assert [dict(row, updated_at=None) for row in Actor.objects.order_by("pk").values()] == [
        dict(row, updated_at=None) for row in before]


def test_a_file_without_a_name_column_is_refused_whole(territory):
    with pytest.raises(ImportFileError, match="Colonne du nom introuvable.*Raison, CP"):
        actor_import_dry_run(territory=territory, raw=b"Raison;CP\nA;13001\n")


def test_blank_lines_are_skipped_and_an_empty_file_is_refused(territory):
    preview = actor_import_dry_run(territory=territory, raw=b"Nom\n\n;\nA\n")
    assert [(row.line, row.name) for row in preview.rows] == [(4, "A")]
    with pytest.raises(ImportFileError, match="vide"):
        actor_import_dry_run(territory=territory, raw=b"")


@pytest.mark.parametrize("publish", [True, False])
def test_preview_writes_no_actor_and_confirm_writes_them(territory, facilitator, publish):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("acteurs.csv", (HEADER + "A;;;13001;Marseille;;;\r\n").encode())
    actor_import = actor_import_preview(territory=territory, upload=upload, by=facilitator,
                                        publish=publish)
    assert actor_import.report["summary"]["create"] == 1
    assert not Actor.objects.exists()
    done = actor_import_confirm(actor_import=actor_import)
    assert done.status == "done"
    assert Actor.objects.get().is_published is publish
    with pytest.raises(DomainError, match="déjà été lancé"):
        actor_import_confirm(actor_import=actor_import)


def test_large_files_go_through_the_task_and_finish(territory, facilitator, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from territories import services

    rows = "".join(f"Acteur {n};;;13001;Marseille;;;\r\n" for n in range(30))
    upload = SimpleUploadedFile("gros.csv", (HEADER + rows).encode())
    actor_import = actor_import_preview(territory=territory, upload=upload, by=facilitator)
    limit = services.INLINE_IMPORT_ROWS
    services.INLINE_IMPORT_ROWS = 10
    try:
        with pytest.MonkeyPatch.context() as patch:
            # on_commit callbacks run when the test's transaction would commit.
            patch.setattr("django.db.transaction.on_commit", lambda callback, **kw: callback())
            done = actor_import_confirm(actor_import=actor_import)
    finally:
        services.INLINE_IMPORT_ROWS = limit
    assert done.status == "done"
    assert done.processed_rows == 30
    assert Actor.objects.count() == 30


def test_command_prints_the_same_report(territory, tmp_path, capsys):
    path = tmp_path / "acteurs.csv"
    path.write_bytes((HEADER + ";;;13001;Marseille;;;\r\n;;;;;;;\r\nBon;;;13001;Marseille;;;\r\n")
                     .encode("cp1252"))
    call_command("import_actors", "amp", str(path), "--dry-run")
    out = capsys.readouterr().out
    assert "1 acteur(s) à créer, 0 à mettre à jour, 0 inchangé(s), 1 ligne(s) rejetée(s)." in out
    assert "Ligne 2 (—) : rejetée — nom vide" in out
    assert "Aperçu seulement" in out
    assert not Actor.objects.exists()
    call_command("import_actors", "amp", str(path))
    assert Actor.objects.count() == 1
