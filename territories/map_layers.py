"""The layers of the maps: what each kind of item puts on them, and where it stands.

The national map (`/carte/`) shows actors and places, owned here, and projects, owned by
the projects app above. Territories never imports projects: a *layer* is registered
instead, the way the schéma directeur's section providers are. This module registers the
actors' and places' layers; ``projects/apps.py`` registers the projects' one from
``AppConfig.ready()`` with ``register_map_layer``.

A layer annotates its queryset with the same few columns, so that the clustering
(`territories.map_clusters`) and the list beside the map treat every kind alike:

* ``map_lat``, ``map_lon``: the point (floats), null when the item has none;
* ``map_commune``: the INSEE code of its commune, where it is drawn when it has no point
  (the offline town-hall dataset of `commune_shapes`), null when unknown;
* ``map_name``, ``map_kind``, ``map_slug``: its name, type and what its URL needs.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from django.db.models import CharField, F, FloatField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Cast
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import gettext as gettext
from django.utils.translation import gettext_lazy as _

from territories.errors import DomainError
from territories.models import Actor, Place, Territory
from territories.permissions import territory_items


@dataclass(frozen=True)
class MapLayer:
    """One kind of item of the maps.

    `queryset()` gives every row, `published(qs)` keeps what the public may see,
    `annotate(qs)` adds the map columns, `url(row)` builds the item's link from a values()
    row. `theme_path` and `territory_path` name the lookups the filters use (no theme
    path: the layer has no themes and is left off when a theme is chosen).
    """

    key: str
    label: str
    order: int
    queryset: Callable[[], QuerySet]
    published: Callable[[QuerySet], QuerySet]
    annotate: Callable[[QuerySet], QuerySet]
    url: Callable[[dict], str]
    kinds: Callable[[], dict]
    territory_path: str
    theme_path: str | None = None
    # The decimal columns that `map_lat` and `map_lon` are read from, when they are plain
    # columns of the row: a box is then compared with them, which the database estimates
    # from its statistics and reads from an index (`map_clusters.box`). None: a computed
    # point (a project's), compared as computed.
    point_columns: tuple[str, str] | None = None

    def filtered(self, queryset, *, theme=None, territory=None, item_kind=None):
        """Return the annotated rows matching the map's filters."""
        if theme:
            if not self.theme_path:
                return self.annotate(queryset).none()
            queryset = queryset.filter(**{self.theme_path: theme})
        if territory:
            queryset = queryset.filter(**{f"{self.territory_path}__slug": territory})
        queryset = self.annotate(queryset)
        if item_kind:
            queryset = queryset.filter(map_kind=item_kind)
        return queryset


_LAYERS: dict[str, MapLayer] = {}


def register_map_layer(layer):
    """Add (or replace) a layer of the maps; higher apps call it from AppConfig.ready()."""
    _LAYERS[layer.key] = layer


def map_layers(keys=None):
    """The registered layers in their order, only those of `keys` when given."""
    layers = sorted(_LAYERS.values(), key=lambda layer: layer.order)
    return [layer for layer in layers if keys is None or layer.key in keys]


def map_layer(key):
    return _LAYERS.get(key)


# The ground floor's own layers: actors and places -----------------------------------

def _located(queryset):
    # The territory's slug by a subquery, not a join: the clustering groups thousands of
    # rows and selects no slug, and an unused join would still be made for each of them.
    slug = Territory.objects.filter(pk=OuterRef("territory_id")).order_by().values("slug")[:1]
    return queryset.annotate(
        map_lat=Cast("latitude", FloatField()), map_lon=Cast("longitude", FloatField()),
        map_commune=F("commune_id"), map_name=F("name"), map_kind=F("kind"),
        map_slug=Subquery(slug, output_field=CharField()),
    )


def _published_items(queryset):
    return queryset.filter(Q(is_published=True) & Q(territory__is_published=True))


@lru_cache(maxsize=1024)
def _territory_url(slug, script_prefix, urlconf):
    # Reversed once per territory, not once per point of a map (hundreds in a view). The
    # script prefix and the URLconf are part of the key: reverse() depends on them.
    return reverse("territories:detail", args=[slug], urlconf=urlconf)


def _item_url(segment):
    def url(row):
        territory = _territory_url(row["map_slug"], get_script_prefix(), get_urlconf())
        return f"{territory}{segment}/{row['pk']}/"
    return url


register_map_layer(MapLayer(
    key="actor", label=_("Acteurs"), order=10, queryset=Actor.objects.all,
    published=_published_items, annotate=_located, url=_item_url("acteurs"),
    kinds=lambda: dict(Actor.Kind.choices), territory_path="territory", theme_path="themes",
    point_columns=("latitude", "longitude"),
))
register_map_layer(MapLayer(
    key="place", label=_("Lieux"), order=20, queryset=Place.objects.all,
    published=_published_items, annotate=_located, url=_item_url("lieux"),
    kinds=lambda: dict(Place.Kind.choices), territory_path="territory",
    point_columns=("latitude", "longitude"),
))


class TerritoryFilters(NamedTuple):
    """What a territory's map view asks of its items: the layers (none: all) and a kind
    of actor ("": any)."""

    layers: tuple[str, ...] = ()
    actor_kind: str = ""


def territory_filters(params):
    """Read and check `kind` and `actor_kind` from the query; DomainError if wrong."""
    keys = {key.strip() for key in params.get("kind", "").split(",") if key.strip()}
    actor_kind = params.get("actor_kind", "").strip()
    if keys - {"actor", "place"}:
        raise DomainError(gettext("Types d'éléments possibles : actor, place."),
                          code="invalid_filter", field="kind")
    # Checked, not only matched: each filter asked reads the territory's items into a map
    # kept in memory (territories.map_index), and made-up values must not each read them.
    if actor_kind and actor_kind not in Actor.Kind.values:
        raise DomainError(gettext("Type d'acteur inconnu : choisissez-en un de la liste."),
                          code="invalid_filter", field="actor_kind")
    return TerritoryFilters(tuple(sorted(keys)), actor_kind)


EVERY_ITEM = TerritoryFilters()


def territory_sources(access, filters=EVERY_ITEM, *, everything=None):
    """The actors' and places' layers of the access's territory that the `filters` keep, as
    the person may see them (`everything`: whether they see the drafts, when the caller
    knows it already)."""
    sources = []
    for layer in map_layers(set(filters.layers) or {"actor", "place"}):
        queryset = territory_items(access, layer.queryset(), everything=everything)
        sources.append((layer, layer.filtered(queryset, item_kind=(
            filters.actor_kind if layer.key == "actor" and filters.actor_kind else None))))
    return sources
