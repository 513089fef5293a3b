from django.conf import settings
from django.utils import translation


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
