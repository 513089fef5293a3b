"""The roadmap end to end: creating a cluster, step pages, milestones, deliverables, the API."""

import io
import zipfile
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from cluster.errors import DomainError
from cluster.models import Cluster, Deliverable, Milestone
from cluster.services import (
    deliverable_add,
    milestone_add,
    milestone_move,
    milestone_update,
)
from tests.helpers import as_role, page_text
from tests.territories.factories import TerritoryFactory

pytestmark = pytest.mark.django_db

ROLES = ["facilitator", "member_a", "member_b", "reviewer", "staff"]


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DELIVERABLE_MAX_MB = 10


@pytest.fixture
def step(cluster):
    return cluster.steps.get(number=2)


def pdf(name="compte-rendu.pdf", body=b"contenu"):
    return SimpleUploadedFile(name, b"%PDF-1.7\n" + body, content_type="application/pdf")


def office(name, members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for member in members:
            archive.writestr(member, "<x/>")
    return SimpleUploadedFile(name, buffer.getvalue())


def media_files(settings):
    root = settings.MEDIA_ROOT
    return sorted(p.name for p in root.rglob("*") if p.is_file()) if root.exists() else []


# Creating a cluster ----------------------------------------------------------------------------

@pytest.mark.parametrize(("role", "expected"), [
    ("facilitator", 200), ("member_a", 403), ("member_b", 403), ("reviewer", 403),
    ("staff", 200)])
def test_who_may_open_the_cluster_creation_page(client, cast, role, expected):
    as_role(client, cast, role)
    assert client.get(reverse("cluster_create")).status_code == expected


def test_anonymous_is_sent_to_sign_in_to_create_a_cluster(client):
    response = client.get(reverse("cluster_create"))
    assert response.status_code == 302 and "/compte/connexion/" in response.url


def test_a_facilitator_creates_a_cluster_with_its_roadmap(client, facilitator, collective_a):
    territory = TerritoryFactory(name="Pays de Bray")
    client.force_login(facilitator)
    response = client.post(reverse("cluster_create"), {
        "collective": collective_a.pk, "territory": territory.pk,
        "start_date": "2026-09-01", "duration_months": "9"})
    cluster = Cluster.objects.get(territory=territory)
    assert response.status_code == 302
    assert response.url == reverse("cluster_dashboard", args=[cluster.pk])
    assert cluster.collective == collective_a and cluster.duration_months == 9
    assert cluster.steps.count() == 7
    assert cluster.steps.last().end_date == date(2027, 5, 31)


def test_the_form_offers_the_facilitated_collectives_and_the_visible_territories(
        client, facilitator, collective_a, collective_b, territory_b):
    published = TerritoryFactory(name="Pays de Bray")
    draft_of_others = TerritoryFactory(name="Brouillon d'ailleurs", is_published=False)
    client.force_login(facilitator)
    form = client.get(reverse("cluster_create")).context["form"]
    assert list(form.fields["collective"].queryset) == [collective_a]
    territories = set(form.fields["territory"].queryset)
    assert published in territories
    assert draft_of_others not in territories and territory_b not in territories
    assert form.fields["duration_months"].initial == 12


def test_staff_may_create_a_cluster_for_any_collective(client, staff, collective_b):
    territory = TerritoryFactory()
    client.force_login(staff)
    client.post(reverse("cluster_create"), {
        "collective": collective_b.pk, "territory": territory.pk,
        "start_date": "2026-09-01", "duration_months": "12"})
    assert Cluster.objects.filter(collective=collective_b, territory=territory).exists()


@pytest.mark.parametrize(("change", "message"), [
    ({"duration_months": "8"}, "Un cluster dure de 9 à 12 mois."),
    ({"duration_months": "13"}, "Un cluster dure de 9 à 12 mois."),
    ({"start_date": "demain"}, "Indiquez une date valide"),
    ({"start_date": ""}, "Indiquez la date de lancement."),
    ({"collective": "other"}, "Choisissez un collectif que vous animez."),
    ({"territory": "draft"}, "Choisissez un territoire de la liste."),
])
def test_bad_cluster_creations_are_refused_in_french(client, facilitator, collective_a,
                                                     collective_b, change, message):
    territory = TerritoryFactory()
    data = {"collective": collective_a.pk, "territory": territory.pk,
            "start_date": "2026-09-01", "duration_months": "12", **change}
    if data["collective"] == "other":
        data["collective"] = collective_b.pk
    if data["territory"] == "draft":
        data["territory"] = TerritoryFactory(is_published=False).pk
    client.force_login(facilitator)
    response = client.post(reverse("cluster_create"), data)
    assert response.status_code == 400
    assert message in page_text(response)
    assert not Cluster.objects.exists()


def test_a_second_cluster_on_the_same_territory_is_refused(client, facilitator, collective_a,
                                                           territory_a):
    client.force_login(facilitator)
    response = client.post(reverse("cluster_create"), {
        "collective": collective_a.pk, "territory": territory_a.pk,
        "start_date": "2027-01-01", "duration_months": "12"})
    assert response.status_code == 400
    assert "Ce collectif a déjà un cluster sur ce territoire." in page_text(response)
    assert Cluster.objects.count() == 1


@pytest.mark.parametrize(("role", "button"), [
    ("facilitator", True), ("member_a", False), ("member_b", False), ("reviewer", False),
    ("staff", True)])
def test_the_cluster_list_offers_creation_to_those_who_may(client, cast, cluster, role,
                                                           button):
    as_role(client, cast, role)
    text = page_text(client.get(reverse("cluster_list")))
    assert ("Créer un cluster" in text) is button


def test_empty_cluster_list_says_what_to_do_next(client, facilitator, member_b):
    client.force_login(facilitator)
    text = page_text(client.get(reverse("cluster_list")))
    assert "Créez le premier" in text
    client.force_login(member_b)
    text = page_text(client.get(reverse("cluster_list")))
    assert "demandez à rejoindre le collectif qui en mène un" in text
    assert "Je lance un cluster sur mon territoire" in text


# The step page ------------------------------------------------------------------------------

@pytest.mark.parametrize(("role", "read", "steer_controls", "upload_form"), [
    ("facilitator", 200, True, True), ("member_a", 200, False, True),
    ("member_b", 404, False, False), ("reviewer", 404, False, False),
    ("staff", 200, True, True)])
def test_the_step_page_by_role(client, cast, step, role, read, steer_controls, upload_form):
    as_role(client, cast, role)
    response = client.get(reverse("step_detail", args=[step.cluster_id, step.pk]))
    assert response.status_code == read
    if read == 200:
        text = page_text(response)
        assert "Première rencontre de la communauté" in text
        assert ("Ajouter le jalon" in text) is steer_controls
        assert ("Modifier les dates et l'état" in text) is steer_controls
        assert ("Déposer un livrable" in text) is upload_form


def test_anonymous_is_sent_to_sign_in_from_the_step_page(client, step):
    response = client.get(reverse("step_detail", args=[step.cluster_id, step.pk]))
    assert response.status_code == 302 and "/compte/connexion/" in response.url


def test_a_step_of_another_cluster_is_not_found(client, facilitator, cluster, territory_b):
    other_step = territory_b.clusters.get().steps.first()
    client.force_login(facilitator)
    assert client.get(reverse("step_detail", args=[cluster.pk, other_step.pk])) \
        .status_code == 404


def test_late_milestones_are_flagged_on_the_step_page(client, member_a, step):
    today = timezone.localdate()
    step.milestones.update(done_on=None)
    Milestone.objects.create(step=step, title="Comité installé en retard",
                             due_date=today - timedelta(days=3), position=9)
    Milestone.objects.create(step=step, title="Rencontre à venir",
                             due_date=today + timedelta(days=3), position=10)
    client.force_login(member_a)
    response = client.get(reverse("step_detail", args=[step.cluster_id, step.pk]))
    late = {m.title for m in response.context["milestones"] if m.late}
    assert "Comité installé en retard" in late
    assert "Rencontre à venir" not in late
    assert "en retard" in page_text(response)


def test_the_step_page_query_count_does_not_grow(client, facilitator, step,
                                                 django_assert_max_num_queries):
    client.force_login(facilitator)
    url = reverse("step_detail", args=[step.cluster_id, step.pk])

    def grow(count):
        for n in range(count):
            Milestone.objects.create(step=step, title=f"Jalon {n}", due_date=step.end_date)
            Deliverable.objects.create(step=step, title=f"Livrable {n}", size=3,
                                       file=f"livrables/x/{n}.pdf", uploaded_by=facilitator)

    grow(1)
    with django_assert_max_num_queries(30) as few:
        client.get(url)
    grow(15)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


def test_editing_the_step_returns_to_its_page(client, facilitator, step):
    client.force_login(facilitator)
    response = client.post(reverse("step_edit", args=[step.cluster_id, step.pk]), {
        "start_date": step.start_date.isoformat(), "end_date": step.end_date.isoformat(),
        "status": "doing"})
    assert response.url == reverse("step_detail", args=[step.cluster_id, step.pk])


# Milestones -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("role", "expected"), [
    ("facilitator", 302), ("member_a", 403), ("member_b", 404), ("reviewer", 404),
    ("staff", 302)])
