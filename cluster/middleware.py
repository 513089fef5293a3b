import logging

from django.conf import settings
from django.db import InterfaceError, OperationalError, connections
from django.db.models import ProtectedError, RestrictedError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from cluster.api.parsers import NULL_CHARACTER
from cluster.errors import deletion_blocked_message

logger = logging.getLogger(__name__)


class LanguageMiddleware:
    """Activate French unless the person chose another language with the switch.

    Pages ignore the browser's Accept-Language so that a French platform reads
    in French by default; the switch stores the choice in Django's language
    cookie. API clients, which rarely keep cookies, may ask for English with
    Accept-Language.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        supported = dict(settings.LANGUAGES)
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in supported:
            language = settings.LANGUAGE_CODE
            if request.path_info.startswith("/api/"):
                language = translation.get_language_from_request(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


# Faults survived: the database is unreachable -------------------------------------------

_DATABASE_DOWN = (OperationalError, InterfaceError)


def service_unavailable(request):
    """Answer 503, as JSON under /api/, as a short French page elsewhere.

    Nothing here touches the database: no session, no user, no context processors.
    """
    detail = _("Service momentanément indisponible. Réessayez dans quelques instants.")
    if request.path_info.startswith("/api/"):
        response = JsonResponse({"detail": str(detail), "code": "unavailable"}, status=503)
    else:
        response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = "30"
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """Turn a lost database into a clean 503 instead of a 500.

    The broken connection is closed at once, so the next request opens a new one
    as soon as the database is back (CONN_HEALTH_CHECKS checks kept connections too).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, _DATABASE_DOWN):
            return None
        logger.error("Base de données injoignable : %s", exception)
        for connection in connections.all(initialized_only=True):
            connection.close_if_unusable_or_obsolete()
        return service_unavailable(request)


# Hostile input ------------------------------------------------------------------------------

def _strings_of(request):
    yield request.path_info
    for key, values in request.GET.lists():
        yield key
        yield from values
    # The API's bodies are checked by its parsers (cluster.api.parsers), in its error shape.
    if request.method == "POST" and not request.path_info.startswith("/api/"):
        for key, values in request.POST.lists():
            yield key
            yield from values
        for upload in request.FILES.values():
            yield upload.name


class NullCharacterMiddleware:
    """Answer 400 to a NUL character in the address, its query string or a posted form.

    PostgreSQL can neither store nor compare a string holding one (a 500 otherwise, from
    any filter or slug lookup), and no person types one.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if any("\x00" in value for value in _strings_of(request)):
            if request.path_info.startswith("/api/"):
                return JsonResponse({"detail": str(NULL_CHARACTER), "code": "null_character"},
                                    status=400)
            return render(request, "400.html", {"message": NULL_CHARACTER}, status=400)
        return self.get_response(request)


class DeletionBlockedMiddleware:
    """Show a French page naming what still depends on a row the database refused to delete.

    The API answers the same refusal with a 409 in its own error shape
    (cluster.api.exceptions); pages get here.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, (ProtectedError, RestrictedError)):
            return None
        back = request.headers.get("Referer")
        if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()},
                                               require_https=request.is_secure()):
            back = None
        return render(request, "409.html", {"message": deletion_blocked_message(exception),
                                            "back": back}, status=409)
