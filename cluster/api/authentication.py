"""The API's one token authentication: knox tokens sent as `Token <jeton>` or
`Bearer <jeton>`, with their scope (read-only, limited to a collective or a funder).

knox keeps the secret and its digest; this class reads the header, refuses a read-only
token any write (403 `read_only_token`), records the last use at most once a minute, and
hangs the token's scope on the request's user (`user.token_scope`) for the access helpers
(territories.token_scope.narrow_to_token_scope).
"""

import binascii
from datetime import timedelta
from hmac import compare_digest

from django.core.exceptions import ObjectDoesNotExist
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from knox.auth import TokenAuthentication
from knox.crypto import hash_token
from knox.models import AuthToken
from knox.settings import CONSTANTS
from rest_framework import exceptions
from rest_framework.authentication import get_authorization_header
from rest_framework.permissions import SAFE_METHODS

from cluster.token_models import ApiTokenScope

# The keywords accepted before the token, whatever their case: generated clients send Bearer.
KEYWORDS = (b"token", b"bearer")
# The last use is written at most this often per token: one UPDATE, not one per request.
LAST_USE_PRECISION = timedelta(minutes=1)

AUTHENTICATION_REQUIRED = _("Authentification requise : envoyez l'en-tête Authorization: "
                            "Token <jeton> (ou Bearer <jeton>).")
UNKNOWN_HEADER = _("En-tête Authorization non reconnu : envoyez Authorization: Token <jeton> "
                   "(ou Bearer <jeton>).")
INVALID_TOKEN = _("Jeton invalide, expiré ou révoqué : envoyez l'en-tête Authorization: "
                  "Token <jeton> (ou Bearer <jeton>) avec un jeton valide, créé depuis votre "
                  "page Profil.")
READ_ONLY_TOKEN = _("Ce jeton est en lecture seule : il ne modifie rien. Créez un jeton en "
                    "lecture et écriture depuis votre page Profil.")


class ApiTokenAuthentication(TokenAuthentication):
    """knox's token authentication, with both keywords, scopes and the date of last use."""

    def authenticate(self, request):
        header = get_authorization_header(request).split()
        if not header:
            return None
        if header[0].lower() not in KEYWORDS or len(header) != 2:
            raise exceptions.AuthenticationFailed(UNKNOWN_HEADER, code="invalid_header")
        user, token = self.authenticate_credentials(header[1])
        try:
            scope = token.api_scope
        except ObjectDoesNotExist:  # made before scopes, or by knox directly: no limit
            scope = None
        scope = self.record_use(token, scope)
        user.token_scope = scope
        if scope.read_only and request.method not in SAFE_METHODS:
            raise exceptions.PermissionDenied(READ_ONLY_TOKEN, code="read_only_token")
        return user, token

    def authenticate_credentials(self, token):
        """Return the person and the token, reading its scope in the same query."""
        try:
            token = token.decode()
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(INVALID_TOKEN, code="invalid_token") from None
        candidates = AuthToken.objects.filter(
            token_key=token[:CONSTANTS.TOKEN_KEY_LENGTH]).select_related("user", "api_scope")
        for auth_token in candidates:
            if self._cleanup_token(auth_token):
                continue
            try:
                digest = hash_token(token)
            except (TypeError, binascii.Error):
                break
            if compare_digest(digest, auth_token.digest):
                return self.validate_user(auth_token)
        raise exceptions.AuthenticationFailed(INVALID_TOKEN, code="invalid_token")

    def validate_user(self, auth_token):
        if not auth_token.user.is_active:
            raise exceptions.AuthenticationFailed(INVALID_TOKEN, code="invalid_token")
        return auth_token.user, auth_token

    def _cleanup_token(self, auth_token):
        """Delete the token if it has expired and say so.

        knox also sweeps the owner's other expired tokens here, one more query on every
        request; api_token_create does that instead, when the person makes a token.
        """
        if auth_token.expiry is not None and auth_token.expiry < timezone.now():
            auth_token.delete()
            return True
        return False

    def record_use(self, token, scope):
        """Write the date of use when the last one is a minute old or more; return the scope
        (created, read-write without limit, for a token that had none)."""
        now = timezone.now()
        if scope is None:
            scope = ApiTokenScope(token=token, last_used_at=now)
            ApiTokenScope.objects.bulk_create([scope], ignore_conflicts=True)
        elif scope.last_used_at is None or now - scope.last_used_at >= LAST_USE_PRECISION:
            ApiTokenScope.objects.filter(pk=scope.pk).update(last_used_at=now)
            scope.last_used_at = now
        return scope

    def authenticate_header(self, request):
        return 'Token realm="api"'


def authentication_required(exc):
    """Say in a 401 which header the API expects (for cluster.api.exceptions)."""
    exc.detail = exceptions.ErrorDetail(str(AUTHENTICATION_REQUIRED), code="not_authenticated")
    return exc


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """Document both ways to send a token: `Token <jeton>` and `Bearer <jeton>`."""

    target_class = ApiTokenAuthentication
    name = ["tokenAuth", "bearerAuth"]

    def get_security_requirement(self, auto_schema):
        return [{"tokenAuth": []}, {"bearerAuth": []}]

    def get_security_definition(self, auto_schema):
        return [
            {"type": "apiKey", "in": "header", "name": "Authorization",
             "description": str(_("Jeton créé depuis la page Profil, précédé de « Token » : "
                                  "`Authorization: Token <jeton>`."))},
            {"type": "http", "scheme": "bearer",
             "description": str(_("Le même jeton, précédé de « Bearer » : "
                                  "`Authorization: Bearer <jeton>`."))},
        ]