def test_who_may_add_change_move_reach_reopen_and_delete_milestones(client, cast, step, role,
                                                                    expected):
    first, second = step.milestones.order_by("position")
    cluster_pk = step.cluster_id
    as_role(client, cast, role)
    actions = [
        (reverse("milestone_create", args=[cluster_pk, step.pk]),
         {"milestone-title": "Nouveau", "milestone-due_date": step.end_date.isoformat()}),
        (reverse("milestone_edit", args=[cluster_pk, first.pk]),
         {"milestone-title": "Renommé", "milestone-due_date": step.end_date.isoformat()}),
        (reverse("milestone_move", args=[cluster_pk, second.pk]), {"direction": "up"}),
        (reverse("milestone_done", args=[cluster_pk, first.pk]), {}),
        (reverse("milestone_reopen", args=[cluster_pk, first.pk]), {}),
        (reverse("milestone_delete", args=[cluster_pk, second.pk]), {}),
    ]
    for url, data in actions:
        assert client.post(url, data).status_code == expected, url
    titles = set(step.milestones.values_list("title", flat=True))
    if expected == 302:
        assert titles == {"Renommé", "Nouveau"}
    else:
        assert titles == {first.title, second.title}
        first.refresh_from_db()
        assert first.done_on is None


@pytest.mark.parametrize(("role", "expected"), [
    ("facilitator", 200), ("member_a", 403), ("member_b", 404), ("reviewer", 404),
    ("staff", 200)])
