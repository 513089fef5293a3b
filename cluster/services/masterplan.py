"""Schéma directeur: write and validate sections, generate, render and publish versions.

Members write the sections; facilitators and staff validate them, generate versions and
publish one (see permissions). A version's snapshot is taken here, in the request, so the
document always shows the data of that moment; the task only renders it to PDF.
"""

import tempfile

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.db.models import Max
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from cluster.errors import DomainError
from cluster.masterplan import (
    SECTION_KEYS,
    STALE_AFTER,
    build_snapshot,
    snapshot_is_adopted,
    snapshot_summary,
)
from cluster.masterplan_document import render_html, write_pdf
from cluster.models import MasterPlan, MasterPlanSection, MasterPlanVersion, master_plan_pdf_path
from cluster.richtext import MAX_LENGTH as SECTION_MAX_LENGTH
from territories.locking import claim_version
from territories.outbox import enqueue


def _master_plan_of(cluster):
    """Return the cluster's schéma directeur with its sections, created on first use."""
    plan, created = MasterPlan.objects.get_or_create(cluster=cluster)
    if created or plan.sections.count() < len(SECTION_KEYS):
        MasterPlanSection.objects.bulk_create(
            [MasterPlanSection(plan=plan, key=key) for key in SECTION_KEYS],
            ignore_conflicts=True)
    return plan


def _check_section_key(key):
    if key not in MasterPlanSection.Key.values:
        raise DomainError(_("Section du schéma directeur inconnue."), code="unknown_section",
                          status=404)


def master_plan_section_save(*, cluster, key, text, version, by):
    """Save a section's written part edited from `version`; refuse if someone saved it since.

    A change of the text withdraws the section's validation: the comité de pilotage
    validates what it read. The check and the write are one UPDATE … WHERE version,
    as for objectives.
    """
    _check_section_key(key)
    text = "\n".join(line.rstrip() for line in (text or "").replace("\r\n", "\n")
                     .split("\n")).strip()
    if len(text) > SECTION_MAX_LENGTH:
        raise DomainError(
            _("Texte trop long : %(length)s caractères pour %(max)s au plus. Allégez la "
              "section ou renvoyez les détails en annexe.")
            % {"length": formats.number_format(len(text), force_grouping=True),
               "max": formats.number_format(SECTION_MAX_LENGTH, force_grouping=True)},
            code="text_too_long", field="text")
    with transaction.atomic():
        plan = _master_plan_of(cluster)
        section = plan.sections.get(key=key)
        claim_version(instance=section, version=version, message=_(
            "Quelqu'un a modifié cette section pendant que vous la rédigiez. Copiez votre "
            "texte, rechargez la page pour voir sa version, puis reportez vos changements."))
        if text != section.text and section.validated_at is not None:
            section.validated_at, section.validated_by = None, None
        section.text, section.updated_by = text, by
        section._history_user = by
        section.save()
    return section


@transaction.atomic
def master_plan_section_validate(*, section, by):
    """Record that the comité de pilotage validated the section as it is written now."""
    section = MasterPlanSection.objects.select_for_update().get(pk=section.pk)
    if not section.text.strip():
        raise DomainError(_("Rédigez la section avant de la faire valider."),
                          code="empty_section")
    if section.validated_at is not None:
        raise DomainError(_("Cette section est déjà validée."), code="already_validated",
                          status=409)
    section.validated_at, section.validated_by = timezone.now(), by
    section._history_user = by
    section.save(update_fields=["validated_at", "validated_by", "updated_at"])
    return section


@transaction.atomic
def master_plan_section_unvalidate(*, section, by):
    """Withdraw a section's validation, e.g. to rework it before the next comité."""
    section = MasterPlanSection.objects.select_for_update().get(pk=section.pk)
    if section.validated_at is None:
        raise DomainError(_("Cette section n'est pas validée."), code="not_validated",
                          status=409)
    section.validated_at, section.validated_by = None, None
    section._history_user = by
    section.save(update_fields=["validated_at", "validated_by", "updated_at"])
    return section


def _queue_master_plan_rendering(version):
    # Robust: when tasks run inline (no broker), a rendering that fails for good marks the
    # version failed instead of breaking the page that asked for it.
    enqueue("cluster.tasks.render_master_plan_version", args=[version.pk], robust=True)


