import logging

from django.conf import settings
from django.db import InterfaceError, OperationalError, connections
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

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