def test_who_may_open_the_milestone_forms(client, cast, step, role, expected):
    milestone = step.milestones.first()
    as_role(client, cast, role)
    for url in [reverse("milestone_create", args=[step.cluster_id, step.pk]),
                reverse("milestone_edit", args=[step.cluster_id, milestone.pk]),
                reverse("milestone_delete", args=[step.cluster_id, milestone.pk])]:
        assert client.get(url).status_code == expected, url


def test_adding_a_milestone_puts_it_last(client, facilitator, step):
    client.force_login(facilitator)
    response = client.post(reverse("milestone_create", args=[step.cluster_id, step.pk]), {
        "milestone-title": "Charte de la communauté",
        "milestone-due_date": step.end_date.isoformat()})
    assert response.url == reverse("step_detail", args=[step.cluster_id, step.pk])
    assert list(step.milestones.order_by("position").values_list("title", flat=True))[-1] \
        == "Charte de la communauté"


@pytest.mark.parametrize(("due", "message"), [
    (date(2025, 12, 31), "L'échéance ne peut pas précéder le lancement du cluster, le 1 "
                         "janvier 2026."),
    ("before_step", "L'échéance ne peut pas précéder le début de l'étape"),
    (date(2027, 1, 1), "L'échéance doit tomber au plus tard le 31 décembre 2026"),
])
def test_a_due_date_outside_the_cluster_or_before_the_step_is_refused(client, facilitator,
                                                                      step, due, message):
    if due == "before_step":
        due = step.start_date - timedelta(days=1)
    before = list(step.milestones.values_list("title", "due_date"))
    client.force_login(facilitator)
    add = client.post(reverse("milestone_create", args=[step.cluster_id, step.pk]), {
        "milestone-title": "Hors période", "milestone-due_date": due.isoformat()})
    assert add.status_code == 400 and message in page_text(add)
    milestone = step.milestones.first()
    edit = client.post(reverse("milestone_edit", args=[step.cluster_id, milestone.pk]), {
        "milestone-title": "Hors période", "milestone-due_date": due.isoformat()})
    assert edit.status_code == 400 and message in page_text(edit)
    assert list(step.milestones.values_list("title", "due_date")) == before


def test_a_milestone_may_fall_after_its_step(step):
    later = step.end_date + timedelta(days=60)
    assert milestone_add(step=step, title="Bilan", due_date=later).due_date == later


