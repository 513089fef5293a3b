from datetime import date

from celery import Task, shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from cluster.models import MasterPlanVersion, Milestone
from cluster.notifications import (
    RECENT_MEASUREMENT_DAYS,
    UPCOMING_DAYS,
    due_milestone_reminders,
    weekly_digests,
)
from cluster.services import master_plan_render, master_plan_render_failed
from territories.links import absolute_url
from territories.outbox import enqueue


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_email_task(*, subject, body, to, html_body=None):
    """Send one e-mail already rendered; retry when the mail server is unreachable."""
    message = EmailMultiAlternatives(subject, body, settings.DEFAULT_FROM_EMAIL, to)
    if html_body:
        message.attach_alternative(html_body, "text/html")
    message.send()
    return len(to)


# Roadmap: milestone reminders and the weekly digest ----------------------------------------

def _day(today):
    """Return the ISO date given (tests, replays) or today in the site's time zone."""
    return date.fromisoformat(today) if today else timezone.localdate()


def _site_url(path):
    return absolute_url(path)


def _queue_email(template, context, to):
    """Render subject, text and HTML from cluster/emails/<template>* and queue the e-mail."""
    prefix = f"cluster/emails/{template}"
    subject = " ".join(render_to_string(f"{prefix}_subject.txt", context).split())
    enqueue("cluster.tasks.send_email_task", kwargs={
        "subject": subject, "to": [to], "body": render_to_string(f"{prefix}.txt", context),
        "html_body": render_to_string(f"{prefix}.html", context)})


@shared_task
def send_milestone_reminders(today=None):
    """E-mail each facilitator, once, the milestones of their clusters falling due soon.

    A milestone is reminded once (its reminded_on is set), so running the task twice
    sends nothing new; moving its due date makes it due for a new reminder.
    Return the number of e-mails queued.
    """
    day, days = _day(today), settings.MILESTONE_REMINDER_DAYS
    with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
        reminders = due_milestone_reminders(day, days)
        Milestone.objects.filter(
            pk__in={milestone.pk for reminder in reminders for milestone in reminder.milestones}
        ).update(reminded_on=day)
        for reminder in reminders:
            # Queued in the transaction (the outbox): sent once the reminders are marked.
            _queue_email("milestone_reminder", {
                "user": reminder.user, "groups": [
                    (cluster, _site_url(reverse("cluster_dashboard", args=[cluster.pk])),
                     [(milestone, _site_url(reverse("step_detail", args=[
                         cluster.pk, milestone.step_id]))) for milestone in milestones])
                    for cluster, milestones in reminder.by_cluster()],
                "count": len(reminder.milestones), "days": days, "today": day,
            }, reminder.user.email)
    return len(reminders)


@shared_task
def send_weekly_digest(today=None):
    """E-mail each facilitator one summary of the week of all their clusters.

    Nothing is sent to a facilitator whose clusters have nothing to report. Return
    the number of e-mails queued.
    """
    day = _day(today)
    with translation.override(settings.LANGUAGE_CODE):
        digests = weekly_digests(day)
        for digest in digests:
            _queue_email("weekly_digest", {
                "user": digest.user, "today": day,
                "upcoming_days": UPCOMING_DAYS, "recent_days": RECENT_MEASUREMENT_DAYS,
                "clusters": [(item, _site_url(reverse("cluster_dashboard",
                                                      args=[item.cluster.pk])))
                             for item in digest.clusters],
            }, digest.user.email)
    return len(digests)


# Schéma directeur ------------------------------------------------------------------------------

class MasterPlanRenderTask(Task):
    """Mark the version failed once every retry is spent, so the page stops waiting.

    Run inline (no broker), the task behaves as on a worker: its retries happen and a
    final failure is recorded on the version, never raised into the page that asked.
    """

    def apply(self, *args, throw=None, **kwargs):
        return super().apply(*args, throw=False, **kwargs)

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        version_pk = args[0] if args else kwargs.get("version_pk")
        master_plan_render_failed(version_pk=version_pk, error=exc)


@shared_task(base=MasterPlanRenderTask, acks_late=True, reject_on_worker_lost=True,
             autoretry_for=(Exception,), max_retries=3, retry_backoff=5, retry_backoff_max=120)
def render_master_plan_version(version_pk):
    """Render a version of the schéma directeur to PDF from its snapshot.

    Acknowledged once done: a worker killed half-way leaves the version pending and
    the message is delivered again; rendering is idempotent (see master_plan_render).
    """
    version = MasterPlanVersion.objects.filter(pk=version_pk).first()
    if version is None:
        return None  # deleted with its cluster meanwhile
    return master_plan_render(version=version).status
