"""The national map: published items of every published territory, its filters, its list.

The public sees the same thing whoever they are: only what is published, in territories
that are published (drafts stay with their editors, on the territory's own map).
"""

import hashlib
import json
import secrets
import time

from django import forms
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import CharField, F, Value
from django.utils.translation import gettext_lazy as _

from territories.commune_shapes import commune_contours, commune_point, simplify
from territories.map_clusters import parse_view, within
from territories.map_layers import map_layer, map_layers
from territories.models import Label, Territory, Theme

LIST_PAGE_SIZE = 50
# At the scale of France, a contour simplified to about a kilometre is plenty.
NATIONAL_TOLERANCE = 0.01
NATIONAL_MAX_COMMUNES = 150
SELECT = {"class": "form-select form-select-sm mw-100"}


class MapFilterForm(forms.Form):
    """The filters of the national map, shared by the page, its list and the API."""

    theme = forms.ChoiceField(label=_("Thème"), required=False, widget=forms.Select(SELECT))
    kind = forms.ChoiceField(label=_("Type d'élément"), required=False,
                             widget=forms.Select(SELECT))
    territory = forms.ChoiceField(label=_("Territoire"), required=False,
                                  widget=forms.Select(SELECT))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        national, others = [], []
        for slug, name, is_national in Theme.objects.order_by("name").values_list(
                "slug", "name", "is_national"):
            (national if is_national else others).append((slug, name))
        self.fields["theme"].choices = [("", _("Tous les thèmes")),
                                        (_("Thèmes nationaux"), national),
                                        (_("Autres thèmes"), others)]
        self.fields["kind"].choices = [("", _("Acteurs, lieux et projets"))] + [
            (layer.key, layer.label) for layer in map_layers()]
        self.fields["territory"].choices = [("", _("Tous les territoires"))] + list(
            Territory.objects.filter(is_published=True).order_by("name").values_list(
                "slug", "name"))


def published_sources(*, theme="", kind="", territory=""):
    """(layer, annotated queryset) of every layer the filters keep, published rows only."""
    layers = [map_layer(kind)] if kind else map_layers()
    return [(layer, layer.filtered(layer.published(layer.queryset()), theme=theme or None,
                                   territory=territory or None)) for layer in layers]


def list_view(params):
    """The view the list keeps (its `bbox`), or None for the whole list; DomainError if the
    box is wrong (the zoom does not matter to a list)."""
    raw = params.get("bbox", "")
    return parse_view({"bbox": raw}) if raw.strip() else None


def published_list(filters, page_number, view=None):
    """A page of the list beside the map: every layer's items in one query, by name.

    With a view, only the items the map draws in it (one more query per layer, for the
    communes of the items without a point).
    """
    parts = []
    for layer, queryset in published_sources(**filters):
        if view is not None:
            queryset = within(queryset, view, layer=layer)
        parts.append(queryset.annotate(
            map_layer=Value(layer.key, CharField()),
            map_territory=F(f"{layer.territory_path}__name"),
        ).values("pk", "map_layer", "map_name", "map_kind", "map_slug", "map_territory"
                 ).order_by())
    union = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    page = Paginator(union.order_by("map_name", "map_layer", "pk"), LIST_PAGE_SIZE
                     ).get_page(page_number)
    kinds = {layer.key: {value: str(label) for value, label in layer.kinds().items()}
             for layer in map_layers()}
    labels = {layer.key: str(layer.label) for layer in map_layers()}
    page.rows = [{
        "name": row["map_name"], "territory": row["map_territory"],
        "layer": labels.get(row["map_layer"], ""), "layer_key": row["map_layer"],
        "kind": kinds.get(row["map_layer"], {}).get(row["map_kind"], ""),
        "url": map_layer(row["map_layer"]).url(row),
    } for row in page.object_list]
    return page


def _coarse(polygons):
    rings = []
    for polygon in polygons:
        ring = simplify(polygon[0], NATIONAL_TOLERANCE)
        if len(ring) >= 4:
            rings.append([[[round(x, 3), round(y, 3)] for x, y in ring]])
    return rings


