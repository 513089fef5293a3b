"""Queries on territories used by pages and the API."""

from django.db.models import Count, Sum
from django.urls import reverse

from territories.commune_shapes import commune_contours, commune_point, spread
from territories.models import Actor, Commune, Department, Epci, Place, Region
from territories.permissions import visible_items


def with_figures(territories):
    """Annotate each territory with its population and number of communes, in one query."""
    return territories.annotate(
        total_population=Sum("communes__population"), commune_count=Count("communes")
    )


def perimeter_of(territory):
    """Return the régions, départements and EPCI the territory's communes belong to."""
    communes = territory.communes.all()
    # Lists: the page reads each of them more than once.
    return {
        "regions": list(Region.objects.filter(departments__communes__in=communes).distinct()),
        "departments": list(Department.objects.filter(communes__in=communes).distinct()),
        "epcis": list(Epci.objects.filter(communes__in=communes).distinct()),
    }


def map_features(user, territory):
    """Return the GeoJSON features of the actors and places the person may see.

    An item without coordinates is placed at its commune's town hall (offline dataset of
    `commune_shapes`), spread a little so that several never hide one another, and flagged
    `approximate`; an item with neither is left off. Two queries whatever the number of
    items: values() rows, no model instances.
    """
    features = []
    at_commune = {}
    for kind, model in (("actor", Actor), ("place", Place)):
        labels = dict(model.Kind.choices)
        prefix = reverse(f"territories:{kind}_list", args=[territory.slug])
        rows = visible_items(user, model.objects.filter(territory=territory)).values_list(
            "pk", "name", "kind", "latitude", "longitude", "commune_id").order_by("name", "pk")
        for pk, name, item_kind, latitude, longitude, commune in rows:
            approximate = latitude is None or longitude is None
            if approximate:
                point = commune_point(commune) if commune else None
                if point is None:
                    continue
                index = at_commune[commune] = at_commune.get(commune, -1) + 1
                latitude, longitude = spread(point, index)
            features.append({
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [float(longitude), float(latitude)]},
                "properties": {
                    "type": kind, "id": pk, "name": name, "kind": item_kind,
                    "kind_label": str(labels.get(item_kind, item_kind)),
                    "url": f"{prefix}{pk}/", "approximate": approximate,
                },
            })
    return features


# Past this many communes the perimeter is drawn as the box around their town halls: the
# contours of a whole region would weigh megabytes.
PERIMETER_MAX_COMMUNES = 400


def map_perimeter(territory):
    """The territory's perimeter as a GeoJSON feature: each commune's simplified contour.

    None when the territory has no commune of the offline dataset.
    """
    codes = list(territory.communes.values_list("code", flat=True))
    if len(codes) <= PERIMETER_MAX_COMMUNES:
        polygons, outline = commune_contours(codes), "communes"
    else:
        points = [point for point in map(commune_point, codes) if point]
        polygons, outline = [], "box"
        if points:
            south, north = min(p[0] for p in points), max(p[0] for p in points)
            west, east = min(p[1] for p in points), max(p[1] for p in points)
            polygons = [[[[west, south], [east, south], [east, north], [west, north],
                          [west, south]]]]
    if not polygons:
        return None
    return {"type": "Feature", "geometry": {"type": "MultiPolygon", "coordinates": polygons},
            "properties": {"type": "perimeter", "name": territory.name, "outline": outline}}


def perimeter_search(*, level, query, limit=15):
    """Return (code, label) pairs for the perimeter autocomplete at the given level."""
    query = query.strip()
    if level == "epci":
        epcis = Epci.objects.filter(code__startswith=query) if query.isdigit() else \
            Epci.objects.filter(name__icontains=query)
        return [(e.code, f"{e.name} — {e.get_kind_display()}, {e.population:,} hab.".replace(
            ",", "\u202f")) for e in epcis.order_by("-population")[:limit]]
    if level == "departement":
        departments = Department.objects.filter(code__istartswith=query) | \
            Department.objects.filter(name__icontains=query)
        return [(d.code, str(d)) for d in departments.order_by("code")[:limit]]
    if level == "region":
        regions = Region.objects.filter(code=query) | Region.objects.filter(name__icontains=query)
        return [(r.code, r.name) for r in regions.order_by("name")[:limit]]
    communes = Commune.objects.filter(kind=Commune.Kind.COMMUNE)
    if query[:5].isdigit():
        communes = communes.filter(code__startswith=query[:5]) | communes.filter(
            postal_codes__contains=query[:5])
    else:
        communes = communes.filter(name__istartswith=query)
    return [(c.code, f"{c.name} ({c.department_id}) — {c.postal_codes}")
            for c in communes.order_by("-population")[:limit]]
