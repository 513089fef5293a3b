"""Collectives: invitations, memberships and member actors."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cluster.errors import DomainError
from cluster.models import Collective, CollectiveActor, Invitation, Membership, User
from cluster.selectors import invitation_token_hash
from territories.links import absolute_reverse
from territories.outbox import enqueue


def _last_facilitator_error():
    return DomainError(_("Le collectif a besoin d'au moins un·e animateur·rice : nommez "
                         "d'abord une autre personne animateur·rice."),
                       code="last_facilitator", status=409)


def _new_invitation_secret():
    secret = secrets.token_urlsafe(32)
    return secret, invitation_token_hash(secret)


def _lock_collective(collective):
    # One collective's memberships and invitations change one request at a time, so two
    # simultaneous requests cannot both pass a check (last facilitator, one pending invitation).
    Collective.objects.select_for_update().filter(pk=collective.pk).first()


def clean_invited_email(email):
    """Return the address lowercased and stripped, or raise DomainError if it is not one."""
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise DomainError(_("Cette adresse e-mail n'est pas valide."), code="invalid_email") \
            from None
    if len(email) > 254:
        raise DomainError(_("Cette adresse e-mail est trop longue."), code="invalid_email")
    return email


def _check_role(role):
    if role not in Membership.Role.values:
        raise DomainError(_("Rôle inconnu : choisissez animateur·rice ou membre."),
                          code="invalid_role", field="role")


def _send_invitation_email(invitation, secret, by):
    """Queue the invitation e-mail once the transaction commits, with its one-time link."""
    link = absolute_reverse("invitation_accept", secret)
    # The invitee's language is not known: the site's default one.
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "invitation": invitation, "collective": invitation.collective,
            "role": invitation.get_role_display(), "link": link,
            "inviter": by, "site_url": settings.SITE_URL,
        }
        subject = "".join(render_to_string("cluster/emails/invitation_subject.txt",
                                           context).splitlines())
        body = render_to_string("cluster/emails/invitation.txt", context)
        html_body = render_to_string("cluster/emails/invitation.html", context)
    to = [invitation.email]
    enqueue("cluster.tasks.send_email_task",
            kwargs={"subject": subject, "body": body, "to": to, "html_body": html_body})


@transaction.atomic
def invitation_create(*, collective, email, role, by):
    """Invite a person by e-mail to join the collective with a role; e-mail them the link.

    Return the invitation and its secret; only the secret's hash is stored, so the
    link in the e-mail is the one copy.
    """
    email = clean_invited_email(email)
    _check_role(role)
    _lock_collective(collective)
    if collective.memberships.filter(user__email__iexact=email).exists():
        raise DomainError(_("Cette personne fait déjà partie du collectif."),
                          code="already_member", status=409, field="email")
    now = timezone.now()
    open_invitations = collective.invitations.filter(email__iexact=email, accepted_at=None,
                                                     revoked_at=None)
    if open_invitations.filter(expires_at__gt=now).exists():
        raise DomainError(_("Une invitation est déjà en attente pour cette adresse : "
                            "renvoyez-la plutôt que d'en créer une autre."),
                          code="already_invited", status=409, field="email")
    # An expired invitation to the same address is replaced by the new one.
    open_invitations.update(revoked_at=now)
    secret, token_hash = _new_invitation_secret()
    invitation = Invitation.objects.create(
        collective=collective, email=email, role=role, token_hash=token_hash, invited_by=by,
        expires_at=now + timedelta(days=settings.INVITATION_TTL_DAYS))
    _send_invitation_email(invitation, secret, by)
    return invitation, secret


@transaction.atomic
def invitation_resend(*, invitation, by):
    """Send the invitation again with a fresh secret and expiry: the previous link stops working.

    Return the invitation and its new secret.
    """
    _lock_collective(invitation.collective)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise DomainError(_("Cette invitation a déjà été acceptée."), code="already_accepted",
                          status=409)
    if invitation.revoked_at is not None:
        raise DomainError(_("Cette invitation a été annulée : invitez la personne à nouveau."),
                          code="revoked", status=409)
    if invitation.collective.memberships.filter(user__email__iexact=invitation.email).exists():
        raise DomainError(_("Cette personne fait déjà partie du collectif."),
                          code="already_member", status=409)
    secret, invitation.token_hash = _new_invitation_secret()
    now = timezone.now()
    invitation.created_at, invitation.invited_by = now, by
    invitation.expires_at = now + timedelta(days=settings.INVITATION_TTL_DAYS)
    invitation.save(update_fields=["token_hash", "created_at", "invited_by", "expires_at"])
    _send_invitation_email(invitation, secret, by)
    return invitation, secret


@transaction.atomic
def invitation_revoke(*, invitation, by):
    """Cancel an invitation not yet accepted: its link stops working."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise DomainError(_("Cette invitation a déjà été acceptée : retirez plutôt la personne "
                            "du collectif."), code="already_accepted", status=409)
    if invitation.revoked_at is not None:
        raise DomainError(_("Cette invitation est déjà annulée."), code="revoked", status=409)
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    return invitation


