"""The annual follow-up of a labelled territory: its dossier, and reminders before it is due.

Each year, at the anniversary of its label date (territories.labels.follow_up_due), a
labelled territory's cluster files a follow-up dossier to the permanent "suivi annuel"
call (created by migration funding.0008). The dossier is an ordinary one: its contents
come from the cluster through `funding.snapshot.dossier_contents` (défis and the
progress of their objectives, projects, funding plan), frozen when it is submitted.
Starting it puts the label in "annual follow-up" (territories.labels).
"""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from cluster.errors import DomainError
from cluster.models import Membership
from funding.models import Call, Dossier, FollowUpReminder
from territories.grammar import de
from territories.labels import follow_up_due, label_of, label_start_follow_up
from territories.links import absolute_reverse
from territories.models import Label
from territories.outbox import enqueue

FOLLOW_UP_CALL_SLUG = "suivi-annuel-territoire-french-impact"
# Days before the due date when the facilitators are reminded, each once.
REMINDER_DAYS = (30, 7)


def follow_up_call():
    """Return the permanent follow-up call, or None if it was removed."""
    return Call.objects.filter(kind=Call.Kind.FOLLOW_UP).order_by("pk").first()


def follow_up_for(cluster, due):
    """Return the cluster's follow-up dossier for the year of `due`, or None."""
    if due is None:
        return None
    return Dossier.objects.filter(call__kind=Call.Kind.FOLLOW_UP, cluster=cluster,
                                  follow_up_due__year=due.year).first()


def follow_up_status(cluster, today=None):
    """Return what the dashboard says of the cluster's follow-up: its due date and dossier.

    None when the territory does not hold the label now.
    """
    due = follow_up_due(label_of(cluster.territory), today)
    if due is None:
        return None
    return {"due": due, "dossier": follow_up_for(cluster, due)}


def _not_labelled_error(territory, label):
    if label is not None and label.status in {Label.Status.SUSPENDED, Label.Status.WITHDRAWN}:
        return DomainError(
            _("Le label %(of_territory)s est « %(status)s » : il n'a pas de suivi annuel à "
              "déposer.") % {"of_territory": de(territory.name),
                            "status": label.get_status_display()},
            code="not_labelled", status=409)
    return DomainError(
        _("%(territory)s n'est pas labellisé : le suivi annuel est réservé aux territoires "
          "labellisés.") % {"territory": territory.name}, code="not_labelled", status=409)


def _already_started_error(due):
    return DomainError(
        _("Le suivi annuel %(year)s de ce cluster est déjà commencé : complétez le dossier "
          "existant.") % {"year": due.year}, code="duplicate", status=409)


def follow_up_start(*, cluster, by, today=None):
    """Start the cluster's annual follow-up dossier for its next due date; return it.

    Refused, with nothing written, for a territory that does not hold the label, when
    the follow-up of that year is already started, or without a follow-up call. The
    dossier and the label's move to "annual follow-up" are one transaction.
    """
    territory = cluster.territory
    call = follow_up_call()
    if call is None:
        raise DomainError(_("L'appel du suivi annuel n'existe pas : la coordination nationale "
                            "doit le créer."), code="no_follow_up_call", status=409)
    with transaction.atomic():
        label = Label.objects.select_for_update().filter(territory=territory).first()
        due = follow_up_due(label, today)
        if due is None:
            raise _not_labelled_error(territory, label)
        if follow_up_for(cluster, due) is not None:
            raise _already_started_error(due)
        title = _("Suivi annuel %(year)s — %(territory)s") % {
            "year": due.year, "territory": territory.name}
        try:
            with transaction.atomic():
                dossier = Dossier.objects.create(
                    call=call, cluster=cluster, title=title[:200], follow_up_due=due,
                    created_by=by)
        except IntegrityError:
            raise _already_started_error(due) from None
        if label.status == Label.Status.LABELLED:
            label_start_follow_up(territory=territory)
    return dossier


# Reminders ---------------------------------------------------------------------------------

def _facilitators(cluster):
    return sorted(cluster.collective.memberships.filter(
        role=Membership.Role.FACILITATOR, user__is_active=True)
        .values_list("user__email", flat=True))


def _queue_reminder(cluster, due, days, recipients):
    link = absolute_reverse("funding:follow_up_start", cluster.pk)
    with translation.override(settings.LANGUAGE_CODE):
        context = {"cluster": cluster, "territory": cluster.territory, "days": days,
                   "due": formats.date_format(due, "j F Y"), "link": link}
        subject = " ".join(render_to_string("funding/emails/follow_up_reminder_subject.txt",
                                            context).split())
        body = render_to_string("funding/emails/follow_up_reminder.txt", context)
    enqueue("cluster.tasks.send_email_task",
            kwargs={"subject": subject, "body": body, "to": recipients})


def send_follow_up_reminders(today=None):
    """E-mail each labelled cluster's facilitators 30 and 7 days before its follow-up is due.

    Each reminder goes once: a FollowUpReminder row records it, written with the e-mail
    queued in the outbox in one transaction. Nothing is sent for a suspended or withdrawn
    label, nor once the year's follow-up is submitted. When a run was missed, only the
    nearest reminder goes out. Return how many e-mails were queued.
    """
    today = today or timezone.localdate()
    labels = Label.objects.filter(status__in=[Label.Status.LABELLED, Label.Status.FOLLOW_UP],
                                  labelled_on__isnull=False).select_related("territory")
    sent = 0
    for label in labels:
        due = follow_up_due(label, today)
        delays = [days for days in REMINDER_DAYS if (due - today).days <= days]
        if not delays:
            continue
        for cluster in label.territory.clusters.select_related("collective", "territory"):
            dossier = follow_up_for(cluster, due)
            if dossier is not None and dossier.status != Dossier.Status.DRAFT:
                continue
            sent += _remind(cluster, due, delays, (due - today).days)
    return sent


def _remind(cluster, due, delays, days_left):
    with transaction.atomic():
        done = set(FollowUpReminder.objects.select_for_update().filter(
            cluster=cluster, due_on=due).values_list("days_before", flat=True))
        if min(delays) in done:
            return 0
        recipients = _facilitators(cluster)
        for days in delays:
            if days not in done:
                FollowUpReminder.objects.create(cluster=cluster, due_on=due, days_before=days,
                                                recipients=", ".join(recipients))
        if not recipients:
            return 0
        _queue_reminder(cluster, due, days_left, recipients)
    return 1
