"""One search over actors, places and territories.

On PostgreSQL: French full-text search (unaccent, French stemming, ranked, name
weighted above description and themes). On SQLite, the embedded default: every
word must appear in the name, the description or a theme's name, accents and
case aside, names first. SQLite learns `unaccent` from `register_sqlite_functions`,
connected when the app is ready.
"""

import unicodedata
from functools import reduce
from operator import and_, or_

from django.db import connection
from django.db.models import Case, Exists, F, Func, OuterRef, Q, TextField, Value, When
from django.db.models.functions import Coalesce, Lower

from territories.models import Actor, Place
from territories.permissions import visible_items, visible_territories

MAX_RESULTS = 20

# What PostgreSQL's unaccent also undoes and Unicode decomposition leaves alone.
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss"})


def strip_accents(text):
    """Return the text without accents or ligatures ("Cœur d'Hérault" → "Coeur d'Herault")."""
    if text is None:
        return None
    text = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
    return "".join(char for char in text if not unicodedata.combining(char))


def register_sqlite_functions(sender, connection, **kwargs):
    """Teach each new SQLite connection `unaccent(text)`, as PostgreSQL's extension does."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("unaccent", 1, strip_accents, deterministic=True)


class Unaccent(Func):
    function = "unaccent"
    output_field = TextField()


def _related(queryset, path):
    """Return the related rows of `path` ("themes__name") for each row, and the column name."""
    relation, column = path.split("__")
    field = queryset.model._meta.get_field(relation)
    rows = field.related_model.objects.filter(**{field.related_query_name(): OuterRef("pk")})
    return rows, column


def _postgres(queryset, query, fields):
    from django.contrib.postgres.expressions import ArraySubquery
    from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

    def text(name):
        if "__" in name:  # the names of related rows, joined: one row per result, no JOIN
            rows, column = _related(queryset, name)
            return Func(ArraySubquery(rows.values(column)), Value(" "),
                        function="array_to_string", output_field=TextField())
        return Coalesce(F(name), Value(""), output_field=TextField())

    vector = reduce(
        lambda left, right: left + right,
        (SearchVector(Unaccent(text(name)), weight=weight, config="french")
         for name, weight in fields),
    )
    search_query = SearchQuery(strip_accents(query), config="french", search_type="websearch")
    return (queryset.annotate(document=vector, rank=SearchRank(vector, search_query))
            .filter(document=search_query).order_by("-rank", "name"))


def _fallback(queryset, query, fields):
    words = [strip_accents(word) for word in query.split()]
    if not words:
        return queryset.none()
    own = [name for name, _weight in fields if "__" not in name]
    related = [_related(queryset, name) for name, _weight in fields if "__" in name]
    # unaccent() leaves ASCII for French text, which SQLite's LIKE compares without case.
    queryset = queryset.annotate(**{f"plain_{name}": Unaccent(F(name)) for name in own})

    def matches(word):
        conditions = [Q(**{f"plain_{name}__icontains": word}) for name in own]
        conditions += [Exists(rows.annotate(plain=Unaccent(F(column)))
                              .filter(plain__icontains=word)) for rows, column in related]
        return reduce(or_, conditions)

    in_name = reduce(and_, (Q(plain_name__icontains=word) for word in words))
    return (queryset.filter(reduce(and_, (matches(word) for word in words)))
            .annotate(rank=Case(When(in_name, then=Value(1.0)), default=Value(0.5)))
            .order_by("-rank", Lower("plain_name"), "pk"))


def search(*, user, query):
    """Return the actors, places and territories matching the query that the person may see."""
    query = " ".join(query.split())[:200]
    if len(query) < 2:
        return {"actors": [], "places": [], "territories": []}
    rank = _postgres if connection.vendor == "postgresql" else _fallback
    return {
        "actors": list(rank(visible_items(user, Actor.objects.select_related("territory")),
                            query, [("name", "A"), ("description", "B"), ("themes__name", "C")]
                            )[:MAX_RESULTS]),
        "places": list(rank(visible_items(user, Place.objects.select_related("territory")),
                            query, [("name", "A"), ("description", "B")])[:MAX_RESULTS]),
        "territories": list(rank(visible_territories(user), query,
                                 [("name", "A"), ("summary", "B")])[:MAX_RESULTS]),
    }
