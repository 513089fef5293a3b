"""Queries on territories used by pages and the API."""

from django.db.models import Count, Sum
from django.urls import reverse

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
    return {
        "regions": Region.objects.filter(departments__communes__in=communes).distinct(),
        "departments": Department.objects.filter(communes__in=communes).distinct(),
        "epcis": Epci.objects.filter(communes__in=communes).distinct(),
    }


def map_features(user, territory):
    """Return the GeoJSON features of the located actors and places the person may see.

    Two queries whatever the number of items: values() rows, no model instances.
    """
    features = []
    for kind, model in (("actor", Actor), ("place", Place)):
        labels = dict(model.Kind.choices)
        prefix = reverse(f"territories:{kind}_list", args=[territory.slug])
        rows = visible_items(user, model.objects.filter(territory=territory)).filter(
            latitude__isnull=False, longitude__isnull=False
        ).values_list("pk", "name", "kind", "latitude", "longitude")
        for pk, name, item_kind, latitude, longitude in rows:
            features.append({
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [float(longitude), float(latitude)]},
                "properties": {
                    "type": kind, "id": pk, "name": name, "kind": item_kind,
                    "kind_label": str(labels.get(item_kind, item_kind)),
                    "url": f"{prefix}{pk}/",
                },
            })
    return features


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
