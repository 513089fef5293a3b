"""A partner's real, messy export: every valid row kept, vocabulary warned about, not refused."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from territories import imports
from territories.models import Actor, ActorImport, Theme, ThemeSynonym
from territories.services import actor_import_confirm, actor_import_preview, territory_set_perimeter
from territories.vocabulary import ThemeMatcher, match_kind
from tests.helpers import page_text
from tests.territories.factories import TerritoryFactory

pytestmark = pytest.mark.django_db

TOULOUSE_METROPOLE = "243100518"

# An export as partners send them: "Thématiques" in their own words, "Entreprise" as a type,
# a Paris actor in a Toulouse file, a line rejected then its SIRET again, a two-line address.
PARTNER_FILE = (
    "Nom de la structure;SIRET;Type;Code postal;Commune;Thématiques;E-mail;Adresse\r\n"
    "Recyclerie du Canal;41000000000019;Association;31000;Toulouse;"
    "Recyclerie, Réemploi;;\r\n"                                                   # line 2
    "Solaire Citoyen;42000000000018;Entreprise;31700;Blagnac;"
    '"Énergies renouvelables; Mobilité";;\r\n'                                       # line 3
    "La Serre;;SCIC;31770;Colomiers;Coworking / Tiers-lieu / Insertion "
    "professionnelle;;\r\n"                                                        # line 4
    "Ligne fautive;43000000000017;Association;99999;Nulle-Part;;;\r\n"             # line 5
    "Épicerie Paysanne;43000000000017;Association;31000;Toulouse;Circuits courts;;\r\n"  # 6
    "Épicerie bis;43000000000017;Association;31000;Toulouse;;;\r\n"               # line 7
    "Paris Solidaire;44000000000016;Association;75001;Paris;Astronautique;;\r\n"   # line 8
    "Les Jardiniers;;Groupement informel;31000;Toulouse;jardins partagés, "
    "ALIMENTATION;pas-un-mail;\r\n"                                                # line 9
    'Maison des Possibles;45000000000015;association;31000;Toulouse;;;'
    '"3 rue des Arts\r\nBâtiment B"\r\n'                                           # line 10
)
KEPT = {"Recyclerie du Canal", "Solaire Citoyen", "La Serre", "Épicerie Paysanne",
        "Les Jardiniers", "Maison des Possibles"}


@pytest.fixture
def toulouse(geography):
    territory = TerritoryFactory(name="Toulouse Métropole", slug="toulouse")
    territory_set_perimeter(territory=territory, level="epci", codes=[TOULOUSE_METROPOLE])
    return territory


def upload(text, encoding, name="partenaire.csv"):
    raw = text.encode(encoding)
    if encoding == "utf-8-sig":
        assert raw.startswith(b"\xef\xbb\xbf")
    return SimpleUploadedFile(name, raw)


def lines_of(report):
    return {row["line"]: row for row in report["lines"]}


def warnings_of(report):
    from territories.import_reports import report_lines

    return {row["line"]: row["warnings"] for row in report_lines(report) if row["warnings"]}


@pytest.mark.parametrize("encoding", ["cp1252", "utf-8-sig"])
def test_a_messy_partner_file_keeps_every_valid_row_twice_without_duplicates(
        toulouse, facilitator, encoding):
    actor_import = actor_import_preview(territory=toulouse, upload=upload(PARTNER_FILE, encoding),
                                        by=facilitator)
    report = actor_import.report
    assert not Actor.objects.exists()
    assert {line: row["action"] for line, row in lines_of(report).items()} == {
        2: "create", 3: "create", 4: "create", 5: "reject", 6: "create", 7: "reject",
        8: "create", 9: "create", 10: "create"}
    assert [line for line, row in lines_of(report).items() if row["outside"]] == [8]
    assert warnings_of(report) == {
        3: ["type « Entreprise » lu comme « entreprise engagée — PME » : précisez la taille "
            "si besoin"],
        4: ["thème inconnu « Tiers-lieu » : gardé comme étiquette libre"],
        8: ["thème inconnu « Astronautique » : gardé comme étiquette libre",
            "commune hors du périmètre du territoire : Paris (75056)"],
        9: ["e-mail invalide, laissé de côté : « pas-un-mail »",
            "type inconnu « Groupement informel » : classé « autre »"],
    }
    # The duplicate points to line 6, the row kept, never to line 5, the row rejected.
    from territories.import_reports import report_lines

    errors = {row["line"]: row["errors"] for row in report_lines(report) if row["errors"]}
    assert errors == {5: ["commune inconnue : « 99999 Nulle-Part »"],
                      7: ["SIRET 43000000000017 déjà présent ligne 6"]}

    done = actor_import_confirm(actor_import=actor_import)
    assert set(Actor.objects.values_list("name", flat=True)) == KEPT
    assert done.report["stage"] == "done"
    assert lines_of(done.report)[8]["action"] == "skip"
    assert {key: done.report["summary"][key] for key in ("create", "reject", "skip")} == {
        "create": 6, "reject": 2, "skip": 1}

    solaire = Actor.objects.get(name="Solaire Citoyen")
    assert solaire.kind == Actor.Kind.PME
    assert set(solaire.themes.values_list("slug", flat=True)) == {
        "transition-energetique", "mobilite-douce"}
    serre = Actor.objects.get(name="La Serre")
    assert (serre.kind, serre.free_tags) == (Actor.Kind.COOPERATIVE, "Tiers-lieu")
    assert set(serre.themes.values_list("slug", flat=True)) == {
        "numerique-inclusif", "inclusion-emploi"}
    assert set(Actor.objects.get(name="Recyclerie du Canal").themes.values_list(
        "slug", flat=True)) == {"economie-circulaire"}
    jardiniers = Actor.objects.get(name="Les Jardiniers")
    assert (jardiniers.kind, jardiniers.email) == (Actor.Kind.OTHER, "")
    assert set(jardiniers.themes.values_list("slug", flat=True)) == {
        "agriculture-urbaine", "alimentation-durable"}
    assert Actor.objects.get(name="Maison des Possibles").address == \
        "3 rue des Arts\nBâtiment B"

    before = list(Actor.objects.order_by("pk").values())
    again = actor_import_preview(territory=toulouse, upload=upload(PARTNER_FILE, encoding),
                                 by=facilitator)
    summary = again.report["summary"]
    assert (summary["create"], summary["update"], summary["unchanged"]) == (0, 0, 6)
    # The Paris actor, outside the perimeter, is flagged again and left out again.
    assert summary["outside"] == 1
    assert [row["line"] for row in again.report["lines"] if row["action"] == "create"] == [8]
    actor_import_confirm(actor_import=again)
    assert list(Actor.objects.order_by("pk").values()) == before


def test_the_facilitator_may_import_the_actors_outside_the_perimeter(toulouse, facilitator):
    actor_import = actor_import_preview(territory=toulouse, upload=upload(PARTNER_FILE, "utf-8"),
                                        by=facilitator)
    done = actor_import_confirm(actor_import=actor_import, include_outside=True)
    paris = Actor.objects.get(name="Paris Solidaire")
    assert (paris.commune_id, paris.free_tags) == ("75056", "Astronautique")
    assert done.report["summary"]["skip"] == 0


def test_a_synonym_added_by_staff_is_read_at_the_next_import(toulouse, facilitator):
    ThemeSynonym.objects.create(word="astronautique", theme=Theme.objects.get(pk="culture"))
    actor_import = actor_import_preview(territory=toulouse, upload=upload(PARTNER_FILE, "utf-8"),
                                        by=facilitator)
    assert 8 not in {line for line, notes in warnings_of(actor_import.report).items()
                     if any("thème" in note for note in notes)}


@pytest.mark.parametrize(("word", "slug"), [
    ("insertion professionnelle", "inclusion-emploi"),  # a phrase starting with a synonym
    ("RECYCLERIES", "economie-circulaire"),             # case and plural
    ("énergies renouvelables", "transition-energetique"),
    ("Mobilité", "mobilite-douce"),                     # abridged theme name
    ("circuits-courts", "alimentation-durable"),
    ("coworking", "numerique-inclusif"),
    ("Culture", "culture"),
    ("Économie sociale et solidaire", None),
    ("art", None),                                      # too short to stand for a prefix
])
def test_theme_words_are_matched_without_accents_case_by_synonyms_and_prefixes(word, slug):
    assert ThemeMatcher().find(word) == slug


@pytest.mark.parametrize(("word", "kind", "how"), [
    ("Entreprise", "pme", "company"),
    ("SARL", "pme", "company"),
    ("Entreprise d'insertion", "entreprise_sociale", "word"),
    ("Micro-entreprise", "tpe", "word"),
    ("Association loi 1901", "association", "word"),
    ("", "autre", "empty"),
    ("Groupement informel", "autre", "unknown"),
])
def test_type_words(word, kind, how):
    assert match_kind(word) == (kind, how)


# The pages, from the upload to the report -------------------------------------------------

@pytest.fixture
def toulouse_a(territory_a, geography):
    """Collective A's territory, given Toulouse Métropole's perimeter."""
    territory_set_perimeter(territory=territory_a, level="epci", codes=[TOULOUSE_METROPOLE])
    return territory_a


def test_the_pages_preview_line_by_line_then_report_in_the_past(client, facilitator,
                                                                   toulouse_a):
    client.force_login(facilitator)
    url = reverse("territories:actor_import", args=[toulouse_a.slug])
    response = client.post(url, {"file": upload(PARTNER_FILE, "cp1252")}, follow=True)
    text = page_text(response)
    assert "6 acteur(s) à créer, 0 à mettre à jour, 0 inchangé(s), 2 ligne(s) rejetée(s)." \
        in text
    assert "1 acteur(s) hors du périmètre du territoire" in text
    assert "Ce qui sera fait, ligne par ligne" in text
    assert "SIRET 43000000000017 déjà présent ligne 6" in text
    assert 'name="include_outside"' in text
    assert not Actor.objects.exists()

    actor_import = ActorImport.objects.get()
    start = reverse("territories:actor_import_start", args=[toulouse_a.slug, actor_import.pk])
    response = client.post(start, {"include_outside": "on"}, follow=True)
    text = page_text(response)
    assert "7 acteur(s) créé(s), 0 mis à jour, 0 inchangé(s), 2 ligne(s) rejetée(s)." in text
    assert "1 acteur(s) hors du périmètre importé(s) à votre demande." in text
    assert "Ce qui a été fait, ligne par ligne" in text
    assert "seront publiés" not in text and "à créer" not in text
    assert Actor.objects.count() == 7

    maison = Actor.objects.get(name="Maison des Possibles")
    page = client.get(maison.get_absolute_url()).content.decode()
    assert "3 rue des Arts<br>Bâtiment B" in page
    serre = client.get(Actor.objects.get(name="La Serre").get_absolute_url())
    assert "Étiquettes libres" in page_text(serre) and "Tiers-lieu" in page_text(serre)


def test_an_address_is_shown_escaped(client, facilitator, toulouse_a):
    actor = Actor.objects.create(territory=toulouse_a, name="A", is_published=True,
                                 address="<b>1 rue</b>\nB")
    client.force_login(facilitator)
    page = client.get(actor.get_absolute_url()).content.decode()
    assert "&lt;b&gt;1 rue&lt;/b&gt;<br>B" in page


@pytest.mark.parametrize(("raw", "message"), [
    (b"", "fichier soumis est vide"),
    (b"\r\n\r\n", "Le fichier est vide."),
    (b"PK\x03\x04\x14\x00\x06\x00garbage\x00\x00", "Ce fichier est un classeur"),
    (bytes(range(256)) * 4, "Encodage du fichier non reconnu"),
    ("Intitulé;CP\r\nA;31000\r\n".encode("cp1252"), "Colonne du nom introuvable"),
    (b"Nom;CP\r\n", "aucune ligne d'acteur"),
    (("Nom\r\n" + "Acteur\r\n" * 12).encode(), "Fichier trop long : 10 lignes au plus"),
])
def test_a_bad_file_gets_a_clear_french_error_and_writes_nothing(client, facilitator,
                                                                   toulouse_a, raw, message,
                                                                   monkeypatch):
    monkeypatch.setattr(imports, "MAX_ROWS", 10)
    client.force_login(facilitator)
    url = reverse("territories:actor_import", args=[toulouse_a.slug])
    response = client.post(url, {"file": SimpleUploadedFile("acteurs.csv", raw)})
    assert response.status_code == 400
    assert message in page_text(response)
    assert not ActorImport.objects.exists() and not Actor.objects.exists()


def test_a_file_over_the_size_bound_is_refused_before_reading(client, facilitator, toulouse_a,
                                                              monkeypatch):
    monkeypatch.setattr("territories.views.IMPORT_MAX_BYTES", 1024 * 1024)
    client.force_login(facilitator)
    url = reverse("territories:actor_import", args=[toulouse_a.slug])
    raw = ("Nom\r\n" + "Acteur au nom assez long\r\n" * 50_000).encode()
    response = client.post(url, {"file": SimpleUploadedFile("gros.csv", raw)})
    assert response.status_code == 400
    assert "Fichier trop lourd" in page_text(response)
    assert not ActorImport.objects.exists() and not Actor.objects.exists()


def test_the_command_reports_in_the_past_what_it_wrote(toulouse, tmp_path, capsys):
    path = tmp_path / "partenaire.csv"
    path.write_bytes(PARTNER_FILE.encode("cp1252"))
    call_command("import_actors", "toulouse", str(path), "--dry-run")
    out = capsys.readouterr().out
    assert "6 acteur(s) à créer" in out
    assert "Ligne 4 (La Serre) : à créer — thème inconnu « Tiers-lieu »" in out
    assert not Actor.objects.exists()
    call_command("import_actors", "toulouse", str(path), "--include-outside")
    out = capsys.readouterr().out
    assert "7 acteur(s) créé(s), 0 mis à jour, 0 inchangé(s), 2 ligne(s) rejetée(s)." in out
    assert Actor.objects.count() == 7