def _box(points):
    south, north = min(p[0] for p in points), max(p[0] for p in points)
    west, east = min(p[1] for p in points), max(p[1] for p in points)
    return [[[[round(west, 3), round(south, 3)], [round(east, 3), round(south, 3)],
              [round(east, 3), round(north, 3)], [round(west, 3), round(north, 3)],
              [round(west, 3), round(south, 3)]]]]


def national_perimeters():
    """The published territories' perimeters, coarse enough for the scale of France.

    Two queries; a territory of many communes is drawn as the box around them.
    """
    territories = {pk: {"name": name, "slug": slug, "codes": []} for pk, name, slug in
                   Territory.objects.filter(is_published=True).values_list("pk", "name", "slug")}
    links = Territory.communes.through.objects.filter(
        territory__is_published=True).values_list("territory_id", "commune_id")
    for territory_id, code in links:
        territories[territory_id]["codes"].append(code)
    features = []
    for item in territories.values():
        codes = item["codes"]
        if len(codes) <= NATIONAL_MAX_COMMUNES:
            polygons = _coarse(commune_contours(codes))
        else:
            points = [point for point in map(commune_point, codes) if point]
            polygons = _box(points) if points else []
        if polygons:
            features.append({
                "type": "Feature", "geometry": {"type": "MultiPolygon", "coordinates": polygons},
                "properties": {"type": "perimeter", "name": item["name"], "slug": item["slug"]}})
    return {"type": "FeatureCollection", "features": features}


# The outlines change only when a territory's perimeter, name or publication does: they are
# computed once and kept in the cache; `forget_national_perimeters` (signals) starts a new
# generation. A value computed from data that changed meanwhile carries the old generation
# and is never served. The time limit is a safety net for changes made behind the signals'
# back (a raw `update()`) or in another process when the cache is each process's own
# memory (no REDIS_URL): they show within the hour.
PERIMETERS_KEY = "carte:perimetres"
PERIMETERS_GENERATION_KEY = "carte:perimetres:generation"
PERIMETERS_SECONDS = 3600


def cached_national_perimeters():
    """Return the national outlines as {"body": GeoJSON text, "etag", "modified"}.

    A cache hit reads no database row: one round trip to the cache.
    """
    found = cache.get_many([PERIMETERS_KEY, PERIMETERS_GENERATION_KEY])
    generation = found.get(PERIMETERS_GENERATION_KEY)
    entry = found.get(PERIMETERS_KEY)
    if entry and generation and entry.get("generation") == generation:
        return entry
    if not generation:
        generation = secrets.token_hex(8)
        cache.add(PERIMETERS_GENERATION_KEY, generation, None)
        generation = cache.get(PERIMETERS_GENERATION_KEY, generation)
    body = json.dumps(national_perimeters(), ensure_ascii=False, separators=(",", ":"))
    entry = {"generation": generation, "body": body, "modified": int(time.time()),
             "etag": hashlib.sha256(body.encode()).hexdigest()[:32]}
    cache.set(PERIMETERS_KEY, entry, PERIMETERS_SECONDS)
    return entry


def forget_national_perimeters():
    """Make the next request compute the national outlines again."""
    cache.set(PERIMETERS_GENERATION_KEY, secrets.token_hex(8), None)


def network_overview():
    """What the home page shows of the network: labelled territories by wave, figures.

    One query for the labels, one per layer of the map, whatever the size of the network.
    """
    waves = {}
    labels = Label.objects.filter(
        status__in=Label.ACTIVE_STATUSES, territory__is_published=True,
    ).select_related("territory").only(
        "wave", "labelled_on", "territory__name", "territory__slug").order_by(
        "wave", "territory__name")
    for label in labels:
        waves.setdefault(label.wave, []).append(label)
    figures = [(layer.key, layer.label, layer.published(layer.queryset()).count())
               for layer in map_layers()]
    return {"waves": sorted(waves.items(), key=lambda item: (item[0] is None, item[0] or 0)),
            "labelled_count": sum(len(items) for items in waves.values()),
            "figures": figures}