def invitation_check(invitation, now=None):
    """Raise the DomainError that says why the invitation can no longer be accepted, if so."""
    now = now or timezone.now()
    if invitation is None:
        raise DomainError(_("Ce lien d'invitation n'est pas valide. Vérifiez qu'il est complet, "
                            "ou demandez une nouvelle invitation."), code="invalid_token",
                          status=404)
    if invitation.accepted_at is not None:
        raise DomainError(_("Cette invitation a déjà été utilisée : un lien d'invitation ne sert "
                            "qu'une fois."), code="already_used",
                          status=410)
    if invitation.revoked_at is not None:
        raise DomainError(_("Cette invitation a été annulée par le collectif. Demandez-en une "
                            "nouvelle à son animateur·rice si besoin."), code="revoked",
                          status=410)
    if invitation.expires_at <= now:
        raise DomainError(_("Cette invitation a expiré. Demandez à l'animateur·rice du collectif "
                            "de vous la renvoyer."), code="expired", status=410)


def _locked_invitation(token):
    return Invitation.objects.select_for_update().select_related("collective").filter(
        token_hash=invitation_token_hash(token)).first()


def _accept(invitation, user):
    if not user.is_active:
        raise DomainError(_("Ce compte est désactivé."), code="inactive")
    _lock_collective(invitation.collective)
    if invitation.collective.memberships.filter(user=user).exists():
        raise DomainError(_("Vous faites déjà partie de ce collectif."), code="already_member",
                          status=409)
    membership = Membership.objects.create(user=user, collective=invitation.collective,
                                           role=invitation.role)
    invitation.accepted_at, invitation.accepted_by = timezone.now(), user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return membership


@transaction.atomic
def invitation_accept(*, token, user):
    """Make the person a member of the invitation's collective with the invited role.

    The person may have another address than the invited one: holding the link is
    what counts. Return the new membership.
    """
    invitation = _locked_invitation(token)
    invitation_check(invitation)
    return _accept(invitation, user)


@transaction.atomic
def invitation_accept_with_new_account(*, token, first_name, last_name, password):
    """Create an account for the invited address and accept the invitation with it.

    The link reached that mailbox, so the address is known to be theirs. Return
    the new membership; its user is the new account.
    """
    invitation = _locked_invitation(token)
    invitation_check(invitation)
    if User.objects.filter(email__iexact=invitation.email).exists():
        raise DomainError(_("Un compte existe déjà avec cette adresse e-mail : connectez-vous "
                            "pour accepter l'invitation."), code="account_exists", status=409)
    user = User.objects.create_user(email=invitation.email, password=password,
                                    first_name=first_name, last_name=last_name)
    return _accept(invitation, user)


def is_last_facilitator(membership):
    """Return whether the membership is the collective's only facilitator."""
    return membership.role == Membership.Role.FACILITATOR and not Membership.objects.filter(
        collective_id=membership.collective_id, role=Membership.Role.FACILITATOR,
    ).exclude(pk=membership.pk).exists()


def _locked_membership(membership):
    _lock_collective(membership.collective)
    return Membership.objects.select_for_update().get(pk=membership.pk)


@transaction.atomic
def membership_leave(*, membership):
    """Leave the collective; its last facilitator may not."""
    membership = _locked_membership(membership)
    if is_last_facilitator(membership):
        raise _last_facilitator_error()
    membership.delete()


@transaction.atomic
def membership_remove(*, membership, by):
    """Remove a person from the collective; its last facilitator may not be removed."""
    membership = _locked_membership(membership)
    if is_last_facilitator(membership):
        raise _last_facilitator_error()
    membership.delete()


@transaction.atomic
def membership_set_role(*, membership, role, by):
    """Make a person facilitator or member; the last facilitator stays one."""
    _check_role(role)
    membership = _locked_membership(membership)
    if role != Membership.Role.FACILITATOR and is_last_facilitator(membership):
        raise _last_facilitator_error()
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def collective_actor_add(*, collective, actor, family):
    """Make an actor of one of the collective's territories a member actor, with its family."""
    if family not in CollectiveActor.Family.values:
        raise DomainError(_("Famille d'acteurs inconnue."), code="invalid_family")
    if not collective.clusters.filter(territory_id=actor.territory_id).exists():
        raise DomainError(_("Cet acteur n'est pas sur le territoire d'un cluster du collectif."),
                          code="foreign_actor")
    if collective.actor_links.filter(actor=actor).exists():
        raise DomainError(_("Cet acteur fait déjà partie du collectif."), code="duplicate",
                          status=409)
    return CollectiveActor.objects.create(collective=collective, actor=actor, family=family)


def collective_actor_remove(*, link):
    """Remove an actor from the collective; the actor stays on the territory's map."""
    link.delete()