def test_a_step_moved_beyond_the_cluster_end_takes_its_milestones_along(cluster):
    last = cluster.steps.get(number=7)
    last.end_date = date(2027, 2, 28)
    last.save()
    assert milestone_add(step=last, title="Adoption", due_date=date(2027, 2, 15)).pk


def test_renaming_a_milestone_left_behind_by_its_step_is_allowed(step):
    milestone = step.milestones.first()
    step.start_date, step.end_date = step.end_date + timedelta(days=1), step.end_date \
        + timedelta(days=40)
    step.save()
    milestone.refresh_from_db()
    milestone_update(milestone=milestone, title="Renommé", due_date=milestone.due_date)
    with pytest.raises(DomainError, match="précéder le début de l'étape"):
        milestone_update(milestone=milestone, title="Renommé",
                         due_date=milestone.due_date - timedelta(days=1))


def test_bad_milestone_form_inputs_are_refused(client, facilitator, step):
    client.force_login(facilitator)
    response = client.post(reverse("milestone_create", args=[step.cluster_id, step.pk]), {
        "milestone-title": "", "milestone-due_date": "bientôt"})
    assert response.status_code == 400
    assert "Ce champ est obligatoire." in page_text(response)
    assert step.milestones.count() == 2


def test_moving_the_due_date_clears_the_reminder(step):
    milestone = step.milestones.first()
    Milestone.objects.filter(pk=milestone.pk).update(reminded_on=date(2026, 3, 1))
    milestone.refresh_from_db()
    milestone_update(milestone=milestone, title="Même date", due_date=milestone.due_date)
    milestone.refresh_from_db()
    assert milestone.reminded_on == date(2026, 3, 1)
    milestone_update(milestone=milestone, title="Repoussé",
                     due_date=milestone.due_date + timedelta(days=10))
    milestone.refresh_from_db()
    assert milestone.reminded_on is None and milestone.title == "Repoussé"


def test_editing_the_due_date_on_the_page_clears_the_reminder(client, facilitator, step):
    milestone = step.milestones.first()
    Milestone.objects.filter(pk=milestone.pk).update(reminded_on=date(2026, 3, 1))
    client.force_login(facilitator)
    client.post(reverse("milestone_edit", args=[step.cluster_id, milestone.pk]), {
        "milestone-title": milestone.title,
        "milestone-due_date": (milestone.due_date - timedelta(days=5)).isoformat()})
    milestone.refresh_from_db()
    assert milestone.reminded_on is None
    record = milestone.history.first()
    assert record.history_user == facilitator


def test_moving_milestones_renumbers_the_step(step):
    third = milestone_add(step=step, title="Troisième", due_date=step.end_date)
    first, second = step.milestones.order_by("position")[:2]
    milestone_move(milestone=third, direction="up")
    assert list(step.milestones.order_by("position").values_list("pk", "position")) == [
        (first.pk, 0), (third.pk, 1), (second.pk, 2)]
    milestone_move(milestone=Milestone.objects.get(pk=first.pk), direction="down")
    assert list(step.milestones.order_by("position").values_list("pk", flat=True)) == [
        third.pk, first.pk, second.pk]


def test_a_milestone_cannot_leave_its_step_list(client, facilitator, step):
    first, last = step.milestones.order_by("position")
    with pytest.raises(DomainError, match="déjà le premier"):
        milestone_move(milestone=first, direction="up")
    with pytest.raises(DomainError, match="déjà le dernier"):
        milestone_move(milestone=last, direction="down")
    with pytest.raises(DomainError, match="Déplacement inconnu"):
        milestone_move(milestone=first, direction="sideways")
    client.force_login(facilitator)
    response = client.post(reverse("milestone_move", args=[step.cluster_id, first.pk]),
                           {"direction": "up"}, follow=True)
    assert "Ce jalon est déjà le premier de l'étape." in page_text(response)
    assert list(step.milestones.order_by("position")) == [first, last]


def test_moving_needs_a_post(client, facilitator, step):
    client.force_login(facilitator)
    milestone = step.milestones.first()
    assert client.get(reverse("milestone_move", args=[step.cluster_id, milestone.pk])) \
        .status_code == 405


