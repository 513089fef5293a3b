"""A cluster's dossiers for a call: start, save, submit, and the moves between statuses."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from cluster.errors import DomainError
from funding.followup import follow_up_start
from funding.labels import label_candidacy_from_submission
from funding.models import Call, Dossier, DossierEvent
from funding.permissions import (
    EDITABLE_STATUSES,
    DossierAccess,
    Right,
    frozen_error,
    transition_error,
)
from funding.selectors import dossier_checklist
from funding.snapshot import dossier_contents
from funding.transitions import DOSSIER_TRANSITIONS
from funding.webhook_models import WebhookEndpoint
from funding.webhook_services import webhook_event_emit
from territories.links import absolute_url
from territories.locking import claim_version
from territories.outbox import enqueue

DOSSIER_FIELDS = ("title", "summary", "strategic_plan", "requested_amount")


def _long_datetime(moment):
    moment = timezone.localtime(moment)
    return _("%(date)s à %(time)s") % {"date": formats.date_format(moment, "j F Y"),
                                       "time": formats.time_format(moment, "H:i")}


def _check_requested_amount(call, amount):
    """Refuse a negative request, or one above the call's maximum."""
    if amount is None:
        return
    if amount < 0:
        raise DomainError(_("Le montant demandé ne peut pas être négatif."),
                          code="negative_amount", field="requested_amount")
    if call.max_amount is not None and amount > call.max_amount:
        raise DomainError(
            _("Le montant demandé dépasse le maximum de l'appel : %(max)s € au plus.")
            % {"max": formats.number_format(call.max_amount, decimal_pos=0,
                                            force_grouping=True)},
            code="amount_above_max", field="requested_amount")


@transaction.atomic
def dossier_start(*, call, cluster, by, title=""):
    """Start the cluster's draft dossier for the call; one per call and cluster.

    A dossier is prepared before the call opens or while it is open, never once
    its deadline has passed; a draft call receives none.
    """
    if call.is_draft:
        raise DomainError(_("Cet appel est en préparation : il ne reçoit pas encore de "
                            "dossiers."), code="call_draft", status=409)
    if call.kind == Call.Kind.FOLLOW_UP:
        # One follow-up per year, due at the label's anniversary: its own service.
        return follow_up_start(cluster=cluster, by=by)
    if call.deadline <= timezone.now():
        raise DomainError(
            _("Cet appel est clos depuis le %(deadline)s : il ne reçoit plus de dossiers.")
            % {"deadline": _long_datetime(call.deadline)}, code="call_closed")
    if Dossier.objects.filter(call=call, cluster=cluster).exists():
        raise _duplicate_error()
    title = (title or "").strip() or f"{call.title} — {cluster.territory.name}"[:200]
    try:
        with transaction.atomic():
            return Dossier.objects.create(call=call, cluster=cluster, title=title,
                                          created_by=by)
    except IntegrityError:
        raise _duplicate_error() from None


def _duplicate_error():
    return DomainError(_("Ce cluster a déjà un dossier pour cet appel."), code="duplicate",
                       status=409)


def _conflict_error():
    return DomainError(
        _("Quelqu'un a modifié ce dossier pendant que vous le modifiiez. Rechargez la page "
          "pour voir sa version, puis refaites vos changements."),
        code="edit_conflict", status=409)