def master_plan_generate(*, cluster, by):
    """Take a snapshot of the sections and of the cluster's data now, as a new numbered
    version, and queue its rendering to PDF.

    The snapshot is taken in this transaction: the document shows the data of this
    moment, whatever changes while the PDF is being made or afterwards.
    """
    with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
        plan = _master_plan_of(cluster)
        # Locking the plan numbers versions one after the other (PostgreSQL).
        MasterPlan.objects.select_for_update().filter(pk=plan.pk).first()
        now = timezone.now()
        if plan.versions.filter(status=MasterPlanVersion.Status.PENDING,
                                queued_at__gt=now - STALE_AFTER).exists():
            raise DomainError(
                _("Une version est déjà en cours de génération : attendez qu'elle soit prête "
                  "avant d'en demander une autre."),
                code="generation_in_progress", status=409)
        sections = {section.key: section for section in plan.sections.select_related(
            "validated_by")}
        snapshot = build_snapshot(cluster, sections)
        number = (plan.versions.aggregate(last=Max("number"))["last"] or 0) + 1
        version = MasterPlanVersion.objects.create(
            plan=plan, number=number, created_by=by, snapshot=snapshot,
            summary=snapshot_summary(snapshot), is_adopted=snapshot_is_adopted(snapshot),
            queued_at=now)
        _queue_master_plan_rendering(version)
    return version


def master_plan_render(*, version):
    """Render the version's snapshot to HTML and PDF, then mark it ready; do it once.

    Safe to run again (a retried task, a worker killed half-way): a ready version is
    left alone; the PDF is written to a temporary file first, then stored under the
    version's one name, replacing what an interrupted attempt may have left there;
    the version points to it only once it is complete.
    """
    version = MasterPlanVersion.objects.select_related("plan", "created_by").get(pk=version.pk)
    if version.status == MasterPlanVersion.Status.READY:
        return version
    author = (version.created_by.get_full_name() or version.created_by.email) \
        if version.created_by else ""
    html = render_html(version.snapshot, number=version.number, author=author,
                       created_at=version.created_at)
    storage = version.pdf.storage
    name = master_plan_pdf_path(version, f"schema-directeur-v{version.number}.pdf")
    with tempfile.NamedTemporaryFile(suffix=".pdf") as temporary:
        write_pdf(html, temporary)
        size = temporary.tell()
        temporary.seek(0)
        if storage.exists(name):
            storage.delete(name)
        name = storage.save(name, File(temporary, name=name))
    MasterPlanVersion.objects.filter(pk=version.pk).exclude(
        status=MasterPlanVersion.Status.READY).update(
        status=MasterPlanVersion.Status.READY, html=html, pdf=name, pdf_size=size,
        rendered_at=timezone.now(), error="")
    version.refresh_from_db()
    return version


def master_plan_render_failed(*, version_pk, error):
    """Mark a version whose rendering failed for good; it can be generated again later."""
    MasterPlanVersion.objects.filter(pk=version_pk, status=MasterPlanVersion.Status.PENDING) \
        .update(status=MasterPlanVersion.Status.FAILED, error=str(error)[:2000])


@transaction.atomic
def master_plan_requeue(*, version, by):
    """Queue again the rendering of a version that failed or has waited too long."""
    version = MasterPlanVersion.objects.select_for_update().get(pk=version.pk)
    now = timezone.now()
    if version.status == MasterPlanVersion.Status.READY:
        raise DomainError(_("Cette version est déjà prête."), code="already_ready", status=409)
    if (version.status == MasterPlanVersion.Status.PENDING and version.queued_at
            and version.queued_at > now - STALE_AFTER):
        raise DomainError(
            _("Cette version est en cours de génération depuis moins de %(minutes)s minutes : "
              "patientez encore un peu.")
            % {"minutes": int(STALE_AFTER.total_seconds() // 60)},
            code="not_stale", status=409)
    version.status, version.queued_at, version.error = (MasterPlanVersion.Status.PENDING, now,
                                                        "")
    version.save(update_fields=["status", "queued_at", "error"])
    _queue_master_plan_rendering(version)
    return version


@transaction.atomic
def master_plan_publish(*, version, by):
    """Publish the version on the territory's public page, in place of any other."""
    version = MasterPlanVersion.objects.select_for_update().get(pk=version.pk)
    if version.status != MasterPlanVersion.Status.READY:
        raise DomainError(_("Seule une version prête (PDF produit) peut être publiée."),
                          code="not_ready", status=409)
    if not version.is_adopted:
        raise DomainError(
            _("Seule une version adoptée peut être publiée : toutes ses sections doivent avoir "
              "été validées par le comité de pilotage avant sa génération."),
            code="not_adopted", status=409)
    if version.published_at is not None:
        raise DomainError(_("Cette version est déjà publiée."), code="already_published",
                          status=409)
    MasterPlanVersion.objects.filter(plan_id=version.plan_id, published_at__isnull=False) \
        .update(published_at=None, published_by=None)
    version.published_at, version.published_by = timezone.now(), by
    version.save(update_fields=["published_at", "published_by"])
    return version


@transaction.atomic
def master_plan_unpublish(*, version, by):
    """Withdraw the version from the territory's public page."""
    version = MasterPlanVersion.objects.select_for_update().get(pk=version.pk)
    if version.published_at is None:
        raise DomainError(_("Cette version n'est pas publiée."), code="not_published",
                          status=409)
    version.published_at, version.published_by = None, None
    version.save(update_fields=["published_at", "published_by"])
    return version