def test_deleting_a_milestone_asks_first(client, facilitator, step):
    milestone = step.milestones.first()
    client.force_login(facilitator)
    url = reverse("milestone_delete", args=[step.cluster_id, milestone.pk])
    confirm = client.get(url)
    assert "Supprimer ce jalon ?" in page_text(confirm)
    assert Milestone.objects.filter(pk=milestone.pk).exists()
    response = client.post(url)
    assert response.url == reverse("step_detail", args=[step.cluster_id, step.pk])
    assert not Milestone.objects.filter(pk=milestone.pk).exists()


def test_reaching_and_reopening_a_milestone(client, facilitator, step):
    milestone = step.milestones.first()
    client.force_login(facilitator)
    page = reverse("step_detail", args=[step.cluster_id, step.pk])
    done = client.post(reverse("milestone_done", args=[step.cluster_id, milestone.pk]),
                       {"next": page})
    assert done.url == page
    milestone.refresh_from_db()
    assert milestone.done_on == timezone.localdate()
    assert "Rouvrir" in page_text(client.get(page))
    client.post(reverse("milestone_reopen", args=[step.cluster_id, milestone.pk]))
    milestone.refresh_from_db()
    assert milestone.done_on is None
    again = client.post(reverse("milestone_reopen", args=[step.cluster_id, milestone.pk]),
                        follow=True)
    assert "Ce jalon n'est pas encore atteint." in page_text(again)


def test_a_milestone_of_another_cluster_is_not_found(client, facilitator, cluster,
                                                     territory_b):
    other = Milestone.objects.filter(step__cluster=territory_b.clusters.get()).first()
    client.force_login(facilitator)
    for name in ["milestone_edit", "milestone_delete"]:
        assert client.get(reverse(name, args=[cluster.pk, other.pk])).status_code == 404
    assert client.post(reverse("milestone_done", args=[cluster.pk, other.pk])) \
        .status_code == 404
    other.refresh_from_db()
    assert other.done_on is None


# Deliverables -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("role", "expected"), [
    ("facilitator", 302), ("member_a", 302), ("member_b", 404), ("reviewer", 404),
    ("staff", 302)])
def test_who_may_upload_a_deliverable(client, cast, step, settings, role, expected):
    as_role(client, cast, role)
    response = client.post(reverse("deliverable_upload", args=[step.cluster_id, step.pk]),
                           {"title": "Compte rendu", "file": pdf()})
    assert response.status_code == expected
    assert Deliverable.objects.filter(step=step).exists() is (expected == 302)
    assert bool(media_files(settings)) is (expected == 302)


def test_an_uploaded_deliverable_is_recorded_with_a_safe_name(client, member_a, step):
    client.force_login(member_a)
    response = client.post(reverse("deliverable_upload", args=[step.cluster_id, step.pk]), {
        "title": "Compte rendu de la rencontre",
        "file": pdf(name="../../Compte rendu <rencontre> n°1.PDF")})
    assert response.url == reverse("step_detail", args=[step.cluster_id, step.pk])
    deliverable = Deliverable.objects.get()
    assert deliverable.uploaded_by == member_a
    assert deliverable.size == len(b"%PDF-1.7\ncontenu")
    assert deliverable.file.name == (
        f"livrables/cluster-{step.cluster_id}/etape-2/Compte_rendu_rencontre_n1.pdf")
    text = page_text(client.get(reverse("step_detail", args=[step.cluster_id, step.pk])))
    assert "Compte rendu de la rencontre" in text and "Compte_rendu_rencontre_n1.pdf" in text


