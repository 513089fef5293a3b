"""One search over everything the platform shows: actors, places, territories, and the
kinds that higher apps register (projects, events, funding sources, calls).

The engine switch lives here and only here:

* on PostgreSQL, French full-text search: `unaccent` (migration 0004), French
  stemming ("réparer" finds "réparation"), ranked by `SearchRank` with the name
  weighted A, the themes B and the description C; actors, places, projects and funding
  sources read a stored `search_document` with a GIN index, kept by database triggers
  (so bulk imports keep it current: territories/search_documents.py); the small kinds
  (territories, events, calls) compute it per row;
* on SQLite, the embedded default, a documented fallback: every word must appear,
  accents and case aside (SQLite learns `unaccent` from `register_sqlite_functions`,
  connected when the app is ready), in the name, a theme or the description; results
  are ranked by where they matched: name (3) > theme (2) > description (1), then by name.

Gathering from higher apps without importing them: a kind of result is a `SearchKind`
in a registry. This module registers the territories' own kinds; `projects/apps.py` and
`funding/apps.py` call `register_search_kind()` from their `AppConfig.ready()`, so the
arrows still point down. Each kind reads its rows through the access object of its app
(`visible_items`, `visible_projects`, `visible_calls`…): a search never shows what the
person may not read.

Every search runs a fixed number of queries whatever the data: per kind, one count and
one page, plus one for the themes of the page's rows. Counts stop at COUNT_CAP ("plus de
1 000"), and on PostgreSQL a broad query ranks a bounded set of its matches (`_candidates`).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import reduce
from operator import and_, or_

from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Case, Exists, F, Func, OuterRef, Prefetch, Q, TextField, Value, When
from django.db.models.functions import Coalesce, Lower
from django.utils.formats import number_format
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from territories.highlight import excerpt, highlight, matches, search_pattern, strip_accents
from territories.models import Actor, Place, Theme
from territories.permissions import visible_items, visible_territories

MAX_QUERY_LENGTH = 200
MAX_WORDS = 10
PREVIEW_SIZE = 5  # rows per kind when every kind is shown
PAGE_SIZE = 20  # rows per page when one kind is shown
# Beyond this many matches a kind is counted as "plus de 1 000" and paged no further: a
# count or a ranking never reads every match of a broad query ("compost" among 50,000).
COUNT_CAP = 1000

__all__ = ["strip_accents", "search", "register_search_kind", "search_kinds"]


def register_sqlite_functions(sender, connection, **kwargs):
    """Teach each new SQLite connection `unaccent(text)`, as PostgreSQL's extension does."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("unaccent", 1, strip_accents, deterministic=True)


class Unaccent(Func):
    function = "unaccent"
    output_field = TextField()


@dataclass(frozen=True)
class SearchKind:
    """A kind of result: where its rows come from and what of them is searched."""

    key: str  # in the URL: ?type=acteurs
    label: str  # "Acteurs"
    rows: Callable  # rows(user) -> the queryset of rows the person may read
    name_field: str = "name"
    text_field: str = "description"  # the text an excerpt is taken from, if any
    themes_field: str = ""  # a many-to-many to Theme, if any
    territory_path: str = ""  # how a row leads to its territory; "" if it has none
    url: Callable = lambda item: item.get_absolute_url()
    context: Callable = lambda item: ""  # a short line under the name
    select_related: tuple = ()
    order: int = 100
    # A stored tsvector kept by the database (territories/search_documents.py), read on
    # PostgreSQL instead of a vector computed per row; "" if the kind has none.
    document_field: str = ""

    @property
    def fields(self):
        fields = [(self.name_field, "A")]
        if self.themes_field:
            fields.append((f"{self.themes_field}__name", "B"))
        if self.text_field:
            fields.append((self.text_field, "C"))
        return fields


_KINDS = {}


def register_search_kind(kind):
    _KINDS[kind.key] = kind


def search_kinds():
    """Return the registered kinds, in the order the page shows them."""
    return sorted(_KINDS.values(), key=lambda kind: (kind.order, kind.key))


@dataclass
class Hit:
    item: object
    name: str
    url: str
    context: str
    reason: str  # "nom", "thème", "description"
    detail: str = ""  # the highlighted name, theme(s) or excerpt


