"""Queries on territories used by pages and the API."""

from django.db.models import Count, F, Q, Sum, Window
from django.db.models.functions import Lag

from territories.commune_shapes import commune_contours, commune_point
from territories.models import Commune, Department, Epci, Region, Territory


def with_figures(territories):
    """Annotate each territory with its population and number of communes, in one query."""
    return territories.annotate(
        total_population=Sum("communes__population"), commune_count=Count("communes")
    )


def publication_changes(*, limit=20):
    """Return the latest `limit` history records in which a territory was published or
    taken back to draft, newest first, with their author: one query, whatever the path of
    the change (the back office, the admin)."""
    records = Territory.history.annotate(was_published=Window(
        Lag("is_published"), partition_by=[F("id")],
        order_by=[F("history_date").asc(), F("history_id").asc()]))
    return records.filter(Q(was_published=True, is_published=False)
                          | Q(was_published=False, is_published=True)).select_related(
        "history_user").order_by("-history_date", "-history_id")[:limit]


def perimeter_of(territory):
    """Return the régions, départements and EPCI the territory's communes belong to."""
    communes = territory.communes.all()
    # Lists: the page reads each of them more than once.
    return {
        "regions": list(Region.objects.filter(departments__communes__in=communes).distinct()),
        "departments": list(Department.objects.filter(communes__in=communes).distinct()),
        "epcis": list(Epci.objects.filter(communes__in=communes).distinct()),
    }


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


# The actors' export speaks the import's language: a file exported, edited in a spreadsheet
# and imported again updates the same actors (matched by SIRET or by name and commune). Its
# words are the import's, in French whatever the page's language.
ACTOR_EXPORT_HEADER = ["nom", "type", "siret", "code insee", "commune", "adresse", "latitude",
                       "longitude", "site web", "e-mail", "description", "thèmes", "publié"]


def actor_export_rows(territory):
    """Yield one row per actor of the territory, drafts included, in the export's header order.

    The « thèmes » cell holds the themes' names then the free tags, as the import reads them
    back: a name matches its theme, any other word becomes a free tag again.
    """
    actors = (territory.actors.select_related("commune").prefetch_related("themes")
              .order_by("name", "pk"))
    for actor in actors:
        themes = [theme.name for theme in actor.themes.all()] + actor.free_tag_list
        yield [
            actor.name, actor.get_kind_display(), actor.siret,
            actor.commune.code if actor.commune else "",
            actor.commune.name if actor.commune else "", actor.address,
            actor.latitude, actor.longitude, actor.website, actor.email, actor.description,
            ", ".join(themes), "oui" if actor.is_published else "non",
        ]
