"""One view of a map, light whatever the number of items: a grid clustered in SQL.

A view is a box (west, south, east, north in degrees) and a zoom level. The box is cut
into square cells about 64 pixels wide at that zoom (never more than `MAX_CELLS_PER_SIDE`
a side, so a huge box at a high zoom stays bounded); the database groups the items by
cell and returns, per cell, a count, a centroid and the smallest id. Cells holding one
item become points with their name and link; the others are clusters. When the whole
box holds few items (`POINTS_LIMIT`), every item comes as a point, so a small territory
looks the same as before clustering.

Items without coordinates are drawn at their commune's town hall (offline dataset,
`commune_shapes`): the database counts them by commune, Python places the communes.

From the tables, two queries whatever the number of layers and items: the groups, then
the points. A territory's map read into memory once per state of its items
(`territories.map_index`) draws the same view without a query.
"""

import math
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    F,
    FloatField,
    Min,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Floor
from django.utils.translation import gettext as _

from territories.commune_shapes import commune_point, spread
from territories.errors import DomainError

WORLD = (-180.0, -90.0, 180.0, 90.0)
MAX_ZOOM = 18
DEFAULT_ZOOM = MAX_ZOOM
CELLS_PER_TILE = 4  # a 256-pixel tile cut in 4: cells of 64 pixels
MAX_CELLS_PER_SIDE = 40
# Up to this many items in the box, each comes as a point (about 250 bytes each).
POINTS_LIMIT = 300


@dataclass(frozen=True)
class MapView:
    bbox: tuple[float, float, float, float]
    zoom: int
    given: bool  # whether the box came with the request (else: the whole world)

    @property
    def cell(self):
        """The side of a cell, in degrees."""
        west, south, east, north = self.bbox
        side = 360 / (2 ** self.zoom) / CELLS_PER_TILE
        return max(side, (east - west) / MAX_CELLS_PER_SIDE, (north - south) / MAX_CELLS_PER_SIDE)

    def contains(self, latitude, longitude):
        west, south, east, north = self.bbox
        return west <= longitude <= east and south <= latitude <= north


def parse_view(params):
    """Read `bbox=west,south,east,north` and `zoom` from the query; DomainError if wrong."""
    raw_bbox, raw_zoom = params.get("bbox", ""), params.get("zoom", "")
    if "\x00" in raw_bbox or "\x00" in raw_zoom:
        raise DomainError(_("Caractère nul refusé dans les paramètres de la carte."),
                          code="invalid_map_view")
    zoom = DEFAULT_ZOOM
    if raw_zoom.strip():
        try:
            zoom = int(raw_zoom)
        except ValueError:
            raise DomainError(
                _("Le zoom doit être un nombre entier entre 0 et %(max)s.") % {"max": MAX_ZOOM},
                code="invalid_zoom", field="zoom") from None
        if not 0 <= zoom <= MAX_ZOOM:
            raise DomainError(
                _("Le zoom doit être un nombre entier entre 0 et %(max)s.") % {"max": MAX_ZOOM},
                code="invalid_zoom", field="zoom")
    if not raw_bbox.strip():
        return MapView(WORLD, zoom, given=False)
    bad = DomainError(
        _("Le cadre « bbox » s'écrit ouest,sud,est,nord en degrés décimaux, l'ouest avant l'est "
          "et le sud avant le nord (longitudes entre -180 et 180, latitudes entre -90 et 90)."),
        code="invalid_bbox", field="bbox")
    parts = raw_bbox.split(",")
    if len(parts) != 4:
        raise bad
    try:
        west, south, east, north = (float(part) for part in parts)
    except ValueError:
        raise bad from None
    if not all(math.isfinite(value) for value in (west, south, east, north)):
        raise bad
    # Leaflet gives a box past ±180 when the world wraps: clamp it rather than refuse it.
    west, east = max(west, -180.0), min(east, 180.0)
    south, north = max(south, -90.0), min(north, 90.0)
    if not (west < east and south < north):
        raise bad
    return MapView((west, south, east, north), zoom, given=True)


def _decimal_bounds(low, high, places):
    """Return the smallest and the largest decimal of `places` places whose float is within
    [low, high]: comparing a decimal column with them keeps exactly the rows whose float
    would be compared in, without converting every row."""
    step = Decimal(1).scaleb(-places)
    first = Decimal(low).quantize(step, rounding=ROUND_FLOOR)
    if float(first) < low:
        first += step
    last = Decimal(high).quantize(step, rounding=ROUND_CEILING)
    if float(last) > high:
        last -= step
    return first, last


def _point(layer):
    """The names to read a row's point from: the layer's decimal columns when its point is
    a plain column (the database knows their statistics and indexes), else the map's
    computed `map_lat` and `map_lon`."""
    return getattr(layer, "point_columns", None) or ("map_lat", "map_lon")


def _no_point(layer):
    latitude, longitude = _point(layer)
    return Q(**{f"{latitude}__isnull": True}) | Q(**{f"{longitude}__isnull": True})


