"""What every invitation by e-mail shares (a collective's, a funder's): one pending invitation
per address, a one-time secret whose hash only is stored, an expiry, resending, cancelling,
and why a link can no longer be accepted.

Each kind of invitation keeps its own service (who may be invited, the e-mail it sends,
what accepting makes the person); these helpers hold the rules they have in common. They
run inside the caller's transaction, after it locked the invitation's owner.
"""

import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cluster.errors import DomainError
from cluster.selectors import invitation_token_hash


@dataclass(frozen=True)
class InvitationWords:
    """What a kind of invitation tells the person whose link no longer works."""

    revoked: str
    expired: str


def new_invitation_secret():
    """Return a new one-time secret and the hash stored in its place."""
    secret = secrets.token_urlsafe(32)
    return secret, invitation_token_hash(secret)


def invitation_expiry(now):
    """Return when an invitation sent at `now` stops working."""
    return now + timedelta(days=settings.INVITATION_TTL_DAYS)


def pending_invitations(invitations, email, now=None):
    """Narrow a queryset of invitations to those still pending for the address (any case)."""
    return invitations.filter(email__iexact=email, accepted_at=None, revoked_at=None,
                              expires_at__gt=now or timezone.now())


def invitation_open(model, *, invitations, email, by, **fields):
    """Create an invitation of `model` for the address, one pending per address.

    `invitations` are its owner's (a collective's, a funder's). A pending one refuses the
    new one (409); an expired one not yet accepted is replaced. Return the invitation and
    its secret.
    """
    now = timezone.now()
    if pending_invitations(invitations, email, now).exists():
        raise DomainError(_("Une invitation est déjà en attente pour cette adresse : "
                            "renvoyez-la plutôt que d'en créer une autre."),
                          code="already_invited", status=409, field="email")
    invitations.filter(email__iexact=email, accepted_at=None, revoked_at=None).update(
        revoked_at=now)
    secret, token_hash = new_invitation_secret()
    invitation = model.objects.create(email=email, token_hash=token_hash, invited_by=by,
                                      expires_at=invitation_expiry(now), **fields)
    return invitation, secret


def refuse_if_closed(invitation, *, accepted_message=None):
    """Refuse (409) to resend an invitation already accepted or cancelled."""
    if invitation.accepted_at is not None:
        raise DomainError(accepted_message or _("Cette invitation a déjà été acceptée."),
                          code="already_accepted", status=409)
    if invitation.revoked_at is not None:
        raise DomainError(_("Cette invitation a été annulée : invitez la personne à nouveau."),
                          code="revoked", status=409)


def invitation_renew(invitation, *, by, members, member_message):
    """Give a locked invitation not yet accepted nor cancelled a fresh secret and expiry:
    the previous link stops working. Return the new secret.

    `members` are the owner's people: an address already among them is refused (409)
    with `member_message`.
    """
    refuse_if_closed(invitation)
    if members.filter(user__email__iexact=invitation.email).exists():
        raise DomainError(member_message, code="already_member", status=409)
    secret, invitation.token_hash = new_invitation_secret()
    now = timezone.now()
    invitation.created_at, invitation.invited_by = now, by
    invitation.expires_at = invitation_expiry(now)
    invitation.save(update_fields=["token_hash", "created_at", "invited_by", "expires_at"])
    return secret


def invitation_cancel(invitation, *, accepted_message):
    """Cancel a locked invitation not yet accepted: its link stops working."""
    if invitation.accepted_at is not None:
        raise DomainError(accepted_message, code="already_accepted", status=409)
    if invitation.revoked_at is not None:
        raise DomainError(_("Cette invitation est déjà annulée."), code="revoked", status=409)
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    return invitation


def invitation_check(invitation, *, words, now=None):
    """Raise the DomainError that says why the invitation can no longer be accepted, if so."""
    now = now or timezone.now()
    if invitation is None:
        raise DomainError(_("Ce lien d'invitation n'est pas valide. Vérifiez qu'il est complet, "
                            "ou demandez une nouvelle invitation."), code="invalid_token",
                          status=404)
    if invitation.accepted_at is not None:
        raise DomainError(_("Cette invitation a déjà été utilisée : un lien d'invitation ne sert "
                            "qu'une fois."), code="already_used", status=410)
    if invitation.revoked_at is not None:
        raise DomainError(str(words.revoked), code="revoked", status=410)
    if invitation.expires_at <= now:
        raise DomainError(str(words.expired), code="expired", status=410)


def invitation_mark_accepted(invitation, user):
    """Record that the person accepted the invitation: its link has served."""
    invitation.accepted_at, invitation.accepted_by = timezone.now(), user
    invitation.save(update_fields=["accepted_at", "accepted_by"])


def locked_invitation(model, token, *related):
    """Return the invitation of `model` whose secret is `token`, locked, or None."""
    return model.objects.select_for_update().select_related(*related).filter(
        token_hash=invitation_token_hash(token)).first()


COLLECTIVE_WORDS = InvitationWords(
    revoked=gettext_lazy("Cette invitation a été annulée par le collectif. Demandez-en une "
                         "nouvelle à son animateur·rice si besoin."),
    expired=gettext_lazy("Cette invitation a expiré. Demandez à l'animateur·rice du collectif "
                         "de vous la renvoyer."))
