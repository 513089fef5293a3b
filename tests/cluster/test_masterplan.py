"""The schéma directeur (step 7): sections, versions frozen at generation, PDFs, publication."""

import ast
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cluster import frenchtext as fr
from cluster.charts import breakdown_chart, progress_chart
from cluster.errors import DomainError
from cluster.masterplan import (
    SECTION_KEYS,
    STALE_AFTER,
    gather,
    has_adopted_master_plan,
    register_section_provider,
    section_provider,
)
from cluster.models import (
    Challenge,
    MasterPlanSection,
    MasterPlanVersion,
    Measurement,
    Membership,
    Objective,
)
from cluster.services import (
    master_plan_generate,
    master_plan_publish,
    master_plan_render,
    master_plan_requeue,
    master_plan_section_save,
    master_plan_section_unvalidate,
    master_plan_section_validate,
    master_plan_unpublish,
)
from cluster.tasks import render_master_plan_version
from tests.cluster.factories import MembershipFactory
from tests.helpers import page_text

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
EVIL = ('Texte <script>alert("x")</script> et <img src="x" onerror="alert(1)"> '
        '[piège](javascript:alert(1)) **gras**')


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


class FakePdf:
    """Stand in for WeasyPrint where the PDF's content does not matter: fast, and counted."""

    def __init__(self):
        self.calls = 0
        self.failures = 0

    def __call__(self, html, target):
        self.calls += 1
        if self.failures:
            self.failures -= 1
            raise OSError("Rendu interrompu (test)")
        target.write(b"%PDF-1.7\n% test\n" + html.encode()[:200])


@pytest.fixture
def fake_pdf(monkeypatch):
    fake = FakePdf()
    monkeypatch.setattr("cluster.services.masterplan.write_pdf", fake)
    return fake


@pytest.fixture
def objective(cluster):
    challenge = Challenge.objects.create(cluster=cluster, title="Cultiver Marseille",
                                         kind="environnemental",
                                         summary="Utiliser les hectares disponibles en ville.")
    objective = Objective.objects.create(challenge=challenge, title="Surfaces cultivées",
                                         unit="hectares", baseline=12, target=40,
                                         target_date=date(2029, 6, 1))
    Measurement.objects.create(objective=objective, measured_on=date(2026, 3, 1), value=19,
                               source="Comptage du collectif")
    return objective


def write_all(cluster, by, *, validate=True):
    for key in SECTION_KEYS:
        row = MasterPlanSection.objects.filter(plan__cluster=cluster, key=key).first()
        section = master_plan_section_save(cluster=cluster, key=key,
                                           text=f"Texte de la section {key} : à suivre !",
                                           version=row.version if row else 1, by=by)
        if validate:
            master_plan_section_validate(section=section, by=by)


def generate(cluster, by, committed):
    with committed():
        version = master_plan_generate(cluster=cluster, by=by)
    version.refresh_from_db()
    return version


# The registry: gathering from higher apps without importing them ----------------------------

