"""One search over actors, places and territories.

On PostgreSQL: French full-text search (unaccent, French stemming, ranked, name
weighted above description). On SQLite, the embedded default: every word must
appear in the name or the description, names first.
"""

import unicodedata
from functools import reduce
from operator import and_

from django.db import connection
from django.db.models import Case, F, Func, Q, TextField, Value, When
from django.db.models.functions import Coalesce

from territories.models import Actor, Place
from territories.permissions import visible_items, visible_territories

MAX_RESULTS = 20


def strip_accents(text):
    text = unicodedata.normalize("NFKD", text)
    return "".join(char for char in text if not unicodedata.combining(char))


def _postgres(queryset, query, fields):
    from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

    def unaccented(name):
        return Func(Coalesce(F(name), Value(""), output_field=TextField()),
                    function="unaccent", output_field=TextField())

    vector = reduce(
        lambda left, right: left + right,
        (SearchVector(unaccented(name), weight=weight, config="french")
         for name, weight in fields),
    )
    search_query = SearchQuery(strip_accents(query), config="french", search_type="websearch")
    return (queryset.annotate(document=vector, rank=SearchRank(vector, search_query))
            .filter(document=search_query).order_by("-rank", "name"))


def _fallback(queryset, query, fields):
    words = query.split()
    if not words:
        return queryset.none()
    names = [name for name, _weight in fields]
    matches = [reduce(lambda left, right: left | right,
                      (Q(**{f"{name}__icontains": word}) for name in names)) for word in words]
    in_name = reduce(and_, (Q(name__icontains=word) for word in words))
    return (queryset.filter(reduce(and_, matches))
            .annotate(rank=Case(When(in_name, then=Value(1.0)), default=Value(0.5)))
            .order_by("-rank", "name"))


def search(*, user, query):
    """Return the actors, places and territories matching the query that the person may see."""
    query = " ".join(query.split())[:200]
    if len(query) < 2:
        return {"actors": [], "places": [], "territories": []}
    rank = _postgres if connection.vendor == "postgresql" else _fallback
    fields = [("name", "A"), ("description", "B")]
    return {
        "actors": list(rank(visible_items(user, Actor.objects.select_related("territory")),
                            query, fields)[:MAX_RESULTS]),
        "places": list(rank(visible_items(user, Place.objects.select_related("territory")),
                            query, fields)[:MAX_RESULTS]),
        "territories": list(rank(visible_territories(user), query,
                                 [("name", "A"), ("summary", "B")])[:MAX_RESULTS]),
    }