def dossier_save(*, dossier, fields, version):
    """Save the dossier's texts and amount as edited from `version`.

    Refused if someone saved it in between (the check and the write are one UPDATE …
    WHERE version = %s, so two people saving at once cannot both win), or once it
    is submitted.
    """
    unknown = set(fields) - set(DOSSIER_FIELDS)
    if unknown:
        raise DomainError(_("Champ inconnu : %(names)s.") % {"names": ", ".join(sorted(unknown))},
                          code="unknown_field")
    if dossier.status not in EDITABLE_STATUSES:
        raise frozen_error(dossier)
    _check_requested_amount(dossier.call,
                            fields.get("requested_amount", dossier.requested_amount))
    read = dossier.version
    with transaction.atomic():
        try:
            claim_version(instance=dossier, version=version, message=_conflict_error().message,
                          where=Q(status__in=EDITABLE_STATUSES))
        except DomainError:
            current = Dossier.objects.filter(pk=dossier.pk).first()
            if current is not None and current.status not in EDITABLE_STATUSES:
                raise frozen_error(current) from None
            raise
        for name, value in fields.items():
            setattr(dossier, name, value)
        try:
            dossier.full_clean(exclude=["call", "cluster", "created_by"])
        except ValidationError:
            # Leave the instance as the database has it: the page shows the form again.
            dossier.version = read
            raise
        dossier.save(update_fields=[*fields, "version", "updated_at"])
    return dossier


def _checked(dossier, by, right):
    """Return the dossier as it is now, once its access object grants `right` to `by`.

    The rights hang on the dossier's current state, not on the one a caller read.
    """
    dossier = Dossier.objects.select_related(
        "call__funder", "cluster__collective", "cluster__territory").get(pk=dossier.pk)
    DossierAccess.of(by, dossier).require(right)
    return dossier


def _locked(dossier, action):
    """Lock the dossier's row and check that `action` may start from its current state."""
    dossier = Dossier.objects.select_for_update().select_related(
        "call__funder", "cluster__collective", "cluster__territory").get(pk=dossier.pk)
    sources, _target = DOSSIER_TRANSITIONS[action]
    if dossier.status not in sources:
        raise transition_error(dossier, action)
    return dossier


def _record(dossier, action, *, by, comment="", fields=()):
    """Move the locked dossier to the action's state, with its audit row and e-mail."""
    from_status = dossier.status
    dossier.status = DOSSIER_TRANSITIONS[action][1]
    dossier.save(update_fields=["status", "updated_at", *fields])
    event = DossierEvent.objects.create(dossier=dossier, from_status=from_status,
                                        to_status=dossier.status, by=by, comment=comment)
    _notify_members(dossier, event)
    return dossier


def dossier_transition(*, dossier, action, by, comment="", fields=None):
    """Apply one action of DOSSIER_TRANSITIONS, checking the current state.

    `fields` are set on the dossier with the status (e.g. the decision's own). Write
    the change and its DossierEvent in one transaction; e-mail the collective's
    members once it is committed. Return the dossier as saved.
    """
    with transaction.atomic():
        dossier = _locked(dossier, action)
        for name, value in (fields or {}).items():
            setattr(dossier, name, value)
        return _record(dossier, action, by=by, comment=comment, fields=tuple(fields or ()))


# The webhook event each way of submitting raises.
SUBMIT_EVENTS = {"submit": WebhookEndpoint.Event.DOSSIER_SUBMITTED,
                 "resubmit": WebhookEndpoint.Event.COMPLEMENT_ANSWERED}


def _submit(dossier, action, by, version):
    now = timezone.now()
    with transaction.atomic():
        dossier = _locked(dossier, action)
        if version is not None and version != dossier.version:
            raise _conflict_error()
        call = dossier.call
        # The deadline is for the first submission; a complement answers the funder.
        if action == "submit" and now < call.opens_at:
            raise DomainError(
                _("Cet appel ouvre le %(date)s : le dossier pourra être déposé à partir de "
                  "cette date.") % {"date": _long_datetime(call.opens_at)},
                code="call_not_open")
        if action == "submit" and now > call.deadline:
            raise DomainError(
                _("La date limite de dépôt était le %(deadline)s : le dossier ne peut plus "
                  "être déposé pour cet appel.") % {"deadline": _long_datetime(call.deadline)},
                code="deadline_passed")
        # Frozen in the site's language, whoever submits; the refusal in theirs.
        with translation.override(settings.LANGUAGE_CODE):
            contents = dossier_contents(dossier, now=now, by=by)
        missing = [item for item in dossier_checklist(dossier, contents=contents)
                   if not item.ok]
        if missing:
            raise DomainError(
                _("Le dossier est incomplet. Il manque : %(items)s")
                % {"items": " ".join(f"{item.label} — {item.message}" for item in missing)},
                code="incomplete")
        dossier.snapshot = contents
        dossier.submitted_at = now
        dossier.version += 1
        # The previous rendering, if any, is of older contents: the task makes a new one.
        dossier.pdf = ""
        dossier = _record(dossier, action, by=by,
                          fields=("snapshot", "submitted_at", "version", "pdf"))
        label_candidacy_from_submission(dossier)
        enqueue("funding.tasks.generate_dossier_pdf_task", args=[dossier.pk])
        webhook_event_emit(dossier=dossier, event_type=SUBMIT_EVENTS[action])
    return dossier


