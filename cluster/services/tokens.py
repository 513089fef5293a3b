"""API tokens: create one with its scope and lifetime, revoke it."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from knox.models import AuthToken

from cluster.errors import DomainError
from cluster.models import ApiTokenScope, User
from cluster.token_models import LABEL_MAX_LENGTH

API_TOKEN_LIFETIMES_DAYS = (30, 90, 365)
MAX_ACTIVE_API_TOKENS = 10


@transaction.atomic
def api_token_create(*, user, lifetime_days, label="", read_only=False, collective=None,
                     funder=None):
    """Create an API token for the user; return the row and the secret, shown only once.

    The token reads only, or reads and writes; it reaches everything the person reaches, or
    only one of their collectives (`collective`), or only the dossiers of one of the funders
    they review for (`funder`).
    """
    label = label.strip()
    if len(label) > LABEL_MAX_LENGTH or "\x00" in label:
        raise DomainError(
            _("Le nom du jeton tient en %(max)s caractères, sans caractère nul.")
            % {"max": LABEL_MAX_LENGTH}, code="invalid_label")
    if collective is not None and funder is not None:
        raise DomainError(_("Un jeton se limite à un collectif ou à un financeur, pas aux deux."),
                          code="invalid_scope")
    if collective is not None and not user.memberships.filter(collective=collective).exists():
        raise DomainError(_("Vous ne pouvez limiter un jeton qu'à un collectif dont vous "
                            "êtes membre."), code="invalid_scope")
    if funder is not None and not user.funder_memberships.filter(funder=funder).exists():
        raise DomainError(_("Vous ne pouvez limiter un jeton qu'à un financeur pour lequel "
                            "vous instruisez."), code="invalid_scope")
    if lifetime_days not in API_TOKEN_LIFETIMES_DAYS:
        raise DomainError(
            _("Durée de validité non proposée : choisissez 30, 90 ou 365 jours."),
            code="invalid_lifetime",
        )
    if not user.is_active:
        raise DomainError(_("Un compte désactivé ne peut pas créer de jeton."), code="inactive")
    # Lock the person's row so two simultaneous requests cannot both pass the cap.
    User.objects.select_for_update().filter(pk=user.pk).first()
    # Expired tokens open nothing: drop them here (the authentication no longer sweeps them
    # on every request) so that they never count against the cap.
    user.auth_token_set.filter(expiry__lt=timezone.now()).delete()
    if user.auth_token_set.count() >= MAX_ACTIVE_API_TOKENS:
        raise DomainError(
            _("Vous avez déjà %(count)s jetons : révoquez-en un avant d'en créer un autre.")
            % {"count": MAX_ACTIVE_API_TOKENS},
            code="too_many_tokens",
            status=409,
        )
    token, secret = AuthToken.objects.create(user=user, expiry=timedelta(days=lifetime_days))
    limit = (ApiTokenScope.Limit.COLLECTIVE if collective is not None
             else ApiTokenScope.Limit.FUNDER if funder is not None else ApiTokenScope.Limit.NONE)
    token.api_scope = ApiTokenScope.objects.create(
        token=token, label=label, read_only=read_only, limit=limit, collective=collective,
        funder=funder)
    return token, secret


def api_token_revoke(*, token):
    """Revoke the token: every client using it is refused from now on."""
    token.delete()
