"""The projects and events the search finds (see territories/search.py)."""

from django.utils.translation import gettext_lazy as _

from projects.permissions import visible_events, visible_projects
from territories.search import SearchKind, register_search_kind


def _territory_name(item):
    return item.cluster.territory.name


def register_search_kinds():
    register_search_kind(SearchKind(
        key="projets", label=_("Projets"), order=20, rows=visible_projects,
        name_field="title", text_field="summary", themes_field="themes",
        territory_path="cluster__territory", context=_territory_name,
        select_related=("cluster__territory",), document_field="search_document"))
    register_search_kind(SearchKind(
        key="evenements", label=_("Évènements"), order=40, rows=visible_events,
        name_field="title", text_field="programme",
        territory_path="cluster__territory", context=_territory_name,
        select_related=("cluster__territory",)))