def _imports(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module


def test_cluster_never_imports_projects_or_funding():
    offenders = [
        (str(path.relative_to(ROOT)), name)
        for path in (ROOT / "cluster").rglob("*.py") if "migrations" not in path.parts
        for name in _imports(path) if name.split(".")[0] in ("projects", "funding")
    ]
    assert offenders == []
    territories = [name for path in (ROOT / "territories").rglob("*.py")
                   for name in _imports(path) if name.split(".")[0] == "cluster"]
    assert territories == []


def test_higher_apps_register_their_providers(cluster):
    assert section_provider("portefeuille").__module__ == "projects.masterplan"
    assert section_provider("financement").__module__ == "funding.masterplan"
    data = gather(cluster)
    assert set(data) == set(SECTION_KEYS)
    assert data["portefeuille"]["total"] == 0
    assert data["financement"]["plan"] is None
    with pytest.raises(ValueError, match="Unknown section"):
        register_section_provider("inconnue", lambda cluster: {})


def test_a_section_without_provider_prints_its_text_only(monkeypatch, cluster, facilitator,
                                                         fake_pdf, committed):
    from cluster import masterplan

    monkeypatch.delitem(masterplan._providers, "portefeuille")
    version = generate(cluster, facilitator, committed)
    section = next(s for s in version.snapshot["sections"] if s["key"] == "portefeuille")
    assert section["data"] is None
    assert version.status == MasterPlanVersion.Status.READY


# Writing and validating sections -----------------------------------------------------------

def test_a_member_writes_a_section_in_markdown(client, member_a, cluster):
    client.force_login(member_a)
    url = reverse("master_plan_section_edit", args=[cluster.pk, "vision"])
    assert client.get(url).status_code == 200
    response = client.post(url, {"text": "Le cap : **cultiver** la ville !", "version": "1"})
    assert response.status_code == 302
    section = MasterPlanSection.objects.get(plan__cluster=cluster, key="vision")
    assert section.text == "Le cap : **cultiver** la ville !"
    assert section.history.first().history_user == member_a
    page = client.get(reverse("master_plan", args=[cluster.pk]))
    assert "<strong>cultiver</strong>" in page.content.decode()
    assert "Le cap\u00a0: " in page_text(page)


def test_editing_a_validated_section_withdraws_its_validation(facilitator, member_a, cluster):
    section = master_plan_section_save(cluster=cluster, key="defis", text="Trois défis.",
                                       version=1, by=member_a)
    master_plan_section_validate(section=section, by=facilitator)
    section.refresh_from_db()
    same = master_plan_section_save(cluster=cluster, key="defis", text="Trois défis.",
                                    version=section.version, by=member_a)
    assert same.validated_at is not None, "saving the same text keeps the validation"
    changed = master_plan_section_save(cluster=cluster, key="defis", text="Quatre défis.",
                                       version=same.version, by=member_a)
    assert changed.validated_at is None and changed.validated_by is None


def test_a_second_save_of_the_same_version_is_refused(client, member_a, facilitator, cluster):
    master_plan_section_save(cluster=cluster, key="vision", text="Première.", version=1,
                             by=facilitator)
    with pytest.raises(DomainError, match="Quelqu'un a modifié cette section"):
        master_plan_section_save(cluster=cluster, key="vision", text="Seconde.", version=1,
                                 by=member_a)
    client.force_login(member_a)
    response = client.post(reverse("master_plan_section_edit", args=[cluster.pk, "vision"]),
                           {"text": "Seconde.", "version": "1"})
    assert response.status_code == 400
    assert "Quelqu'un a modifié cette section" in page_text(response)
    assert MasterPlanSection.objects.get(plan__cluster=cluster, key="vision").text == "Première."


@pytest.mark.parametrize(("data", "message"), [
    ({"text": "x" * 20_001, "version": "1"}, "au plus 20000 caractères"),
    ({"text": "Texte", "version": ""}, "Le formulaire est incomplet : rechargez la page"),
    ({"text": "Texte", "version": "zéro"}, "Le formulaire est incomplet : rechargez la page"),
])
def test_bad_section_inputs_are_refused_in_french(client, member_a, cluster, data, message):
    client.force_login(member_a)
    response = client.post(reverse("master_plan_section_edit", args=[cluster.pk, "vision"]),
                           data)
    assert response.status_code == 400
    assert message in page_text(response).replace("\u202f", "").replace("\xa0", "")
    assert not MasterPlanSection.objects.filter(text="Texte").exists()


def test_the_service_refuses_a_text_too_long(cluster, member_a):
    with pytest.raises(DomainError, match="Texte trop long"):
        master_plan_section_save(cluster=cluster, key="vision", text="x" * 20_001, version=1,
                                 by=member_a)
    assert not MasterPlanSection.objects.exclude(text="").exists()


def test_an_unknown_section_is_not_found(client, member_a, cluster):
    client.force_login(member_a)
    assert client.get(reverse("master_plan_section_edit",
                              args=[cluster.pk, "inconnue"])).status_code == 404
    with pytest.raises(DomainError):
        master_plan_section_save(cluster=cluster, key="inconnue", text="x", version=1,
                                 by=member_a)


def test_validation_rules(client, facilitator, cluster):
    client.force_login(facilitator)
    validate = reverse("master_plan_section_validate", args=[cluster.pk, "vision"])
    response = client.post(validate, follow=True)
    assert "Rédigez la section avant de la faire valider." in page_text(response)
    section = master_plan_section_save(cluster=cluster, key="vision", text="   ", version=1,
                                       by=facilitator)
    with pytest.raises(DomainError, match="Rédigez la section"):
        master_plan_section_validate(section=section, by=facilitator)
    master_plan_section_save(cluster=cluster, key="vision", text="Le cap.",
                             version=section.version, by=facilitator)
    response = client.post(validate, follow=True)
    assert "Section « Vision et ambition » validée." in page_text(response)
    section.refresh_from_db()
    assert section.validated_by == facilitator
    again = client.post(validate, follow=True)
    assert "Cette section est déjà validée." in page_text(again)
    client.post(reverse("master_plan_section_unvalidate", args=[cluster.pk, "vision"]))
    section.refresh_from_db()
    assert section.validated_at is None
    with pytest.raises(DomainError, match="n'est pas validée"):
        master_plan_section_unvalidate(section=section, by=facilitator)


# Who may do what ------------------------------------------------------------------------------

@pytest.fixture
def ready_version(cluster, facilitator, fake_pdf, committed):
    write_all(cluster, facilitator)
    return generate(cluster, facilitator, committed)


@pytest.mark.parametrize(("role", "read", "write", "adopt"), [
    ("facilitator", 200, 200, True),
    ("member_a", 200, 200, False),
    ("member_b", 404, 404, False),
    ("reviewer", 404, 404, False),
    ("staff", 200, 200, True),
])
def test_every_page_checks_the_role(client, cast, cluster, ready_version, role, read, write,
                                    adopt):
    client.force_login(cast[role])
    pk, number = cluster.pk, ready_version.number
    for url in [reverse("master_plan", args=[pk]), reverse("master_plan_preview", args=[pk]),
                reverse("master_plan_versions", args=[pk]),
                reverse("master_plan_version", args=[pk, number]),
                reverse("master_plan_version_pdf", args=[pk, number]),
                reverse("master_plan_compare", args=[pk])]:
        assert client.get(url).status_code == read, url
    assert client.get(reverse("master_plan_section_edit", args=[pk, "vision"])) \
        .status_code == write
    adopt_status = 200 if adopt else (403 if read == 200 else 404)
    for url in [reverse("master_plan_version_publish", args=[pk, number]),
                reverse("master_plan_version_unpublish", args=[pk, number])]:
        assert client.get(url).status_code == adopt_status, url
    refused = 403 if read == 200 else 404
    if not adopt:
        for url in [reverse("master_plan_section_validate", args=[pk, "vision"]),
                    reverse("master_plan_section_unvalidate", args=[pk, "vision"]),
                    reverse("master_plan_generate", args=[pk]),
                    reverse("master_plan_version_publish", args=[pk, number]),
                    reverse("master_plan_version_requeue", args=[pk, number])]:
            assert client.post(url).status_code == refused, url
        assert MasterPlanVersion.objects.count() == 1
        assert MasterPlanVersion.objects.get().published_at is None
        assert MasterPlanSection.objects.filter(validated_at__isnull=True).count() == 0


def test_anonymous_visitors_are_sent_to_sign_in(client, cluster, ready_version):
    for url in [reverse("master_plan", args=[cluster.pk]),
                reverse("master_plan_version_pdf", args=[cluster.pk, 1])]:
        response = client.get(url)
        assert response.status_code == 302 and "/compte/connexion/" in response["Location"]
    response = client.post(reverse("master_plan_generate", args=[cluster.pk]))
    assert response.status_code == 302
    assert MasterPlanVersion.objects.count() == 1


def test_buttons_follow_the_role(client, facilitator, member_a, cluster):
    client.force_login(member_a)
    text = page_text(client.get(reverse("master_plan", args=[cluster.pk])))
    assert "Rédiger" in text and "Générer une version" not in text
    client.force_login(facilitator)
    text = page_text(client.get(reverse("master_plan", args=[cluster.pk])))
    assert "Générer une version" in text
    assert "Aucune version pour l'instant. Générez-en une" in text


def test_the_dashboard_links_to_the_master_plan(client, member_a, cluster):
    client.force_login(member_a)
    response = client.get(reverse("cluster_dashboard", args=[cluster.pk]))
    assert reverse("master_plan", args=[cluster.pk]) in response.content.decode()


# Generating versions --------------------------------------------------------------------------

def test_a_facilitator_generates_numbered_versions(client, facilitator, cluster, objective,
                                                   fake_pdf, committed):
    write_all(cluster, facilitator, validate=False)
    client.force_login(facilitator)
    with committed():
        response = client.post(reverse("master_plan_generate", args=[cluster.pk]), follow=True)
        # In a test the transaction commits when the block ends: the page showed it pending.
        assert "La version 1 est en cours de génération" in page_text(response)
        assert "Génération en cours" in page_text(response)
    with committed():
        client.post(reverse("master_plan_generate", args=[cluster.pk]))
    versions = list(MasterPlanVersion.objects.order_by("number"))
    assert [(v.number, v.status) for v in versions] == [(1, "ready"), (2, "ready")]
    first = versions[0]
    assert first.created_by == facilitator and not first.is_adopted
    assert first.pdf.name.endswith("schema-directeur-v1.pdf")
    assert first.pdf.read().startswith(b"%PDF")
    assert first.summary["challenge_count"] == 1 and first.summary["written_count"] == 9
    assert "Document de travail\u00a0: 0 sections validées sur 9" in first.html
    download = client.get(reverse("master_plan_version_pdf", args=[cluster.pk, 1]))
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF")


def test_the_document_keeps_the_data_of_the_moment_it_was_generated(
        facilitator, member_a, cluster, objective, fake_pdf, django_capture_on_commit_callbacks):
    write_all(cluster, facilitator)
    # The worker only picks the version up after the cluster has changed.
    with django_capture_on_commit_callbacks() as callbacks:
        version = master_plan_generate(cluster=cluster, by=facilitator)
    Measurement.objects.create(objective=objective, measured_on=date(2026, 6, 1), value=33,
                               source="Comptage")
    objective.title = "Hectares cultivés"
    objective.save()
    master_plan_section_save(cluster=cluster, key="vision", text="Un autre cap.",
                             version=MasterPlanSection.objects.get(key="vision").version,
                             by=member_a)
    for callback in callbacks:
        callback()
    version.refresh_from_db()
    assert version.status == MasterPlanVersion.Status.READY
    assert "Surfaces cultivées" in version.html and "Hectares cultivés" not in version.html
    assert "1er\u00a0mars 2026" in version.html  # the latest measurement of that moment
    assert "Texte de la section vision" in version.html and "Un autre cap" not in version.html
    assert "Adopté par le comité de pilotage" in version.html
    # The version's page shows the same frozen content; a new version shows the change.
    later = generate(cluster, facilitator,
                     lambda: django_capture_on_commit_callbacks(execute=True))
    assert "Hectares cultivés" in later.html and "Un autre cap" in later.html
    assert "non validée" in later.html.replace("Section non encore validée", "non validée")
    assert version.snapshot != later.snapshot


def test_a_version_is_not_generated_twice_at_once(cluster, facilitator, fake_pdf,
                                                  django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():
        master_plan_generate(cluster=cluster, by=facilitator)
    with pytest.raises(DomainError, match="déjà en cours de génération"):
        master_plan_generate(cluster=cluster, by=facilitator)
    assert MasterPlanVersion.objects.count() == 1


def test_a_failed_render_is_retried_and_ends_ready_with_one_pdf(cluster, facilitator,
                                                                 fake_pdf, committed):
    fake_pdf.failures = 1
    version = generate(cluster, facilitator, committed)
    assert fake_pdf.calls == 2
    assert version.status == MasterPlanVersion.Status.READY and version.error == ""
    assert MasterPlanVersion.objects.count() == 1
    folder = Path(version.pdf.path).parent
    assert [path.name for path in folder.iterdir()] == ["schema-directeur-v1.pdf"]


def test_a_render_that_keeps_failing_marks_the_version_failed_and_can_be_requeued(
        client, cluster, facilitator, fake_pdf, committed):
    fake_pdf.failures = 10
    version = generate(cluster, facilitator, committed)
    assert fake_pdf.calls == 4  # the first attempt and three retries
    assert version.status == MasterPlanVersion.Status.FAILED
    assert "Rendu interrompu" in version.error
    client.force_login(facilitator)
    page = client.get(reverse("master_plan_versions", args=[cluster.pk]))
    assert "Échec de la génération" in page_text(page) and "Relancer" in page_text(page)
    fake_pdf.failures = 0
    with committed():
        response = client.post(reverse("master_plan_version_requeue",
                                       args=[cluster.pk, version.number]), follow=True)
    assert "La génération de la version 1 est relancée." in page_text(response)
    version.refresh_from_db()
    assert version.status == MasterPlanVersion.Status.READY


def test_a_worker_killed_during_generation_leaves_a_pending_version_that_completes(
        client, cluster, facilitator, fake_pdf, committed, django_capture_on_commit_callbacks):
    # The task never ran (the worker died before acknowledging it).
    with django_capture_on_commit_callbacks():
        version = master_plan_generate(cluster=cluster, by=facilitator)
    client.force_login(facilitator)
    page = page_text(client.get(reverse("master_plan", args=[cluster.pk])))
    assert "Génération en cours" in page and "Actualiser" in page
    assert "hx-trigger=\"every 2s\"" in page
    with pytest.raises(DomainError, match="moins de 10 minutes"):
        master_plan_requeue(version=version, by=facilitator)
    # It had written part of a file under the version's name before dying.
    storage = version.pdf.storage
    name = f"schemas-directeurs/cluster-{cluster.pk}/schema-directeur-v1.pdf"
    storage.save(name, ContentFile(b"%PDF-tronqu"))
    MasterPlanVersion.objects.filter(pk=version.pk).update(
        queued_at=timezone.now() - STALE_AFTER - timedelta(minutes=1))
    page = page_text(client.get(reverse("master_plan_versions", args=[cluster.pk])))
    assert "Relancer" in page
    with committed():
        client.post(reverse("master_plan_version_requeue", args=[cluster.pk, 1]))
    version.refresh_from_db()
    assert version.status == MasterPlanVersion.Status.READY
    assert version.pdf.name == name
    assert storage.open(name).read().startswith(b"%PDF-1.7\n% test")
    assert len(list(Path(storage.path(name)).parent.iterdir())) == 1
    # Delivered again after all, the task finds the version ready and does nothing.
    calls = fake_pdf.calls
    assert render_master_plan_version.delay(version.pk).get() == "ready"
    assert fake_pdf.calls == calls
    with pytest.raises(DomainError, match="déjà prête"):
        master_plan_requeue(version=version, by=facilitator)


def test_render_is_idempotent(cluster, facilitator, fake_pdf, committed):
    version = generate(cluster, facilitator, committed)
    assert master_plan_render(version=version).status == "ready"
    assert fake_pdf.calls == 1


def test_the_real_pdf_renders_with_weasyprint(cluster, facilitator, objective, committed):
    write_all(cluster, facilitator)
    version = generate(cluster, facilitator, committed)
    assert version.status == MasterPlanVersion.Status.READY
    content = version.pdf.read()
    assert content.startswith(b"%PDF") and version.pdf_size == len(content) > 10_000
    # Contents with page numbers, running header and footer, cover without them.
    assert "target-counter(attr(href), page)" in version.html
    assert "counter(pages)" in version.html and "@page cover" in version.html


# Sanitised Markdown, everywhere -------------------------------------------------------------

def test_scripts_and_handlers_never_survive(client, facilitator, cluster, fake_pdf, committed):
    for key in SECTION_KEYS:
        row = MasterPlanSection.objects.filter(plan__cluster=cluster, key=key).first()
        section = master_plan_section_save(cluster=cluster, key=key, text=EVIL,
                                           version=row.version if row else 1, by=facilitator)
        master_plan_section_validate(section=section, by=facilitator)
    version = generate(cluster, facilitator, committed)
    master_plan_publish(version=version, by=facilitator)
    client.force_login(facilitator)
    pages = {
        "page": client.get(reverse("master_plan", args=[cluster.pk])).content.decode(),
        "preview": client.get(reverse("master_plan_preview", args=[cluster.pk])).content
        .decode(),
        "version": client.get(reverse("master_plan_version", args=[cluster.pk, 1])).content
        .decode(),
        "pdf html": version.html,
    }
    client.logout()
    pages["public"] = client.get(reverse("territory_master_plan",
                                         args=[cluster.territory.slug])).content.decode()
    for name, html in pages.items():
        assert "<strong>gras</strong>" in html, name
        assert "alert(" not in html and "onerror" not in html, name
        assert "javascript:" not in html, name
        assert "<script>alert" not in html, name


# Publication and the territory's public page --------------------------------------------------

def test_publishing_puts_the_adopted_version_on_the_territory_page(client, facilitator,
                                                                   ready_version, cluster):
    territory_url = reverse("territories:detail", args=[cluster.territory.slug])
    public_url = reverse("territory_master_plan", args=[cluster.territory.slug])
    assert client.get(public_url).status_code == 404
    assert public_url not in client.get(territory_url).content.decode()
    client.force_login(facilitator)
    publish = reverse("master_plan_version_publish", args=[cluster.pk, 1])
    confirm = client.get(publish)
    assert "Publier la version 1 ?" in page_text(confirm)
    ready_version.refresh_from_db()
    assert ready_version.published_at is None, "the confirmation page changes nothing"
    client.post(publish)
    client.logout()
    response = client.get(public_url)
    assert response.status_code == 200
    assert "Schéma directeur de l'innovation responsable — Aix-Marseille-Provence" in \
        page_text(response)
    assert public_url in client.get(territory_url).content.decode()
    pdf = client.get(reverse("territory_master_plan_pdf", args=[cluster.territory.slug]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    # The version's own pages stay the collective's.
    assert client.get(reverse("master_plan_version_pdf", args=[cluster.pk, 1])) \
        .status_code == 302
    client.force_login(facilitator)
    unpublish = reverse("master_plan_version_unpublish", args=[cluster.pk, 1])
    assert "Retirer la version 1 de la page publique ?" in page_text(client.get(unpublish))
    client.post(unpublish)
    client.logout()
    assert client.get(public_url).status_code == 404


def test_only_a_ready_and_adopted_version_is_published(cluster, facilitator, fake_pdf,
                                                       committed,
                                                       django_capture_on_commit_callbacks):
    write_all(cluster, facilitator, validate=False)
    draft = generate(cluster, facilitator, committed)
    with pytest.raises(DomainError, match="Seule une version adoptée"):
        master_plan_publish(version=draft, by=facilitator)
    write_all(cluster, facilitator)
    with django_capture_on_commit_callbacks():
        pending = master_plan_generate(cluster=cluster, by=facilitator)
    with pytest.raises(DomainError, match="Seule une version prête"):
        master_plan_publish(version=pending, by=facilitator)
    assert not MasterPlanVersion.objects.filter(published_at__isnull=False).exists()


def test_publishing_a_version_withdraws_the_previous_one(cluster, facilitator, ready_version,
                                                         fake_pdf, committed):
    master_plan_publish(version=ready_version, by=facilitator)
    second = master_plan_publish(version=generate(cluster, facilitator, committed),
                                 by=facilitator)
    ready_version.refresh_from_db()
    assert ready_version.published_at is None and second.published_at is not None
    with pytest.raises(DomainError, match="déjà publiée"):
        master_plan_publish(version=second, by=facilitator)
    master_plan_unpublish(version=second, by=facilitator)
    with pytest.raises(DomainError, match="n'est pas publiée"):
        master_plan_unpublish(version=second, by=facilitator)


def test_a_draft_territory_keeps_its_published_plan_from_the_public(client, territory_b,
                                                                     member_b, fake_pdf,
                                                                     committed):
    cluster = territory_b.clusters.get()
    facilitator_b = MembershipFactory(collective=cluster.collective,
                                      role=Membership.Role.FACILITATOR).user
    write_all(cluster, facilitator_b)
    master_plan_publish(version=generate(cluster, facilitator_b, committed), by=facilitator_b)
    url = reverse("territory_master_plan", args=[territory_b.slug])
    assert client.get(url).status_code == 404
    client.force_login(member_b)
    assert client.get(url).status_code == 200


def test_the_territory_page_costs_one_query_more(client, cluster, ready_version):
    url = reverse("territories:detail", args=[cluster.territory.slug])
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    assert sum("master" in query["sql"].lower() for query in queries.captured_queries) == 1


# Comparing versions ---------------------------------------------------------------------------

def test_two_versions_are_compared_section_by_section(client, member_a, facilitator, cluster,
                                                      objective, fake_pdf, committed):
    master_plan_section_save(cluster=cluster, key="vision", text="Cultiver <b>la</b> ville.",
                             version=1, by=member_a)
    generate(cluster, facilitator, committed)
    Measurement.objects.create(objective=objective, measured_on=date(2026, 6, 1), value=26,
                               source="Comptage")
    master_plan_section_save(cluster=cluster, key="vision", text="Cultiver toute la ville.",
                             version=2, by=member_a)
    generate(cluster, facilitator, committed)
    client.force_login(member_a)
    response = client.get(reverse("master_plan_compare", args=[cluster.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Cultiver <del>&lt;b&gt;la&lt;/b&gt;</del> <ins>toute la</ins> ville." in html
    text = page_text(response)
    assert "Surfaces cultivées — avancement" in text
    assert "25\u00a0%" in text and "50\u00a0%" in text
    bad = client.get(reverse("master_plan_compare", args=[cluster.pk]), {"de": "9", "a": "1"})
    assert bad.status_code == 400
    assert "Sélectionnez un choix valide" in page_text(bad)


def test_comparing_needs_two_versions(client, member_a, cluster):
    client.force_login(member_a)
    response = client.get(reverse("master_plan_compare", args=[cluster.pk]))
    assert "Il faut au moins deux versions" in page_text(response)


# Lists cost a fixed number of queries -----------------------------------------------------------

def test_version_lists_cost_a_fixed_number_of_queries(client, member_a, cluster, facilitator,
                                                      fake_pdf, committed,
                                                      django_assert_max_num_queries):
    for _ in range(25):
        generate(cluster, facilitator, committed)
    client.force_login(member_a)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("master_plan_versions", args=[cluster.pk]))
    assert response.context["page"].paginator.count == 25
    assert "Page 1 sur 2" in page_text(response)
    with django_assert_max_num_queries(10):
        client.get(reverse("master_plan", args=[cluster.pk]))
    with django_assert_max_num_queries(8):
        api = client.get(reverse("api:master-plan-version-list"))
    assert api.json()["count"] == 25


def test_the_versions_partial_polls_only_while_pending(client, member_a, cluster, facilitator,
                                                       fake_pdf, committed,
                                                       django_capture_on_commit_callbacks):
    generate(cluster, facilitator, committed)
    client.force_login(member_a)
    url = reverse("master_plan_versions", args=[cluster.pk])
    partial = client.get(url, {"court": "1"}, HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in partial and "<html" not in partial
    with django_capture_on_commit_callbacks():
        master_plan_generate(cluster=cluster, by=facilitator)
    partial = client.get(url, {"court": "1"}, HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 2s"' in partial and "<html" not in partial


# The API ------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("role", "count"), [
    ("facilitator", 2), ("member_a", 2), ("staff", 2), ("member_b", 1), ("reviewer", 1),
])
def test_the_api_lists_the_versions_each_role_may_read(client, cast, cluster, facilitator,
                                                       ready_version, fake_pdf, committed,
                                                       role, count):
    master_plan_publish(version=ready_version, by=facilitator)
    generate(cluster, facilitator, committed)
    client.force_login(cast[role])
    data = client.get(reverse("api:master-plan-version-list")).json()
    assert data["count"] == count
    private = MasterPlanVersion.objects.get(number=2)
    detail = client.get(reverse("api:master-plan-version-detail", args=[private.pk]))
    assert detail.status_code == (200 if count == 2 else 404)
    pdf = client.get(reverse("api:master-plan-version-pdf", args=[private.pk]))
    assert pdf.status_code == (200 if count == 2 else 404)


def test_the_public_reads_published_versions_through_the_api(client, facilitator, cluster,
                                                              ready_version):
    assert client.get(reverse("api:master-plan-version-list")).json()["count"] == 0
    master_plan_publish(version=ready_version, by=facilitator)
    data = client.get(reverse("api:master-plan-version-list"), {"published": "true"}).json()
    assert data["count"] == 1
    item = data["results"][0]
    assert item["summary"]["territory"] == "Aix-Marseille-Provence"
    assert item["pdf_url"].endswith(f"/api/schemas-directeurs/{ready_version.pk}/pdf/")
    detail = client.get(reverse("api:master-plan-version-detail",
                                args=[ready_version.pk])).json()
    assert [section["key"] for section in detail["sections"]] == SECTION_KEYS
    assert detail["sections"][0]["validated_by"]
    pdf = client.get(item["pdf_url"])
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"


@pytest.mark.parametrize(("role", "status"), [
    ("facilitator", 201), ("staff", 201), ("member_a", 403), ("member_b", 400),
    ("reviewer", 400),
])
def test_generating_through_the_api(client, cast, cluster, fake_pdf, committed, role, status):
    client.force_login(cast[role])
    with committed():
        response = client.post(reverse("api:master-plan-version-list"), {"cluster": cluster.pk},
                               content_type="application/json")
    assert response.status_code == status, response.json()
    if status == 201:
        assert response.json()["number"] == 1 and response.json()["status"] == "pending"
        assert MasterPlanVersion.objects.get().status == "ready"
    else:
        assert response.json()["detail"]
        assert not MasterPlanVersion.objects.exists()


def test_the_api_refuses_anonymous_generation_and_bad_input(client, facilitator, cluster):
    response = client.post(reverse("api:master-plan-version-list"), {"cluster": cluster.pk},
                           content_type="application/json")
    assert response.status_code == 401
    client.force_login(facilitator)
    response = client.post(reverse("api:master-plan-version-list"), {"cluster": "abc"},
                           content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "invalid"
    assert not MasterPlanVersion.objects.exists()


def test_the_api_says_when_a_generation_is_running(client, facilitator, cluster, fake_pdf,
                                                   django_capture_on_commit_callbacks):
    client.force_login(facilitator)
    with django_capture_on_commit_callbacks():
        client.post(reverse("api:master-plan-version-list"), {"cluster": cluster.pk},
                    content_type="application/json")
    response = client.post(reverse("api:master-plan-version-list"), {"cluster": cluster.pk},
                           content_type="application/json")
    assert response.status_code == 409
    assert response.json()["code"] == "generation_in_progress"


def test_the_api_is_documented(openapi_schema):
    schema = openapi_schema
    assert "/api/schemas-directeurs/" in schema["paths"]
    assert "/api/schemas-directeurs/{id}/pdf/" in schema["paths"]
    assert "post" in schema["paths"]["/api/schemas-directeurs/"]


# The label's checklist --------------------------------------------------------------------------

def test_has_adopted_master_plan(cluster, facilitator, fake_pdf, committed):
    assert not has_adopted_master_plan(cluster)
    write_all(cluster, facilitator, validate=False)
    generate(cluster, facilitator, committed)
    assert not has_adopted_master_plan(cluster)
    write_all(cluster, facilitator)
    generate(cluster, facilitator, committed)
    assert has_adopted_master_plan(cluster)


# The demo ---------------------------------------------------------------------------------------

def test_the_demo_writes_validates_and_publishes_the_master_plan(cluster, facilitator, objective,
                                                                 fake_pdf):
    from cluster.demo import load_master_plan

    version = load_master_plan(cluster, by=facilitator)
    assert version.status == "ready" and version.is_adopted and version.published_at
    assert cluster.territory.places.count() == 3
    assert cluster.territory.cooperation_territories.filter(
        name="Quartiers Nord de Marseille").exists()
    assert load_master_plan(cluster, by=facilitator) is None
    assert MasterPlanVersion.objects.count() == 1 and fake_pdf.calls == 1


# French typography and charts ---------------------------------------------------------------------

def test_french_formats():
    assert fr.typography("Bonjour : « défi » ! Prêt ? l'air; 12 %") == \
        "Bonjour\u00a0: «\u00a0défi\u00a0»\u202f! Prêt\u202f? l’air\u202f; 12\u00a0%"
    assert fr.typography("https://exemple.fr/?q=1 à 10:30") == "https://exemple.fr/?q=1 à 10:30"
    assert fr.money(Decimal("12500.50")) == "12\u202f500,50\u00a0€"
    assert fr.money(35000) == "35\u202f000\u00a0€"
    assert fr.number("1939077") == "1\u202f939\u202f077"
    assert fr.number("12.50") == "12,5"
    assert fr.percent("0.456") == "46\u00a0%"
    assert fr.long_date("2027-03-12") == "12\u00a0mars 2027"
    assert fr.long_date(date(2027, 3, 1)) == "1er\u00a0mars 2027"
    # A whole document: texts only, entities kept whole, styles untouched.
    assert fr.typeset('<style>a :b</style><p title="x ?">A &amp; B ; l\'air &lt;b&gt;</p>') == \
        '<style>a :b</style><p title="x ?">A &amp; B\u202f; l’air &lt;b&gt;</p>'


def test_charts_escape_their_text():
    svg = progress_chart([{"title": "<script>x</script>", "objectives": [
        {"title": "A & B", "progress": "0.5", "latest_value": "5", "target": "10",
         "unit": "<u>"}]}], title="Avancement")
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "A &amp; B" in svg
    assert "50\u00a0%" in svg
    mix = breakdown_chart([("Public", [{"label": "<b>Ville</b>", "amount": "10",
                                        "percent": 100}])], title="Mix")
    assert "<b>" not in mix and "&lt;b&gt;Ville" in mix


# Through the real stack: Redis and a Celery worker ----------------------------------------------

@pytest.mark.broker
@pytest.mark.skipif(not django_settings.REDIS_URL,
                    reason="REDIS_URL absent : pas de broker réel")
@pytest.mark.django_db(transaction=True)
def test_a_worker_renders_the_version_and_retries_a_failed_attempt(client, facilitator,
                                                                  territory_a, fake_pdf):
    import time

    from celery.contrib.testing.worker import start_worker

    from cluster import celery_app

    cluster = territory_a.clusters.get()
    fake_pdf.failures = 1
    celery_app.conf.task_always_eager = False
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        client.force_login(facilitator)
        response = client.post(reverse("master_plan_generate", args=[cluster.pk]), follow=True)
        assert "La version 1 est en cours de génération" in page_text(response)
        version = MasterPlanVersion.objects.get()
        deadline = time.monotonic() + 40
        while version.status == "pending" and time.monotonic() < deadline:
            time.sleep(0.2)
            version.refresh_from_db()
    assert version.status == MasterPlanVersion.Status.READY
    assert fake_pdf.calls == 2
    assert MasterPlanVersion.objects.count() == 1
