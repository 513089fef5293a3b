"""Background work of the funding app: each task takes primary keys, fetches, calls a service."""

from celery import shared_task

from funding.documents import dossier_render_pdf
from funding.models import Dossier
from funding.webhook_services import (
    due_deliveries,
    webhook_deliveries_purge,
    webhook_delivery_attempt,
)

# Calls and dossiers ------------------------------------------------------------------------


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def generate_dossier_pdf_task(dossier_pk):
    """Render a submitted dossier's PDF; a dossier deleted since is skipped.

    Sent again (the outbox after a crash, a retry), the task renders nothing twice: a
    submission's PDF, once kept, is final; a new submission clears it.
    """
    dossier = Dossier.objects.filter(pk=dossier_pk).first()
    if dossier is None or not dossier.snapshot:
        return None
    if not dossier.pdf:
        dossier_render_pdf(dossier=dossier)
    return dossier.pdf.name


# Reviews, conflicts of interest, decisions -------------------------------------------------


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def generate_attestation_task(decision_pk):
    """Render an acceptance's attestation once; a decision deleted since is skipped."""
    from funding.documents import decision_render_attestation
    from funding.models import Decision

    decision = Decision.objects.select_related(
        "dossier__call__funder", "dossier__cluster__territory",
        "dossier__cluster__collective").filter(pk=decision_pk).first()
    if decision is None or decision.outcome != Decision.Outcome.ACCEPTED:
        return None
    if not decision.attestation:
        decision_render_attestation(decision=decision)
    return decision.attestation.name


# The label's annual follow-up -------------------------------------------------------------


@shared_task
def send_follow_up_reminders_task():
    """E-mail the facilitators 30 and 7 days before their follow-up is due (beat, daily)."""
    from funding.followup import send_follow_up_reminders

    return send_follow_up_reminders()


# Webhooks of the funders -------------------------------------------------------------------


@shared_task
def deliver_webhook_task(delivery_pk):
    """Make one attempt of a due webhook delivery; a failure is retried on its due date."""
    delivery = webhook_delivery_attempt(delivery_pk=delivery_pk)
    return None if delivery is None else delivery.status


@shared_task
def retry_webhook_deliveries_task():
    """Queue an attempt of every delivery whose retry is due (beat, every minute)."""
    due = due_deliveries()
    for pk in due:
        deliver_webhook_task.delay(pk)
    return len(due)


@shared_task
def purge_webhook_deliveries_task():
    """Delete the finished deliveries older than WEBHOOK_DELIVERY_RETENTION_DAYS (beat)."""
    return webhook_deliveries_purge()
