"""Collectives: invitations, memberships and member actors."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from cluster.errors import DomainError
from cluster.models import Collective, CollectiveActor, Invitation, Membership, User
from cluster.services.invitations import (
    COLLECTIVE_WORDS,
    invitation_cancel,
    invitation_mark_accepted,
    invitation_open,
    invitation_renew,
    locked_invitation,
)
from cluster.services.invitations import invitation_check as _invitation_check
from territories.links import absolute_reverse
from territories.outbox import enqueue


def _last_facilitator_error():
    return DomainError(_("Le collectif a besoin d'au moins un·e animateur·rice : nommez "
                         "d'abord une autre personne animateur·rice."),
                       code="last_facilitator", status=409)


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
    invitation, secret = invitation_open(Invitation, invitations=collective.invitations,
                                         email=email, by=by, collective=collective, role=role)
    _send_invitation_email(invitation, secret, by)
    return invitation, secret


@transaction.atomic
def invitation_resend(*, invitation, by):
    """Send the invitation again with a fresh secret and expiry: the previous link stops working.

    Return the invitation and its new secret.
    """
    _lock_collective(invitation.collective)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    secret = invitation_renew(invitation, by=by, members=invitation.collective.memberships,
                              member_message=_("Cette personne fait déjà partie du collectif."))
    _send_invitation_email(invitation, secret, by)
    return invitation, secret


@transaction.atomic
def invitation_revoke(*, invitation, by):
    """Cancel an invitation not yet accepted: its link stops working."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    return invitation_cancel(invitation, accepted_message=_(
        "Cette invitation a déjà été acceptée : retirez plutôt la personne du collectif."))


def invitation_check(invitation, now=None):
    """Raise the DomainError that says why the invitation can no longer be accepted, if so."""
    _invitation_check(invitation, words=COLLECTIVE_WORDS, now=now)


def _locked_invitation(token):
    return locked_invitation(Invitation, token, "collective")


def _accept(invitation, user):
    if not user.is_active:
        raise DomainError(_("Ce compte est désactivé."), code="inactive")
    _lock_collective(invitation.collective)
    if invitation.collective.memberships.filter(user=user).exists():
        raise DomainError(_("Vous faites déjà partie de ce collectif."), code="already_member",
                          status=409)
    membership = Membership.objects.create(user=user, collective=invitation.collective,
                                           role=invitation.role)
    invitation_mark_accepted(invitation, user)
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
