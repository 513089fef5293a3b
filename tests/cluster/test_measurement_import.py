"""Measurements imported in bulk from the CSV files people have: preview, then confirm."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from cluster import measurement_import
from cluster.measurement_import import measurements_preview, sign_rows, unsign_rows
from cluster.models import Challenge, Measurement, Objective
from cluster.services import measurement_record
from territories import csvfiles
from territories import imports as actor_imports
from territories.csvfiles import ImportFileError
from tests.helpers import page_text

pytestmark = pytest.mark.django_db

TODAY = date(2026, 6, 15)


@pytest.fixture
def objective(cluster):
    challenge = Challenge.objects.create(cluster=cluster, title="Cultiver Marseille",
                                         kind="environnemental")
    return Objective.objects.create(challenge=challenge, title="Surfaces cultivées",
                                    unit="hectares", baseline=12, target=40,
                                    target_date=date(2029, 6, 1))


def plan(objective, text, encoding="utf-8"):
    return measurements_preview(objective=objective, raw=text.encode(encoding), today=TODAY)


def upload(text, name="mesures.csv", encoding="utf-8"):
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


def urls(objective):
    args = [objective.challenge.cluster_id, objective.pk]
    return (reverse("measurement_import", args=args),
            reverse("measurement_import_confirm", args=args),
            reverse("objective_detail", args=args))


# Reading the files ---------------------------------------------------------------------------

def test_excel_export_in_windows_1252_with_semicolons_decimal_commas_and_crlf(objective):
    text = ("Date de mesure;Mesure;Source\r\n"
            "01/03/2026;19,5;Enquête de printemps\r\n"
            "2026-04-01;1 234,25;Comptage été\r\n"
            "01/05/2026;2\u00a0000;Relevé\r\n")
    result = plan(objective, text, encoding="cp1252")
    assert [(row.measured_on, row.value, row.source) for row in result.to_add] == [
        (date(2026, 3, 1), Decimal("19.5"), "Enquête de printemps"),
        (date(2026, 4, 1), Decimal("1234.25"), "Comptage été"),
        (date(2026, 5, 1), Decimal(2000), "Relevé"),
    ]
    assert not result.rejected


def test_utf8_with_bom_commas_quoted_fields_and_header_variants(objective):
    text = ('\ufeff"Source","DATE","Valeur"\n'
            '"Rapport annuel, volet 2\nsur deux lignes",15/01/2026,"1\u202f500,5"\n'
            "Comptage,16/01/2026 00:00,12.75\n")
    result = plan(objective, text)
    assert [(row.line, row.measured_on, row.value) for row in result.to_add] == [
        (2, date(2026, 1, 15), Decimal("1500.5")), (4, date(2026, 1, 16), Decimal("12.75"))]
    assert result.to_add[0].source == "Rapport annuel, volet 2\nsur deux lignes"


def test_each_bad_row_is_rejected_with_its_line_and_a_french_reason(objective, facilitator):
    measurement_record(objective=objective, measured_on=date(2026, 2, 1), value=Decimal(14),
                       source="Saisie", by=facilitator)
    text = ("Date;Valeur;Source\n"
            ";10;Enquête\n"                    # 2
            "31/02/2026;10;Enquête\n"          # 3
            "2026/03/01;10;Enquête\n"          # 4
            "01/07/2026;10;Enquête\n"          # 5: after TODAY
            "02/03/2026;dix;Enquête\n"         # 6
            "03/03/2026;;Enquête\n"            # 7
            "04/03/2026;10;\n"                 # 8
            "05/03/2026;10;Enquête\n"          # 9: good
            "05/03/2026;11;Enquête\n"          # 10: same date as line 9
            "01/02/2026;12;Enquête\n"          # 11: already measured
            "06/03/2026;12,345;Enquête\n"      # 12
            "07/03/2026;10;" + "x" * 301 + "\n")  # 13
    result = plan(objective, text)
    assert [row.line for row in result.to_add] == [9]
    reasons = {row.line: row.errors for row in result.rejected}
    assert reasons == {
        2: ["date vide"],
        3: ["date invalide : « 31/02/2026 » (attendu JJ/MM/AAAA ou AAAA-MM-JJ)"],
        4: ["date invalide : « 2026/03/01 » (attendu JJ/MM/AAAA ou AAAA-MM-JJ)"],
        5: ["Une mesure ne peut pas être datée dans le futur."],
        6: ["valeur non numérique : « dix »"],
        7: ["valeur vide"],
        8: ["source manquante"],
        10: ["date déjà présente ligne 9 du fichier"],
        11: ["Une mesure existe déjà à cette date pour cet objectif."],
        12: ["valeur : deux décimales au plus (« 12,345 »)"],
        13: ["source trop longue (300 caractères au plus)"],
    }


@pytest.mark.parametrize(("text", "message"), [
    ("", "Le fichier est vide."),
    ("Date;Valeur;Source\n", "aucune mesure"),
    ("Jour;Chiffre\n01/01/2026;3\n", "Colonnes introuvables : « Source »"),
    ("Nom;Commune\nA;B\n", "Colonnes introuvables : « Date », « Valeur », « Source ». "),
])
def test_unreadable_files_are_refused_as_a_whole(objective, text, message):
    with pytest.raises(ImportFileError, match=message):
        plan(objective, text)


def test_files_are_bounded_in_rows_and_bytes(objective, monkeypatch):
    rows = "".join(f"{(date(2010, 1, 1) + timedelta(days=n)).isoformat()};1;s\n"
                   for n in range(5001))
    with pytest.raises(ImportFileError, match="5\u202f000 lignes au plus"):
        plan(objective, "Date;Valeur;Source\n" + rows)
    last = rows[:-1].rindex("\n") + 1  # without the 5,001st row
    assert len(plan(objective, "Date;Valeur;Source\n" + rows[:last]).to_add) == 5000
    with pytest.raises(ImportFileError, match="2 Mo au plus"):
        measurements_preview(objective=objective, raw=b"x" * (2 * 1024 * 1024 + 1), today=TODAY)


def test_the_actor_import_and_this_one_share_one_reader():
    assert actor_imports.decode is csvfiles.decode
    assert actor_imports.read_rows is csvfiles.read_rows
    assert measurement_import.read_rows is csvfiles.read_rows
    assert csvfiles.parse_number("1 234,5") == Decimal("1234.5")
    assert csvfiles.parse_number("\u00a0") is None
    for bad in ["1,2,3", "NaN", "Infinity", "12 €"]:
        with pytest.raises(ValueError):
            csvfiles.parse_number(bad)


# The pages -----------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("role", "status"),
    [("facilitator", 200), ("member_a", 200), ("member_b", 404), ("reviewer", 404),
     ("staff", 200)],
)
def test_every_role(client, cast, objective, role, status):
    upload_url, confirm_url, detail_url = urls(objective)
    client.force_login(cast[role])
    assert client.get(upload_url).status_code == status
    preview = client.post(upload_url, {"file": upload("Date;Valeur;Source\n01/03/2026;19;E\n")})
    assert preview.status_code == status
    if status == 200:
        assert "Importer des mesures (CSV)" in page_text(client.get(detail_url))
        response = client.post(confirm_url, {"payload": preview.context["payload"]})
        assert response.status_code == 302
    else:
        payload = sign_rows(plan(objective, "Date;Valeur;Source\n01/03/2026;19;E\n").to_add,
                            objective=objective, user=cast[role])
        assert client.post(confirm_url, {"payload": payload}).status_code == 404
    assert Measurement.objects.exists() is (status == 200)


def test_anonymous_is_sent_to_sign_in(client, objective):
    upload_url, confirm_url, _ = urls(objective)
    for response in (client.get(upload_url), client.post(confirm_url, {"payload": "x"})):
        assert response.status_code == 302 and "/compte/connexion/" in response.url


def test_preview_then_confirm_then_reimport_adds_nothing(client, member_a, objective):
    upload_url, confirm_url, _ = urls(objective)
    text = ("Date;Valeur;Source\r\n01/03/2026;19;Enquête\r\n01/04/2026;23,5;Enquête\r\n"
            "bientôt;3;Enquête\r\n")
    client.force_login(member_a)
    preview = client.post(upload_url, {"file": upload(text, encoding="cp1252")})
    shown = page_text(preview)
    assert "2 mesures à ajouter, 1 ligne rejetée." in shown
    assert "date invalide : « bientôt »" in shown
    assert "Rien n'est encore enregistré." in shown
    assert not Measurement.objects.exists()
    done = client.post(confirm_url, {"payload": preview.context["payload"]}, follow=True)
    assert "2 mesure(s) ajoutée(s)." in page_text(done)
    measurements = list(Measurement.objects.order_by("measured_on"))
    assert [(m.value, m.created_by) for m in measurements] == [
        (Decimal(19), member_a), (Decimal("23.5"), member_a)]
    assert measurements[0].history.get().history_user == member_a

    again = client.post(upload_url, {"file": upload(text, encoding="cp1252")})
    assert "Aucune mesure à ajouter, 3 lignes rejetées." in page_text(again)
    assert "Rien à ajouter" in page_text(again)
    # The first preview confirmed twice (a double click, a back button) adds nothing either.
    twice = client.post(confirm_url, {"payload": preview.context["payload"]}, follow=True)
    assert "Aucune mesure ajoutée. 2 ligne(s) ignorée(s)" in page_text(twice)
    assert Measurement.objects.count() == 2


def test_a_tampered_expired_or_foreign_preview_is_refused(client, member_a, facilitator,
                                                          objective, monkeypatch):
    upload_url, confirm_url, _ = urls(objective)
    client.force_login(member_a)
    preview = client.post(upload_url, {"file": upload("Date;Valeur;Source\n01/03/2026;19;E\n")})
    payload = preview.context["payload"]
    forged = signing.dumps({"objective": objective.pk, "user": member_a.pk,
                            "rows": [["2026-03-01", "99999", "E"]]}, salt="autre")
    response = client.post(confirm_url, {"payload": forged}, follow=True)
    assert "L'aperçu n'est plus valable : envoyez le fichier à nouveau." in page_text(response)
    with pytest.raises(ImportFileError, match="autre objectif"):
        unsign_rows(payload, objective=objective, user=facilitator)
    monkeypatch.setattr(measurement_import, "PREVIEW_MAX_AGE", -1)
    expired = client.post(confirm_url, {"payload": payload}, follow=True)
    assert "L'aperçu date de plus d'une heure" in page_text(expired)
    assert not Measurement.objects.exists()


def test_bad_uploads_are_refused_in_french(client, member_a, objective):
    upload_url, _, _ = urls(objective)
    client.force_login(member_a)
    for file, message in [
        (upload("Date;Valeur;Source\n", name="mesures.xlsx"), "Envoyez un fichier .csv"),
        (upload("", name="vide.csv"), "Le fichier soumis est vide."),
        (upload("x" * (2 * 1024 * 1024 + 1)), "Fichier trop lourd : 2,0 Mo, pour 2 Mo au plus."),
        (upload("Nom;Commune\nA;B\n"), "Colonnes introuvables"),
    ]:
        response = client.post(upload_url, {"file": file})
        assert response.status_code == 400
        assert message in page_text(response), message
    missing = client.post(upload_url, {})
    assert "Ce champ est obligatoire." in page_text(missing)
    assert not Measurement.objects.exists()


def test_confirm_writes_all_rows_or_none(member_a, objective, monkeypatch):
    from cluster.services import objectives

    rows = [(date(2026, 3, day), Decimal(day), "E") for day in range(1, 6)]

    def fail_halfway(objs, model, **kwargs):
        model.objects.bulk_create(objs[:2])
        raise RuntimeError("panne au milieu de l'écriture")

    monkeypatch.setattr(objectives, "bulk_create_with_history", fail_halfway)
    with pytest.raises(RuntimeError):
        objectives.measurements_import(objective=objective, rows=rows, by=member_a)
    assert not Measurement.objects.exists()


def test_a_row_measured_between_preview_and_confirm_is_skipped(client, member_a, facilitator,
                                                               objective):
    upload_url, confirm_url, _ = urls(objective)
    client.force_login(member_a)
    preview = client.post(upload_url, {"file": upload(
        "Date;Valeur;Source\n01/03/2026;19;E\n01/04/2026;21;E\n")})
    measurement_record(objective=objective, measured_on=date(2026, 3, 1), value=Decimal(18),
                       source="Saisie à la main", by=facilitator)
    response = client.post(confirm_url, {"payload": preview.context["payload"]}, follow=True)
    assert "1 mesure(s) ajoutée(s). 1 ligne(s) ignorée(s)" in page_text(response)
    assert Measurement.objects.get(measured_on=date(2026, 3, 1)).value == 18


def test_preview_of_a_large_file_keeps_the_page_short(client, member_a, objective):
    upload_url, confirm_url, _ = urls(objective)
    start = timezone.localdate() - timedelta(days=400)
    rows = "".join(f"{(start + timedelta(days=n)).strftime('%d/%m/%Y')};{n};Relevé\n"
                   for n in range(300))
    client.force_login(member_a)
    preview = client.post(upload_url, {"file": upload("Date;Valeur;Source\n" + rows)})
    assert len(preview.context["to_add"]) == 100
    assert "… et 200 autres mesures." in page_text(preview)
    client.post(confirm_url, {"payload": preview.context["payload"]})
    assert Measurement.objects.count() == 300