class CappedPaginator(Paginator):
    """A paginator that counts up to COUNT_CAP rows: `capped` says there are more.

    It counts `matching` (the rows found, unranked) when given, else the rows it pages."""

    def __init__(self, object_list, per_page, matching=None):
        super().__init__(object_list, per_page)
        self.matching = object_list if matching is None else matching

    @cached_property
    def matches(self):
        return self.matching.order_by().values("pk")[:COUNT_CAP + 1].count()

    @property
    def capped(self):
        return self.matches > COUNT_CAP

    @cached_property
    def count(self):
        return min(self.matches, COUNT_CAP)


def count_label(count, capped=False):
    """Return a count as the page shows it: "plus de 1 000" beyond the cap."""
    if capped:
        return _("plus de %(count)s") % {"count": number_format(count, force_grouping=True)}
    return number_format(count, force_grouping=True)


@dataclass
class KindResults:
    kind: SearchKind
    page: object  # a Django Page of a CappedPaginator
    hits: list = field(default_factory=list)

    @property
    def count(self):
        return self.page.paginator.count

    @property
    def capped(self):
        return self.page.paginator.capped

    @property
    def count_label(self):
        return count_label(self.count, self.capped)


# Engines: each returns the rows ranked, and the rows matching (unranked, for the count) --

def _related(queryset, path):
    """Return the related rows of `path` ("themes__name") for each row, and the column name."""
    relation, column = path.split("__")
    model_field = queryset.model._meta.get_field(relation)
    rows = model_field.related_model.objects.filter(
        **{model_field.related_query_name(): OuterRef("pk")})
    return rows, column


def _postgres(queryset, query, kind):
    from django.contrib.postgres.expressions import ArraySubquery
    from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

    def text(name):
        if "__" in name:  # the names of related rows, joined: one row per result, no JOIN
            rows, column = _related(queryset, name)
            return Func(ArraySubquery(rows.values(column)), Value(" "),
                        function="array_to_string", output_field=TextField())
        return Coalesce(F(name), Value(""), output_field=TextField())

    vector = F(kind.document_field) if kind.document_field else reduce(
        lambda left, right: left + right,
        (SearchVector(Unaccent(text(name)), weight=weight, config="french")
         for name, weight in kind.fields),
    )
    search_query = SearchQuery(strip_accents(query), config="french", search_type="websearch")
    matching = queryset.alias(document=vector).filter(document=search_query)
    ranked = matching
    if kind.document_field:
        ranked = ranked.filter(_candidates(queryset, search_query, kind)).defer(
            kind.document_field)
    ranked = ranked.annotate(rank=SearchRank(vector, search_query)).order_by(
        "-rank", kind.name_field, "pk")
    return ranked, matching


def _candidates(queryset, search_query, kind):
    """Return the condition that bounds the rows ranked to at most 2 × COUNT_CAP.

    A query matching a few hundred rows ranks them all. A broad one (a word in most
    descriptions) would rank tens of thousands: it ranks the first COUNT_CAP rows whose
    name matches (the name is weight A, found by its own GIN index on
    `ts_filter(document, '{a}')`) with the first COUNT_CAP rows matching anywhere, so
    that name matches still come first, and it is counted as "plus de 1 000".
    """
    from django.contrib.postgres.search import SearchVectorField

    name_document = Func(F(kind.document_field), template="ts_filter(%(expressions)s, '{a}')",
                         output_field=SearchVectorField())
    rows = queryset.order_by().values("pk")
    by_name = rows.alias(name_document=name_document).filter(name_document=search_query)
    anywhere = rows.filter(**{kind.document_field: search_query})
    # One more than the cap, so that a broad query is known to be one. A UNION, so that
    # the rows are then read by their primary key, not by a scan of the whole table.
    return Q(pk__in=by_name[:COUNT_CAP].union(anywhere[:COUNT_CAP + 1]))