@pytest.mark.parametrize("upload", [
    lambda: pdf(),
    lambda: office("programme.odt", ["mimetype", "content.xml"]),
    lambda: office("budget.ods", ["mimetype", "content.xml"]),
    lambda: office("support.odp", ["mimetype", "content.xml"]),
    lambda: office("note.docx", ["[Content_Types].xml", "word/document.xml"]),
    lambda: office("tableau.xlsx", ["[Content_Types].xml", "xl/workbook.xml"]),
    lambda: office("diaporama.pptx", ["[Content_Types].xml", "ppt/presentation.xml"]),
    lambda: SimpleUploadedFile("carte.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 20),
    lambda: SimpleUploadedFile("photo.JPG", b"\xff\xd8\xff\xe0" + b"\x00" * 20),
    lambda: SimpleUploadedFile("photo.jpeg", b"\xff\xd8\xff\xdb" + b"\x00" * 20),
    lambda: SimpleUploadedFile("acteurs.csv", "Nom;Commune\nÉcole;Arlés\n".encode("cp1252")),
    lambda: SimpleUploadedFile("notes.txt", "\ufeffNotes de la réunion\n".encode()),
], ids=["pdf", "odt", "ods", "odp", "docx", "xlsx", "pptx", "png", "jpg", "jpeg", "csv-cp1252",
        "txt-utf8-bom"])
def test_accepted_types(step, member_a, upload):
    deliverable = deliverable_add(step=step, title="Livrable", upload=upload(), by=member_a)
    assert deliverable.file.storage.exists(deliverable.file.name)


@pytest.mark.parametrize(("upload", "message"), [
    (lambda: SimpleUploadedFile("outil.exe", b"MZ\x90\x00"), "Type de fichier non accepté."),
    (lambda: SimpleUploadedFile("page.html", b"<script>alert(1)</script>"),
     "Type de fichier non accepté."),
    (lambda: SimpleUploadedFile("sans-extension", b"%PDF-1.7"), "Type de fichier non accepté."),
    (lambda: SimpleUploadedFile("faux.pdf", b"<html><script>alert(1)</script>"),
     "Le contenu du fichier ne correspond pas à son extension .pdf"),
    (lambda: SimpleUploadedFile("image.png", b"%PDF-1.7 pas une image"),
     "Le contenu du fichier ne correspond pas à son extension .png"),
    (lambda: SimpleUploadedFile("photo.jpg", b"\x89PNG\r\n\x1a\n"),
     "Le contenu du fichier ne correspond pas à son extension .jpg"),
    (lambda: office("archive.docx", ["autre.txt"]),
     "Le contenu du fichier ne correspond pas à son extension .docx"),
    (lambda: office("archive.odt", ["[Content_Types].xml"]),
     "Le contenu du fichier ne correspond pas à son extension .odt"),
    (lambda: SimpleUploadedFile("tronque.xlsx", b"PK\x03\x04 tronque"),
     "Le contenu du fichier ne correspond pas à son extension .xlsx"),
    (lambda: SimpleUploadedFile("binaire.csv", b"\x00\x01\x02binaire"),
     "Le contenu du fichier ne correspond pas à son extension .csv"),
    (lambda: SimpleUploadedFile("binaire.txt", b"\x81\x8d\x8f\x90\x9d"),
     "Le contenu du fichier ne correspond pas à son extension .txt"),
])
def test_refused_files_get_a_french_message_and_nothing_is_stored(client, member_a, step,
                                                                  settings, upload, message):
    client.force_login(member_a)
    response = client.post(reverse("deliverable_upload", args=[step.cluster_id, step.pk]),
                           {"title": "Livrable", "file": upload()})
    assert response.status_code == 400
    assert message in page_text(response)
    assert not Deliverable.objects.exists()
    assert media_files(settings) == []


def test_a_file_over_the_limit_is_refused(client, member_a, step, settings):
    settings.DELIVERABLE_MAX_MB = 1
    client.force_login(member_a)
    response = client.post(reverse("deliverable_upload", args=[step.cluster_id, step.pk]), {
        "title": "Trop lourd", "file": pdf(body=b"x" * (1024 * 1024 + 100_000))})
    assert response.status_code == 400
    assert "Fichier trop lourd : 1,1 Mo, pour 1 Mo au plus." in page_text(response)
    assert not Deliverable.objects.exists() and media_files(settings) == []


def test_an_empty_title_or_file_is_refused(client, member_a, step, settings):
    client.force_login(member_a)
    url = reverse("deliverable_upload", args=[step.cluster_id, step.pk])
    missing = client.post(url, {"title": ""})
    assert missing.status_code == 400
    text = page_text(missing)
    assert "Donnez un intitulé au livrable." in text
    assert "Choisissez le fichier à déposer." in text
    empty = client.post(url, {"title": "Vide", "file": SimpleUploadedFile("vide.pdf", b"")})
    assert "Le fichier est vide." in page_text(empty)
    assert not Deliverable.objects.exists() and media_files(settings) == []


@pytest.fixture
def deliverable(step, member_a):
    return deliverable_add(step=step, title="Carte des acteurs",
                           upload=pdf(name="carte.pdf", body=b"carte"), by=member_a)


@pytest.mark.parametrize(("role", "expected"), [
    ("facilitator", 200), ("member_a", 200), ("member_b", 404), ("reviewer", 404),
    ("staff", 200)])
def test_who_may_download_a_deliverable(client, cast, deliverable, role, expected):
    as_role(client, cast, role)
    response = client.get(reverse("deliverable_download",
                                  args=[deliverable.step.cluster_id, deliverable.pk]))
    assert response.status_code == expected
    if expected == 200:
        assert b"".join(response.streaming_content) == b"%PDF-1.7\ncarte"
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == 'attachment; filename="carte.pdf"'
        assert response["X-Content-Type-Options"] == "nosniff"


def test_anonymous_cannot_download_and_media_url_serves_nothing(client, deliverable):
    response = client.get(reverse("deliverable_download",
                                  args=[deliverable.step.cluster_id, deliverable.pk]))
    assert response.status_code == 302 and "/compte/connexion/" in response.url
    assert client.get(deliverable.file.url).status_code == 404


def test_a_deliverable_of_another_cluster_is_not_found(client, facilitator, deliverable,
                                                       territory_b):
    cluster_b = territory_b.clusters.get()
    client.force_login(facilitator)
    assert client.get(reverse("deliverable_download", args=[cluster_b.pk,
                                                            deliverable.pk])).status_code == 404


def test_a_lost_file_is_a_clear_404(client, facilitator, deliverable):
    deliverable.file.storage.delete(deliverable.file.name)
    client.force_login(facilitator)
    assert client.get(reverse("deliverable_download",
                              args=[deliverable.step.cluster_id, deliverable.pk])) \
        .status_code == 404


@pytest.mark.parametrize(("role", "read", "delete"), [
    ("facilitator", 200, 302), ("member_a", 403, 403), ("member_b", 404, 404),
    ("reviewer", 404, 404), ("staff", 200, 302)])
def test_who_may_delete_a_deliverable(client, cast, deliverable, settings, role, read, delete,
                                      django_capture_on_commit_callbacks):
    url = reverse("deliverable_delete", args=[deliverable.step.cluster_id, deliverable.pk])
    as_role(client, cast, role)
    confirm = client.get(url)
    assert confirm.status_code == read
    if read == 200:
        assert "Supprimer ce livrable ?" in page_text(confirm)
    assert Deliverable.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url).status_code == delete
    assert Deliverable.objects.exists() is (delete != 302)
    assert (media_files(settings) == []) is (delete == 302)