def _ranges(layer, latitudes=None, longitudes=None):
    """The condition of the rows whose point's latitude and longitude are in the given
    closed ranges (None: any).

    With the layer's own decimal columns (`point_columns`) when it has them: the
    database then estimates how many rows are in range from its statistics (a cast
    hides them, and it chose to join the territory once per row) and reads them from the
    point index, without the table (migration territories 0018).
    """
    condition = Q()
    for column, bounds in zip(_point(layer), (latitudes, longitudes), strict=True):
        if bounds is None:
            continue
        low, high = bounds
        if getattr(layer, "point_columns", None):
            places = layer.queryset().model._meta.get_field(column).decimal_places
            low, high = _decimal_bounds(low, high, places)
        condition &= Q(**{f"{column}__gte": low, f"{column}__lte": high})
    return condition


def box(view, layer=None):
    """The condition of the rows whose point is in the view's box."""
    west, south, east, north = view.bbox
    return _ranges(layer, (south, north), (west, east))


def _in_box(queryset, view, layer=None):
    latitude, longitude = _point(layer)
    located = queryset.filter(**{f"{latitude}__isnull": False, f"{longitude}__isnull": False})
    if not view.given:  # the whole world: no bounds, which would only mislead the planner
        return located
    return located.filter(box(view, layer))


def _without_point(queryset, layer=None):
    # Read from the index of the items without a point (migration territories 0017).
    return queryset.filter(_no_point(layer), map_commune__isnull=False)


class _Cell:
    __slots__ = ("count", "lat", "lon", "counts", "first", "approximate")

    def __init__(self):
        self.count, self.lat, self.lon = 0, 0.0, 0.0  # lat, lon: sums, weighted by count
        self.counts, self.first, self.approximate = {}, {}, True

    def add(self, key, count, lat, lon, first, approximate):
        """Add `count` items of the layer `key`, whose latitudes and longitudes sum to
        `lat` and `lon`."""
        self.count += count
        self.lat += lat
        self.lon += lon
        if key in self.counts:
            self.counts[key] += count
            self.first[key] = min(self.first[key], first)
        else:  # the layer's first group in the cell: the most frequent case
            self.counts[key] = count
            self.first[key] = first
        if not approximate:
            self.approximate = False


_FLOAT = FloatField()
_TEXT = CharField()
_GROUP_COLUMNS = ("layer_key", "cell_x", "cell_y", "group_commune")  # then n, lat, lon, first
_DETAIL_COLUMNS = ("layer_key", "layer_order", "pk", "map_name", "map_kind", "map_slug",
                   "map_lat", "map_lon", "map_commune")


def _groups(sources, view):
    """Every layer's groups in one query: the cells of its items with a point in the box
    (count, sums of latitudes and longitudes, smallest id) and the communes of its items
    without one."""
    cell = view.cell
    parts = []
    for layer, queryset in sources:
        key = Value(layer.key, output_field=_TEXT)
        parts.append(_in_box(queryset, view, layer).annotate(
            layer_key=key, cell_x=Floor(F("map_lon") / cell), cell_y=Floor(F("map_lat") / cell),
            group_commune=Value(None, output_field=_TEXT),
        ).values(*_GROUP_COLUMNS).annotate(
            n=Count("pk"), lat=Sum("map_lat"), lon=Sum("map_lon"), first=Min("pk")).order_by())
        parts.append(_without_point(queryset, layer).annotate(
            layer_key=key, cell_x=Value(None, output_field=_FLOAT),
            cell_y=Value(None, output_field=_FLOAT), group_commune=F("map_commune"),
        ).values(*_GROUP_COLUMNS).annotate(
            n=Count("pk"), lat=Value(None, output_field=_FLOAT),
            lon=Value(None, output_field=_FLOAT), first=Min("pk")).order_by())
    if not parts:
        return []
    return _tuples(parts[0].union(*parts[1:], all=True))


def _tuples(queryset):
    """The rows of a `values()` query as the database gives them, in its columns' order.

    A view reads hundreds of groups and points of plain numbers and text; the ORM's
    per-value conversions and dicts cost more than the query (2.7 of 8 ms for a city's
    725 groups), and the SQL selects no type that would need them.
    """
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:  # every part empty (a filter no layer matches)
        return []
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _details(parts, limit=None):
    """The rows of the points, every layer in one query: `parts` is a list of (layer,
    queryset of its rows to draw). The first `limit` only, when given."""
    rows = [queryset.annotate(layer_key=Value(layer.key, output_field=_TEXT),
                              layer_order=Value(layer.order)).values(*_DETAIL_COLUMNS).order_by()
            for layer, queryset in parts]
    if not rows:
        return []
    union = rows[0].union(*rows[1:], all=True).order_by("layer_order", "map_name", "pk")
    return _tuples(union if limit is None else union[:limit])