def dossier_submit(*, dossier, by, version=None):
    """Submit a complete draft before the call's deadline, or submit again a dossier the
    funder asked to complete; freeze what it shows.

    For the collective's facilitators and staff. The snapshot keeps the collective,
    territory, défis with their progress, engaged companies, funding plan, texts and
    call as they are now; later edits to the cluster never change it. Its PDF is
    rendered once committed. `version` is the one the person read: a dossier changed
    since is refused (409); None checks nothing. Pages and the API call it alike.
    """
    dossier = _checked(dossier, by, Right.SUBMIT)
    action = "resubmit" if dossier.status == Dossier.Status.MORE_INFO else "submit"
    return _submit(dossier, action, by, version)


def dossier_resubmit(*, dossier, by, version=None):
    """Submit again a dossier the funder asked to complete, with a fresh snapshot and PDF."""
    current = Dossier.objects.get(pk=dossier.pk)
    if current.status != Dossier.Status.MORE_INFO:
        raise transition_error(current, "resubmit")
    return dossier_submit(dossier=dossier, by=by, version=version)


def dossier_start_review(*, dossier, by):
    """Take a submitted dossier into review: for the call's funder's reviewers and staff."""
    dossier = _checked(dossier, by, Right.START_REVIEW)
    return dossier_transition(dossier=dossier, action="start_review", by=by)


def dossier_request_more_info(*, dossier, by, comment):
    """Ask the collective to complete its dossier under review, saying what is missing.

    For the call's funder's reviewers (declared, without conflict) and staff; the
    pages and the funders' API call it alike.
    """
    dossier = _checked(dossier, by, Right.ASK_COMPLEMENT)
    comment = (comment or "").strip()
    if not comment:
        raise DomainError(_("Dites au collectif ce qu'il doit compléter."),
                          code="comment_required")
    if "\x00" in comment:
        raise DomainError(_("Le message contient un caractère invalide."),
                          code="invalid_comment")
    return dossier_transition(dossier=dossier, action="request_more_info", by=by,
                              comment=comment)


def _notify_members(dossier, event):
    """E-mail the change to every member of the collective, in one message, once committed."""
    collective = dossier.cluster.collective
    recipients = sorted(collective.memberships.filter(user__is_active=True)
                        .values_list("user__email", flat=True))
    if not recipients:
        return
    link = absolute_url(dossier.get_absolute_url())
    with translation.override(settings.LANGUAGE_CODE):
        context = {"dossier": dossier, "event": event, "call": dossier.call,
                   "collective": collective, "territory": dossier.cluster.territory,
                   "by": event.by, "status": dossier.get_status_display(), "link": link}
        prefix = "funding/emails/dossier_event"
        subject = " ".join(render_to_string(f"{prefix}_subject.txt", context).split())
        body = render_to_string(f"{prefix}.txt", context)
        html_body = render_to_string(f"{prefix}.html", context)
    enqueue("cluster.tasks.send_email_task", kwargs={
        "subject": subject, "body": body, "to": recipients, "html_body": html_body})