# API ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("role", "expected"), [
    ("facilitator", 200), ("member_a", 403), ("member_b", 404), ("reviewer", 404),
    ("staff", 200), ("anonymous", 401)])
def test_api_milestone_actions_by_role(client, cast, step, role, expected):
    first, second = step.milestones.order_by("position")
    as_role(client, cast, role)
    done = client.post(reverse("api:milestone-complete", args=[first.pk]))
    assert done.status_code == expected
    first.refresh_from_db()
    assert (first.done_on == timezone.localdate()) is (expected == 200)
    if expected == 200:
        assert done.json()["done_on"] == timezone.localdate().isoformat()
    reopen = client.post(reverse("api:milestone-reopen", args=[first.pk]))
    assert reopen.status_code == expected
    move = client.post(reverse("api:milestone-move", args=[second.pk]), {"direction": "up"},
                       content_type="application/json")
    assert move.status_code == expected
    if expected == 200:
        assert move.json()["position"] == 0
    assert list(step.milestones.order_by("position")) == (
        [second, first] if expected == 200 else [first, second])


def test_api_milestone_actions_refuse_what_the_services_refuse(client, facilitator, step):
    first = step.milestones.order_by("position").first()
    client.force_login(facilitator)
    client.post(reverse("api:milestone-complete", args=[first.pk]))
    again = client.post(reverse("api:milestone-complete", args=[first.pk]))
    assert again.status_code == 409
    assert again.json() == {"detail": "Ce jalon est déjà atteint.", "code": "already_done"}
    up = client.post(reverse("api:milestone-move", args=[first.pk]), {"direction": "up"},
                     content_type="application/json")
    assert up.status_code == 409 and up.json()["code"] == "cannot_move"
    sideways = client.post(reverse("api:milestone-move", args=[first.pk]),
                           {"direction": "sideways"}, content_type="application/json")
    assert sideways.status_code == 400 and sideways.json()["code"] == "invalid"


