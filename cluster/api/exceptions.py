"""One shape for every API error: `{"detail": "…", "code": "…"}`, in the request's language."""

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.db.models import ProtectedError, RestrictedError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from cluster.api.authentication import authentication_required
from cluster.errors import DomainError, deletion_blocked_message


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        return Response({"detail": exc.message, "code": exc.code}, status=exc.status)
    if isinstance(exc, (ProtectedError, RestrictedError)):
        return error_response(deletion_blocked_message(exc), "protected",
                              status.HTTP_409_CONFLICT)
    if isinstance(exc, RequestDataTooBig):
        return error_response(
            _("Le corps de la requête dépasse %(size)s octets.")
            % {"size": settings.DATA_UPLOAD_MAX_MEMORY_SIZE}, "too_large",
            status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
    if isinstance(exc, SuspiciousOperation):  # too many fields or files, for instance
        return error_response(_("La requête envoyée n'a pas pu être comprise."), "bad_request")
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        # The access objects' messages say who may do it: keep them (DRF's generic one else).
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, exceptions.NotAuthenticated):
        exc = authentication_required(exc)

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = {
            "detail": _first_general_error(exc.detail)
            or _("Les données envoyées ne sont pas valides."),
            "code": "invalid",
            "errors": exc.detail,
        }
    else:
        codes = exc.get_codes() if isinstance(exc, exceptions.APIException) else None
        response.data = {
            "detail": str(getattr(exc, "detail", _("Erreur."))),
            "code": codes if isinstance(codes, str) else "error",
        }
    return response


def _first_general_error(detail):
    """Return the first error that concerns no single field, the one a client shows as is."""
    if isinstance(detail, list):
        general = detail
    elif isinstance(detail, dict):
        general = detail.get("non_field_errors", [])
    else:
        general = [detail]
    return str(general[0]) if general else None


def error_response(detail, code, status_code=status.HTTP_400_BAD_REQUEST):
    return Response({"detail": detail, "code": code}, status=status_code)
