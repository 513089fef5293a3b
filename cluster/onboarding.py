"""A newcomer's first steps: start a collective and its cluster, or ask to join one;
and leaving the platform for good while the collective's history stays.

Services: each checks its inputs, changes everything or nothing, and raises DomainError
with a French message.
"""

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from cluster.errors import DomainError
from cluster.join_models import JoinRequest
from cluster.models import Collective, Membership, User
from cluster.services import is_last_facilitator
from cluster.stewardship import _clean_text, cluster_start
from territories.links import absolute_reverse
from territories.outbox import enqueue

COLLECTIVE_NAME_MAX_LENGTH = 200


def _unique_slug(name):
    base = slugify(name)[:190] or "collectif"
    slug, number = base, 1
    while Collective.objects.filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    return slug


@transaction.atomic
def collective_found(*, name, by):
    """Create a collective whose first facilitator is the person."""
    name = " ".join((name or "").split())
    if not name:
        raise DomainError(_("Donnez un nom au collectif."), code="required")
    if len(name) > COLLECTIVE_NAME_MAX_LENGTH:
        raise DomainError(_("Le nom du collectif dépasse 200 caractères."), code="too_long")
    if Collective.objects.filter(name__iexact=name).exists():
        raise DomainError(_("Un collectif porte déjà ce nom : demandez à le rejoindre, ou "
                            "choisissez un autre nom."), code="duplicate", status=409)
    collective = Collective.objects.create(name=name, slug=_unique_slug(name))
    Membership.objects.create(user=by, collective=collective,
                              role=Membership.Role.FACILITATOR)
    return collective


@transaction.atomic
def first_cluster_start(*, by, territory, start_date, duration_months=12, collective=None,
                        collective_name="", message=""):
    """Start a cluster for an existing collective the person facilitates, or for a new
    collective named here; a refusal of the cluster leaves no collective behind."""
    if collective is None:
        collective = collective_found(name=collective_name, by=by)
    return cluster_start(collective=collective, territory=territory, start_date=start_date,
                         duration_months=duration_months, by=by, message=message)


def _send(to, subject, body):
    enqueue("cluster.tasks.send_email_task",
            kwargs={"subject": subject, "body": body, "to": [to]})


def _link(name, *args):
    return absolute_reverse(name, *args)


@transaction.atomic
def join_request_send(*, collective, by, message=""):
    """Ask the collective's facilitators to let the person in."""
    message = _clean_text(message, _("Le message"))
    Collective.objects.select_for_update().filter(pk=collective.pk).first()
    if collective.memberships.filter(user=by).exists():
        raise DomainError(_("Vous faites déjà partie du collectif « %(name)s ».")
                          % {"name": collective.name}, code="already_member", status=409)
    if collective.join_requests.filter(user=by, status=JoinRequest.Status.PENDING).exists():
        raise DomainError(_("Votre demande pour rejoindre « %(name)s » attend déjà la réponse "
                            "de ses animateur·rices.") % {"name": collective.name},
                          code="already_requested", status=409)
    join_request = JoinRequest.objects.create(collective=collective, user=by, message=message)
    facilitators = User.objects.filter(
        is_active=True, memberships__collective=collective,
        memberships__role=Membership.Role.FACILITATOR).values_list("email", flat=True)
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Demande pour rejoindre « %(name)s »") % {"name": collective.name}
        body = _("Bonjour,\n\n%(person)s demande à rejoindre le collectif « %(name)s ».\n\n"
                 "%(message)s\n\nAcceptez ou refusez la demande sur cette page :\n%(link)s\n") % {
            "person": by, "name": collective.name, "message": message,
            "link": _link("join_request_list", collective.slug)}
    for email in sorted(set(facilitators)):
        _send(email, subject, body)
    return join_request


@transaction.atomic
def join_request_decide(*, join_request, accept, by):
    """Accept (the person becomes a member) or refuse a pending request; tell the person."""
    join_request = JoinRequest.objects.select_for_update().select_related(
        "collective", "user").get(pk=join_request.pk)
    if join_request.status != JoinRequest.Status.PENDING:
        raise DomainError(_("Cette demande a déjà reçu une réponse : elle est %(status)s.")
                          % {"status": join_request.get_status_display()},
                          code="already_decided", status=409)
    collective = join_request.collective
    if accept:
        Membership.objects.get_or_create(user=join_request.user, collective=collective,
                                         defaults={"role": Membership.Role.MEMBER})
    join_request.status = (JoinRequest.Status.ACCEPTED if accept
                           else JoinRequest.Status.REFUSED)
    join_request.decided_by, join_request.decided_at = by, timezone.now()
    join_request.save(update_fields=["status", "decided_by", "decided_at"])
    with translation.override(settings.LANGUAGE_CODE):
        if accept:
            subject = _("Bienvenue dans « %(name)s »") % {"name": collective.name}
            body = _("Bonjour,\n\nVotre demande est acceptée : vous êtes membre du collectif "
                     "« %(name)s ».\n\n%(link)s\n") % {
                "name": collective.name, "link": _link("collective_detail", collective.slug)}
        else:
            subject = _("Votre demande pour « %(name)s »") % {"name": collective.name}
            body = _("Bonjour,\n\nLes animateur·rices du collectif « %(name)s » n'ont pas "
                     "accepté votre demande. Vous pouvez rejoindre un autre collectif ou "
                     "lancer un cluster :\n%(link)s\n") % {
                "name": collective.name, "link": _link("onboarding")}
    if join_request.user.is_active:
        _send(join_request.user.email, subject, body)
    return join_request


def collectives_blocking_deletion(user):
    """Return the collectives the person is the last facilitator of."""
    return [membership.collective for membership in
            user.memberships.select_related("collective")
            if is_last_facilitator(membership)]


@transaction.atomic
def account_delete(*, user):
    """Close the account for good: its personal data is erased, the row stays so that the
    collective's history keeps an anonymous author. The last facilitator of a collective
    must first name another one."""
    user = User.objects.select_for_update().get(pk=user.pk)
    for membership in user.memberships.all():
        Collective.objects.select_for_update().filter(pk=membership.collective_id).first()
    blocking = collectives_blocking_deletion(user)
    if blocking:
        raise DomainError(
            _("Vous êtes le·la seul·e animateur·rice de : %(names)s. Nommez d'abord une autre "
              "personne animateur·rice de ce collectif, puis supprimez votre compte.")
            % {"names": ", ".join(f"« {c.name} »" for c in blocking)},
            code="last_facilitator", status=409)
    user.memberships.all().delete()
    user.join_requests.filter(status=JoinRequest.Status.PENDING).delete()
    user.auth_token_set.all().delete()
    EmailAddress.objects.filter(user=user).delete()
    user.email = f"compte-supprime-{user.pk}@invalid.invalid"
    user.first_name, user.last_name = "Compte", "supprimé"
    user.is_active = user.is_staff = user.is_superuser = False
    user.set_unusable_password()
    user.save()
    return user