def _fallback(queryset, query, kind):
    words = [strip_accents(word) for word in query.split()]
    own = [name for name, _weight in kind.fields if "__" not in name]
    related = [_related(queryset, name) for name, _weight in kind.fields if "__" in name]
    # unaccent() leaves ASCII for French text, which SQLite's LIKE compares without case.
    queryset = queryset.annotate(**{f"plain_{name}": Unaccent(F(name)) for name in own})

    def in_field(name, word):
        return Q(**{f"plain_{name}__icontains": word})

    def in_related(word):
        return [Exists(rows.annotate(plain=Unaccent(F(column))).filter(plain__icontains=word))
                for rows, column in related]

    def anywhere(word):
        return reduce(or_, [in_field(name, word) for name in own] + in_related(word))

    in_name = reduce(and_, (in_field(kind.name_field, word) for word in words))
    ranks = [When(in_name, then=Value(3))]
    if related:
        ranks.append(When(reduce(or_, [c for word in words for c in in_related(word)]),
                          then=Value(2)))
    ranked = (queryset.filter(reduce(and_, (anywhere(word) for word in words)))
              .annotate(rank=Case(*ranks, default=Value(1)))
              .order_by("-rank", Lower(f"plain_{kind.name_field}"), "pk"))
    return ranked, ranked


def clean_query(query):
    """Return the query on one line, without control characters (a NUL byte breaks
    PostgreSQL), bounded to MAX_QUERY_LENGTH characters and MAX_WORDS words."""
    query = "".join(char if char.isprintable() else " " for char in query or "")
    return " ".join(query.split()[:MAX_WORDS])[:MAX_QUERY_LENGTH].strip()


# Why each row matched ------------------------------------------------------------------

def _hit(kind, item, pattern):
    name = getattr(item, kind.name_field) or ""
    base = {"item": item, "name": name, "url": kind.url(item), "context": kind.context(item)}
    if matches(name, pattern):
        return Hit(**base, reason="name", detail=highlight(name, pattern))
    themes = [theme.name for theme in getattr(item, "search_themes", [])
              if matches(theme.name, pattern)]
    if themes:
        return Hit(**base, reason="theme",
                   detail=highlight(", ".join(themes), pattern))
    text = getattr(item, kind.text_field, "") if kind.text_field else ""
    return Hit(**base, reason="description", detail=excerpt(text or "", pattern) or "")


# The search ----------------------------------------------------------------------------

def search(*, user, query, kind=None, territory=None, page=1):
    """Return, per kind the person may search, the page of rows matching the query.

    `kind` (a key) shows one kind, PAGE_SIZE rows a page; without it every kind shows
    its first PREVIEW_SIZE rows. `territory` keeps the rows of one territory (kinds
    without a territory are then left out). Counts are always given for every kind.
    """
    query = clean_query(query)
    if len(query) < 2:
        return []
    engine = _postgres if connection.vendor == "postgresql" else _fallback
    pattern = search_pattern(query.split())
    results = []
    for each in search_kinds():
        if territory is not None and not each.territory_path:
            continue
        rows = each.rows(user).select_related(*each.select_related)
        if territory is not None:
            rows = rows.filter(**{each.territory_path: territory.pk})
        if each.themes_field:
            rows = rows.prefetch_related(Prefetch(each.themes_field, to_attr="search_themes",
                                                  queryset=Theme.objects.order_by("name")))
        ranked, matching = engine(rows, query, each)
        size = PAGE_SIZE if kind == each.key else PREVIEW_SIZE
        number = page if kind == each.key else 1
        found = CappedPaginator(ranked, size, matching=matching).get_page(number)
        hits = [_hit(each, item, pattern) for item in found] if kind in (None, each.key) else []
        results.append(KindResults(kind=each, page=found, hits=hits))
    return results


def _territory_name(item):
    return item.territory.name


register_search_kind(SearchKind(
    key="acteurs", label=_("Acteurs"), order=10,
    rows=lambda user: visible_items(user, Actor.objects.all()),
    themes_field="themes", territory_path="territory", context=_territory_name,
    select_related=("territory",), document_field="search_document"))
register_search_kind(SearchKind(
    key="lieux", label=_("Lieux"), order=30,
    rows=lambda user: visible_items(user, Place.objects.all()),
    territory_path="territory", context=_territory_name, select_related=("territory",),
    document_field="search_document"))
register_search_kind(SearchKind(
    key="territoires", label=_("Territoires"), order=60,
    rows=visible_territories, text_field="summary", territory_path="pk"))