def add_group(cells, communes, view, layer_key, cell_x, cell_y, commune, count, lat, lon,
              first):
    """Add `count` items of the layer to the view's cells: in the cell (cell_x, cell_y),
    their latitudes and longitudes summing to `lat` and `lon`; or, when they have no point,
    at their `commune`'s town hall (none when it is unknown or outside the box), which
    `communes` then lists by layer."""
    if commune is None:
        key = (int(cell_x), int(cell_y))
    else:
        point = commune_point(commune)
        if point is None or not view.contains(*point):
            return
        communes.setdefault(layer_key, set()).add(commune)
        lat, lon = point[0] * count, point[1] * count
        key = (math.floor(point[1] / view.cell), math.floor(point[0] / view.cell))
    cells.setdefault(key, _Cell()).add(layer_key, count, lat, lon, first,
                                       approximate=commune is not None)


def cluster_view(sources, view, index=None):
    """Return the GeoJSON features of one map view, and the number of items in it.

    `sources` is a list of (layer, annotated queryset). Features are points (properties:
    type, id, name, kind, kind_label, url, approximate) or clusters (type "cluster",
    count, counts by layer, the smallest id of each layer).

    `index`: a function giving the sources' `MapIndex` (`territories.map_index`, kept in
    memory per state of the items), which draws the view without a query. Without one:
    from the tables, in two queries whatever the number of layers and items: the groups, then the
    points.
    """
    cells, communes = {}, {}
    index = None if index is None else index()  # None too for a territory too big for it
    if index is not None:
        cells = index.cells(view, communes)
    else:
        for group in _groups(sources, view):
            add_group(cells, communes, view, *group)
    total = sum(item.count for item in cells.values())
    if total == 0:
        return [], 0
    if total <= POINTS_LIMIT:
        rows = (index.rows_in(view, communes) if index is not None else _details(
            [(layer, within(queryset, view, communes.get(layer.key, set()), layer=layer))
             for layer, queryset in sources]))
        return _points(sources, rows), total
    features = []
    singles = {}
    order = [layer.key for layer, _queryset in sources]
    for item in cells.values():
        if item.count == 1:
            (key, first), = item.first.items()
            singles.setdefault(key, set()).add(first)
            continue
        features.append({
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [
                round(item.lon / item.count, 5), round(item.lat / item.count, 5)]},
            "properties": {"type": "cluster", "count": item.count,
                           "counts": _in_order(item.counts, order),
                           "ids": _in_order(item.first, order)},
        })
    rows = index.rows_of(singles) if index is not None else _details(
        [(layer, queryset.filter(pk__in=singles[layer.key]))
         for layer, queryset in sources if layer.key in singles])
    features += _points(sources, rows, spread_at_commune=False)
    return features, total


def _in_order(by_layer, order):
    """The layers' figures of a cluster in the layers' order, however they were added."""
    if len(by_layer) == 1:
        return by_layer
    return {key: by_layer[key] for key in order if key in by_layer}


def communes_in_view(queryset, view, layer=None):
    """The communes whose town hall is in the view and holds rows without a point. One query."""
    codes = _without_point(queryset, layer).values_list(
        "map_commune", flat=True).distinct().order_by()
    return {code for code in codes
            if (point := commune_point(code)) is not None and view.contains(*point)}


def within(queryset, view, communes=None, *, layer=None):
    """Keep the rows the map draws inside the view: their point is in the box, or they have
    none and their commune's town hall is. `communes`: those communes when already known
    (else one query finds them)."""
    if communes is None:
        communes = communes_in_view(queryset, view, layer)
    located = box(view, layer)
    if communes:
        located |= _no_point(layer) & Q(map_commune__in=communes)
    return queryset.filter(located)


def _points(sources, rows, *, spread_at_commune=True):
    """Point features of the rows (of `_details`); kind labels are translated once per
    layer, not once per row."""
    layers = {layer.key: layer for layer, _queryset in sources}
    labels = {key: {value: str(label) for value, label in layer.kinds().items()}
              for key, layer in layers.items()}
    at_commune = {}
    features = []
    for key, _order, pk, name, kind, slug, latitude, longitude, commune in rows:
        layer = layers[key]
        approximate = latitude is None or longitude is None
        if approximate:
            point = commune_point(commune)
            if point is None:
                continue
            index = at_commune[commune] = at_commune.get(commune, -1) + 1
            latitude, longitude = spread(point, index) if spread_at_commune else point
        features.append({
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [float(longitude), float(latitude)]},
            "properties": {
                "type": key, "id": pk, "name": name, "kind": kind,
                "kind_label": labels[key].get(kind, ""),
                "url": layer.url({"pk": pk, "map_slug": slug}), "approximate": approximate,
            },
        })
    return features


def located_total(sources):
    """Count the items a map can draw: with a point, or at a known commune. One query each."""
    total = 0
    for _layer, queryset in sources:
        rows = queryset.annotate(has_point=Case(
            When(map_lat__isnull=False, map_lon__isnull=False, then=Value(True)),
            default=Value(False), output_field=BooleanField()),
        ).values("has_point", "map_commune").annotate(n=Count("pk")).order_by()
        total += sum(row["n"] for row in rows if row["has_point"] or (
            row["map_commune"] and commune_point(row["map_commune"])))
    return total
