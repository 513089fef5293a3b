"""A funder's people: invite a reviewer by e-mail, resend or cancel the invitation, accept
it, change a member's role, remove a member; forget a person who deletes their account.

The invitation shares the collectives' rules (cluster.services.invitations): a one-time
secret whose hash only is stored, an expiry, one pending per address, the e-mail queued
through the outbox.
"""

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cluster.errors import DomainError
from cluster.selectors import invitation_token_hash
from cluster.services.collectives import clean_invited_email
from cluster.services.invitations import (
    InvitationWords,
    invitation_cancel,
    invitation_check,
    invitation_mark_accepted,
    invitation_open,
    invitation_renew,
    locked_invitation,
)
from funding.models import Funder, FunderInvitation, FunderMember
from territories.links import absolute_reverse
from territories.outbox import enqueue


def _lock_funder(funder):
    # One funder's people change one request at a time: two simultaneous requests cannot
    # both pass a check (one pending invitation, the last admin).
    Funder.objects.select_for_update().filter(pk=funder.pk).first()


def _send_invitation_email(invitation, secret, by):
    link = absolute_reverse("funding:funder_invitation_accept", secret)
    # The invitee's language is not known: the site's default one.
    with translation.override(settings.LANGUAGE_CODE):
        context = {"invitation": invitation, "funder": invitation.funder, "link": link,
                   "inviter": by}
        prefix = "funding/emails/funder_invitation"
        subject = " ".join(render_to_string(f"{prefix}_subject.txt", context).split())
        body = render_to_string(f"{prefix}.txt", context)
        html_body = render_to_string(f"{prefix}.html", context)
    enqueue("cluster.tasks.send_email_task", kwargs={
        "subject": subject, "body": body, "to": [invitation.email], "html_body": html_body})


@transaction.atomic
def funder_invitation_create(*, funder, email, by):
    """Invite a person by e-mail to review for the funder; e-mail them a one-time link.

    Return the invitation and its secret (only its hash is stored).
    """
    email = clean_invited_email(email)
    _lock_funder(funder)
    if funder.members.filter(user__email__iexact=email).exists():
        raise DomainError(_("Cette personne est déjà instructeur·rice de ce financeur."),
                          code="already_member", status=409, field="email")
    invitation, secret = invitation_open(FunderInvitation, invitations=funder.invitations,
                                         email=email, by=by, funder=funder)
    _send_invitation_email(invitation, secret, by)
    return invitation, secret


def funder_invitation_for_token(token):
    """Return the funder invitation whose secret is `token`, or None."""
    return FunderInvitation.objects.select_related("funder", "invited_by").filter(
        token_hash=invitation_token_hash(token)).first()


FUNDER_WORDS = InvitationWords(
    revoked=gettext_lazy("Cette invitation a été annulée ou remplacée. Demandez au financeur "
                         "de vous inviter à nouveau."),
    expired=gettext_lazy("Cette invitation a expiré ou a été remplacée. Demandez au "
                         "financeur de vous inviter à nouveau."))


def funder_invitation_check(invitation, now=None):
    """Raise the DomainError that says why the invitation can no longer be accepted, if so."""
    invitation_check(invitation, words=FUNDER_WORDS, now=now)


def _locked_funder_invitation(invitation):
    _lock_funder(invitation.funder)
    return FunderInvitation.objects.select_for_update().select_related("funder").get(
        pk=invitation.pk)


@transaction.atomic
def funder_invitation_resend(*, invitation, by):
    """Send a pending invitation again with a fresh link and expiry: the previous link stops
    working. Return the invitation and its new secret."""
    invitation = _locked_funder_invitation(invitation)
    secret = invitation_renew(invitation, by=by, members=invitation.funder.members,
                              member_message=_("Cette personne est déjà instructeur·rice de "
                                               "ce financeur."))
    _send_invitation_email(invitation, secret, by)
    return invitation, secret


@transaction.atomic
def funder_invitation_cancel(*, invitation, by):
    """Cancel an invitation not yet accepted: its link stops working."""
    invitation = _locked_funder_invitation(invitation)
    return invitation_cancel(invitation, accepted_message=_(
        "Cette invitation a déjà été acceptée : retirez plutôt la personne des "
        "instructeur·rices du financeur."))


@transaction.atomic
def funder_invitation_accept(*, token, user):
    """Make the signed-in person a reviewer of the invitation's funder; return the member.

    Holding the link is what counts, whatever the account's address.
    """
    invitation = locked_invitation(FunderInvitation, token, "funder")
    funder_invitation_check(invitation)
    _lock_funder(invitation.funder)
    if invitation.funder.members.filter(user=user).exists():
        raise DomainError(_("Vous êtes déjà instructeur·rice de ce financeur."),
                          code="already_member", status=409)
    member = FunderMember.objects.create(user=user, funder=invitation.funder,
                                         role=FunderMember.Role.REVIEWER)
    invitation_mark_accepted(invitation, user)
    return member


def _check_not_last_admin(member):
    admins = member.funder.members.filter(role=FunderMember.Role.ADMIN)
    if member.role == FunderMember.Role.ADMIN and not admins.exclude(pk=member.pk).exists():
        raise DomainError(_("Le financeur a besoin d'au moins un·e administrateur·rice : "
                            "nommez-en d'abord un·e autre."), code="last_admin", status=409)


@transaction.atomic
def funder_member_remove(*, member, by):
    """Remove a person from the funder's people; the last admin stays."""
    _lock_funder(member.funder)
    member = FunderMember.objects.select_related("user", "funder").get(pk=member.pk)
    _check_not_last_admin(member)
    member.delete()
    return member


@transaction.atomic
def funder_member_set_role(*, member, role, by):
    """Make a member an admin of the funder (who manages its people) or a plain reviewer;
    the last admin stays one."""
    if role not in FunderMember.Role.values:
        raise DomainError(_("Rôle inconnu : choisissez instructeur·rice ou "
                            "administrateur·rice."), code="invalid_role")
    _lock_funder(member.funder)
    member = FunderMember.objects.select_related("user", "funder").get(pk=member.pk)
    if member.role == role:
        raise DomainError(_("Cette personne a déjà ce rôle."), code="unchanged", status=409)
    if role != FunderMember.Role.ADMIN:
        _check_not_last_admin(member)
    member.role = role
    member.save(update_fields=["role"])
    return member


def forget_deleted_account(sender, *, user, email, **kwargs):
    """Receive `cluster.signals.account_deleting`."""
    funder_people_forget(user=user, email=email)


def funder_people_forget(*, user, email):
    """Remove a person who deletes their account from every funder's people, the invitations
    still open to their address (nobody joins with them any more) and those they accepted.
    Called inside the account's deletion, before the address is erased."""
    FunderMember.objects.filter(user=user).delete()
    FunderInvitation.objects.filter(
        Q(email__iexact=email, accepted_at=None) | Q(accepted_by=user)).delete()