def test_api_creates_and_updates_milestones_through_the_services(client, facilitator, step):
    client.force_login(facilitator)
    created = client.post(reverse("api:milestone-list"), {
        "step": step.pk, "title": "Charte", "due_date": step.end_date.isoformat(),
        "done_on": "2026-01-01", "position": 0}, content_type="application/json")
    assert created.status_code == 201
    milestone = Milestone.objects.get(pk=created.json()["id"])
    assert milestone.done_on is None and milestone.position == 2
    Milestone.objects.filter(pk=milestone.pk).update(reminded_on=date(2026, 3, 1))
    moved = client.patch(reverse("api:milestone-detail", args=[milestone.pk]),
                         {"due_date": (step.end_date + timedelta(days=3)).isoformat()},
                         content_type="application/json")
    assert moved.status_code == 200
    milestone.refresh_from_db()
    assert milestone.reminded_on is None
    too_early = client.patch(reverse("api:milestone-detail", args=[milestone.pk]),
                             {"due_date": "2025-06-01"}, content_type="application/json")
    assert too_early.status_code == 400
    assert too_early.json()["code"] == "due_before_cluster"
    assert "lancement du cluster" in too_early.json()["detail"]
    deleted = client.delete(reverse("api:milestone-detail", args=[milestone.pk]))
    assert deleted.status_code == 204 and not Milestone.objects.filter(pk=milestone.pk).exists()


@pytest.mark.parametrize(("role", "expected"), [
    ("facilitator", 201), ("member_a", 403), ("member_b", 400), ("reviewer", 400),
    ("staff", 201)])
def test_api_milestone_creation_by_role(client, cast, step, role, expected):
    client.force_login(cast[role])
    response = client.post(reverse("api:milestone-list"), {
        "step": step.pk, "title": "Charte", "due_date": step.end_date.isoformat()},
        content_type="application/json")
    # Others do not learn the step exists: it is an invalid choice, not a refusal.
    assert response.status_code == expected
    assert Milestone.objects.filter(title="Charte").exists() is (expected == 201)


def test_api_milestones_flag_late_ones(client, member_a, step):
    step.milestones.update(due_date=date(2026, 1, 2), done_on=None)
    client.force_login(member_a)
    data = client.get(reverse("api:milestone-list"), {"step": step.pk}).json()
    assert {item["is_late"] for item in data["results"]} == {
        date(2026, 1, 2) < timezone.localdate()}


@pytest.mark.parametrize(("role", "count"), [
    ("facilitator", 1), ("member_a", 1), ("member_b", 0), ("reviewer", 0), ("staff", 1)])
def test_api_deliverables_by_role(client, cast, deliverable, role, count):
    client.force_login(cast[role])
    data = client.get(reverse("api:deliverable-list")).json()
    assert data["count"] == count
    detail = client.get(reverse("api:deliverable-detail", args=[deliverable.pk]))
    assert detail.status_code == (200 if count else 404)
    if count:
        item = detail.json()
        assert item["title"] == "Carte des acteurs"
        assert item["filename"] == "carte.pdf"
        assert item["content_type"] == "application/pdf"
        assert item["cluster"] == deliverable.step.cluster_id
        assert item["download_url"] == "http://testserver" + reverse(
            "deliverable_download", args=[deliverable.step.cluster_id, deliverable.pk])
        assert client.get(item["download_url"]).status_code == 200


def test_api_deliverables_are_read_only_and_need_an_account(client, facilitator, deliverable):
    assert client.get(reverse("api:deliverable-list")).status_code == 401
    client.force_login(facilitator)
    assert client.post(reverse("api:deliverable-list"), {"title": "x"}).status_code == 405
    assert client.delete(reverse("api:deliverable-detail", args=[deliverable.pk])) \
        .status_code == 405
    assert Deliverable.objects.exists()


def test_api_deliverables_filter_and_query_count(client, staff, step, territory_b,
                                                 django_assert_max_num_queries):
    other_step = territory_b.clusters.get().steps.first()
    for n in range(12):
        for target in (step, other_step):
            Deliverable.objects.create(step=target, title=f"Livrable {n}", size=10,
                                       file=f"livrables/{target.pk}/{n}.pdf", uploaded_by=staff)
    client.force_login(staff)
    with django_assert_max_num_queries(6):
        data = client.get(reverse("api:deliverable-list"), {"cluster": step.cluster_id}).json()
    assert data["count"] == 12
    with django_assert_max_num_queries(6):
        data = client.get(reverse("api:milestone-list")).json()
    assert data["count"] == 20

