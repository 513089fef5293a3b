"""State changes of territory stewardship, shared by the pages, the API and the admin.

A territory's steward is the collective whose facilitators change it (see
cluster.stewardship_models for why the link lives in cluster). The first collective to
run a cluster on a territory without steward becomes its steward; another collective
asking for a cluster there sends the steward a request, which the steward's facilitators
or the national coordinator (staff) accept — the cluster is created then — or refuse.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cluster.errors import DomainError
from cluster.models import Cluster, ClusterRequest, Membership, Stewardship, User
from cluster.services import cluster_create
from cluster.stewardship_models import MESSAGE_MAX_LENGTH
from territories.links import absolute_reverse
from territories.models import Territory
from territories.outbox import enqueue

Status = ClusterRequest.Status

# The allowed changes of a request's status: a decision is final.
REQUEST_TRANSITIONS = {
    Status.PENDING: {Status.ACCEPTED, Status.REFUSED},
    Status.ACCEPTED: set(),
    Status.REFUSED: set(),
}


@dataclass(frozen=True)
class ClusterStart:
    """What asking for a cluster gave: the cluster, or a request sent to the steward."""

    cluster: Cluster | None = None
    request: ClusterRequest | None = None
    steward: object = None  # the Collective the request went to


def steward_new_territory(*, territory, created_by):
    """Name the creator's collective steward of a new territory when it is clear which one:
    the one collective they facilitate. Otherwise (staff, facilitators of several
    collectives) the territory waits for its first cluster or for staff to name one."""
    if created_by is None:
        return None
    facilitated = list(Membership.objects.filter(
        user=created_by, role=Membership.Role.FACILITATOR,
    ).values_list("collective_id", flat=True)[:2])
    if len(facilitated) != 1:
        return None
    return Stewardship.objects.create(territory=territory, collective_id=facilitated[0],
                                      named_by=created_by)


def _lock_territory(territory):
    # One territory's steward and requests change one request at a time, so two collectives
    # cannot both become the steward of a territory that had none.
    Territory.objects.select_for_update().filter(pk=territory.pk).first()


@transaction.atomic
def steward_name(*, territory, collective, by):
    """Make the collective the territory's steward, in place of any other."""
    _lock_territory(territory)
    stewardship, _created = Stewardship.objects.update_or_create(
        territory=territory, defaults={"collective": collective, "named_by": by})
    return stewardship


def facilitates(user, collective):
    return collective.memberships.filter(user=user, role=Membership.Role.FACILITATOR).exists()


def _clean_text(text, label):
    text = (text or "").strip()
    if len(text) > MESSAGE_MAX_LENGTH:
        raise DomainError(
            _("%(label)s dépasse %(max)s caractères.") % {"label": label,
                                                           "max": MESSAGE_MAX_LENGTH},
            code="too_long")
    return text


@transaction.atomic
def cluster_start(*, collective, territory, start_date, duration_months=12, by, message=""):
    """Create the collective's cluster on the territory, or send its steward a request.

    Without a steward, the collective becomes it. The steward itself, the steward's
    facilitators and staff create the cluster at once; any other collective sends a
    request, at most one pending per territory.
    """
    if not 9 <= duration_months <= 12:
        raise DomainError(_("Un cluster dure de 9 à 12 mois."), code="invalid_duration")
    message = _clean_text(message, _("Le message"))
    _lock_territory(territory)
    stewardship = Stewardship.objects.select_related("collective").filter(
        territory=territory).first()
    if (stewardship is None or stewardship.collective_id == collective.pk or by.is_staff
            or facilitates(by, stewardship.collective)):
        return ClusterStart(cluster=cluster_create(
            collective=collective, territory=territory, start_date=start_date,
            duration_months=duration_months))
    if Cluster.objects.filter(collective=collective, territory=territory).exists():
        raise DomainError(_("Ce collectif a déjà un cluster sur ce territoire."),
                          code="duplicate", status=409)
    pending = ClusterRequest.objects.filter(collective=collective, territory=territory,
                                            status=Status.PENDING)
    already = DomainError(
        _("Une demande de ce collectif pour ce territoire attend déjà la réponse du "
          "collectif « %(steward)s ».") % {"steward": stewardship.collective.name},
        code="already_requested", status=409)
    if pending.exists():
        raise already
    try:
        with transaction.atomic():
            request = ClusterRequest.objects.create(
                collective=collective, territory=territory, start_date=start_date,
                duration_months=duration_months, message=message, requested_by=by)
    except IntegrityError:
        raise already from None
    _notify(request, "cluster_request_sent", steward=stewardship.collective)
    return ClusterStart(request=request, steward=stewardship.collective)


def _decide(*, cluster_request, status, by, answer):
    answer = _clean_text(answer, _("La réponse"))
    # The territory first, then the request: the order cluster_start takes them in.
    _lock_territory(cluster_request.territory)
    request = ClusterRequest.objects.select_for_update().select_related(
        "collective", "territory").get(pk=cluster_request.pk)
    if status not in REQUEST_TRANSITIONS[request.status]:
        raise DomainError(
            _("Cette demande a déjà reçu une réponse : elle est %(status)s.")
            % {"status": request.get_status_display()},
            code="already_decided", status=409)
    if status == Status.ACCEPTED:
        request.cluster = cluster_create(
            collective=request.collective, territory=request.territory,
            start_date=request.start_date, duration_months=request.duration_months)
    request.status, request.answer = status, answer
    request.decided_by, request.decided_at = by, timezone.now()
    request.save(update_fields=["status", "answer", "decided_by", "decided_at", "cluster"])
    stewardship = Stewardship.objects.select_related("collective").filter(
        territory=request.territory).first()
    _notify(request, "cluster_request_decided",
            steward=stewardship.collective if stewardship else None)
    return request


@transaction.atomic
def cluster_request_accept(*, cluster_request, by, answer=""):
    """Accept a pending request: the requesting collective's cluster is created."""
    return _decide(cluster_request=cluster_request, status=Status.ACCEPTED, by=by,
                   answer=answer)


@transaction.atomic
def cluster_request_refuse(*, cluster_request, by, answer=""):
    """Refuse a pending request, with an answer the requesting collective reads."""
    return _decide(cluster_request=cluster_request, status=Status.REFUSED, by=by,
                   answer=answer)


def _recipients(request, steward):
    """Both sides: the facilitators of the requesting collective and of the steward, and the
    person who asked; each e-mail goes to one address, so nobody learns the others'."""
    collectives = [request.collective_id] + ([steward.pk] if steward is not None else [])
    users = User.objects.filter(
        is_active=True, memberships__role=Membership.Role.FACILITATOR,
        memberships__collective__in=collectives)
    emails = set(users.values_list("email", flat=True))
    if request.requested_by is not None and request.requested_by.is_active:
        emails.add(request.requested_by.email)
    return sorted(emails)


def _notify(request, template, *, steward):
    """Queue one e-mail per person involved, once the transaction commits."""
    link = absolute_reverse("cluster_request_detail", request.pk)
    with translation.override(settings.LANGUAGE_CODE):
        context = {"request": request, "steward": steward, "link": link,
                   "status": request.get_status_display()}
        prefix = f"cluster/emails/{template}"
        subject = " ".join(render_to_string(f"{prefix}_subject.txt", context).split())
        body = render_to_string(f"{prefix}.txt", context)
        html_body = render_to_string(f"{prefix}.html", context)
    for email in _recipients(request, steward):
        enqueue("cluster.tasks.send_email_task", kwargs={
            "subject": subject, "body": body, "to": [email], "html_body": html_body})
