"""A funder's people: invite a reviewer by e-mail, accept the invitation, change a member's
role, remove a member.

The invitation follows the collectives' (cluster.services.collectives): a one-time secret
whose hash only is stored, an expiry, the e-mail queued through the outbox.
"""

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cluster.errors import DomainError
from cluster.selectors import invitation_token_hash
from cluster.services.collectives import clean_invited_email
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
    now = timezone.now()
    open_invitations = funder.invitations.filter(email__iexact=email, accepted_at=None,
                                                 revoked_at=None)
    if open_invitations.filter(expires_at__gt=now).exists():
        raise DomainError(_("Une invitation est déjà en attente pour cette adresse : la "
                            "personne peut utiliser le lien qu'elle a reçu."),
                          code="already_invited", status=409, field="email")
    # An expired invitation to the same address is replaced by the new one.
    open_invitations.update(revoked_at=now)
    secret = secrets.token_urlsafe(32)
    invitation = FunderInvitation.objects.create(
        funder=funder, email=email, token_hash=invitation_token_hash(secret), invited_by=by,
        expires_at=now + timedelta(days=settings.INVITATION_TTL_DAYS))
    _send_invitation_email(invitation, secret, by)
    return invitation, secret


def funder_invitation_for_token(token):
    """Return the funder invitation whose secret is `token`, or None."""
    return FunderInvitation.objects.select_related("funder", "invited_by").filter(
        token_hash=invitation_token_hash(token)).first()


def funder_invitation_check(invitation, now=None):
    """Raise the DomainError that says why the invitation can no longer be accepted, if so."""
    now = now or timezone.now()
    if invitation is None:
        raise DomainError(_("Ce lien d'invitation n'est pas valide. Vérifiez qu'il est complet, "
                            "ou demandez une nouvelle invitation."), code="invalid_token",
                          status=404)
    if invitation.accepted_at is not None:
        raise DomainError(_("Cette invitation a déjà été utilisée : un lien d'invitation ne sert "
                            "qu'une fois."), code="already_used", status=410)
    if invitation.revoked_at is not None or invitation.expires_at <= now:
        raise DomainError(_("Cette invitation a expiré ou a été remplacée. Demandez au "
                            "financeur de vous inviter à nouveau."), code="expired",
                          status=410)


@transaction.atomic
def funder_invitation_accept(*, token, user):
    """Make the signed-in person a reviewer of the invitation's funder; return the member.

    Holding the link is what counts, whatever the account's address.
    """
    invitation = FunderInvitation.objects.select_for_update().select_related("funder").filter(
        token_hash=invitation_token_hash(token)).first()
    funder_invitation_check(invitation)
    _lock_funder(invitation.funder)
    if invitation.funder.members.filter(user=user).exists():
        raise DomainError(_("Vous êtes déjà instructeur·rice de ce financeur."),
                          code="already_member", status=409)
    member = FunderMember.objects.create(user=user, funder=invitation.funder,
                                         role=FunderMember.Role.REVIEWER)
    invitation.accepted_at, invitation.accepted_by = timezone.now(), user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
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
