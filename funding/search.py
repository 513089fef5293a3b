"""The funding sources and calls the search finds (see territories/search.py).

Neither belongs to a territory: a search narrowed to one territory leaves them out.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from funding.models import FundingSource
from funding.permissions import visible_calls
from territories.search import SearchKind, register_search_kind


def _funder_name(item):
    return item.funder.name


def register_search_kinds():
    # The catalogue of sources is public (funding:source_list).
    register_search_kind(SearchKind(
        key="financements", label=_("Sources de financement"), order=50,
        rows=lambda user: FundingSource.objects.all(), themes_field="themes",
        url=lambda source: reverse("funding:source_detail", args=[source.slug]),
        context=_funder_name, select_related=("funder",), document_field="search_document"))
    register_search_kind(SearchKind(
        key="appels", label=_("Appels"), order=55, rows=lambda user: visible_calls(user),
        name_field="title", context=_funder_name, select_related=("funder",)))
