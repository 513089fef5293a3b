"""The API guide: how a funder's or a collective's developer uses the API, in French or in
English. The prose is long and written per language (one template each); the code does not
change with the language."""

from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from territories.breadcrumbs import trail

GUIDE_LANGUAGES = ("fr", "en")


def api_guide(request):
    """The API guide, for everybody: tokens, pagination, filters, errors, webhooks and a
    generated client driving the funder's review."""
    language = (get_language() or "fr")[:2]
    if language not in GUIDE_LANGUAGES:
        language = "fr"
    return render(request, f"cluster/api_guide/{language}.html", {
        "breadcrumbs": trail(_("Guide de l'API")),
        "api_root": request.build_absolute_uri("/api/"),
        "site_root": request.build_absolute_uri("/").rstrip("/"),
    })
