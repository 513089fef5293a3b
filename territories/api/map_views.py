"""The maps' API: one view of a map at a time, clustered in the database (map_clusters)."""

import orjson
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import permissions
from rest_framework.decorators import (
    api_view,
    authentication_classes,
    permission_classes,
    renderer_classes,
)
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from territories.errors import DomainError
from territories.map_cache import map_view, with_map_version
from territories.map_clusters import MAX_ZOOM, cluster_view, parse_view
from territories.map_index import build_map_index
from territories.map_layers import territory_filters, territory_sources
from territories.models import Actor, Territory
from territories.national_map import (
    LIST_PAGE_SIZE,
    MapFilterForm,
    cached_national_perimeters,
    list_view,
    published_list,
    published_sources,
)
from territories.permissions import sees_every_item, territory_access
from territories.selectors import map_perimeter


class GeoJSONRenderer(JSONRenderer):
    """GeoJSON written by orjson: a view of a city sends some 500 features (90 KiB), which
    the standard library's encoder took 1.1 ms to write, orjson a tenth of it. The same
    bytes; what orjson does not know (a lazy translation) goes through DRF's encoder."""

    media_type = "application/geo+json"
    format = "geojson"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None or self.get_indent(accepted_media_type, renderer_context or {}):
            return super().render(data, accepted_media_type, renderer_context)
        return orjson.dumps(data, default=self.encoder_class().default,
                            option=orjson.OPT_NON_STR_KEYS)


PERIMETERS_MAX_AGE = 300

FEATURE = {"type": "object", "additionalProperties": {}}
CLUSTERS = {
    "type": "object", "required": ["type", "features", "total", "zoom", "cell"],
    "properties": {
        "type": {"type": "string", "enum": ["FeatureCollection"]},
        "features": {"type": "array", "items": FEATURE},
        "total": {"type": "integer", "description": "Éléments dans le cadre."},
        "zoom": {"type": "integer"},
        "cell": {"type": "number", "description": "Côté d'une cellule, en degrés."},
        "bbox": {"type": "array", "items": {"type": "number"}, "nullable": True},
        "perimeter": {"type": "object", "nullable": True, "additionalProperties": {}},
    },
}
ERROR = {"type": "object", "properties": {"detail": {"type": "string"},
                                          "code": {"type": "string"}}}
VIEW_PARAMETERS = [
    OpenApiParameter("bbox", OpenApiTypes.STR, description=(
        "Cadre affiché : ouest,sud,est,nord en degrés décimaux (WGS 84). Sans cadre : le "
        "monde entier.")),
    OpenApiParameter("zoom", OpenApiTypes.INT, description=(
        f"Niveau de zoom, de 0 à {MAX_ZOOM} : la taille des cellules de regroupement.")),
]
CLUSTER_DESCRIPTION = (
    "Les éléments du cadre, regroupés par le serveur en cellules d'environ 64 pixels au zoom "
    "demandé (au plus 40 cellules de côté). Une cellule d'un seul élément donne un point "
    "(`type` : actor, place ou project, avec `id`, `name`, `kind`, `kind_label`, `url`, "
    "`approximate`), les autres un regroupement (`type` : cluster, avec `count`, `counts` "
    "par type et `ids`, le plus petit identifiant de chaque type). Jusqu'à 300 éléments dans "
    "le cadre, tous viennent en points. Sans coordonnées, un élément est placé à la mairie "
    "de sa commune (`approximate` vrai). `total` : le nombre d'éléments du cadre, égal à la "
    "somme des points et des `count`.")


def _answer(features, total, view, **extra):
    return Response({"type": "FeatureCollection", "features": features, "total": total,
                     "zoom": view.zoom, "cell": round(view.cell, 6),
                     "bbox": list(view.bbox) if view.given else None, **extra})


@extend_schema(
    tags=["carte"], summary="Carte nationale : regroupements d'un cadre (GeoJSON)",
    description=CLUSTER_DESCRIPTION + " Seuls les acteurs, lieux et projets publiés des "
    "territoires publiés y figurent, quelle que soit la personne.",
    parameters=VIEW_PARAMETERS + [
        OpenApiParameter("theme", OpenApiTypes.STR, description="Identifiant d'un thème."),
        OpenApiParameter("kind", OpenApiTypes.STR, enum=["actor", "place", "project"],
                         description="Un seul type d'élément."),
        OpenApiParameter("territory", OpenApiTypes.STR,
                         description="Identifiant (slug) d'un territoire publié."),
    ],
    responses={(200, GeoJSONRenderer.media_type): OpenApiResponse(CLUSTERS),
               (400, "application/json"): OpenApiResponse(
                   ERROR, description="Cadre, zoom ou filtre invalide.")},
)
@api_view(["GET"])
@permission_classes([permissions.AllowAny])
@renderer_classes([GeoJSONRenderer, JSONRenderer])
def national_map(request):
    view = parse_view(request.query_params)
    features, total = cluster_view(published_sources(**_filters(request)), view)
    return _answer(features, total, view)


def _filters(request):
    """The national map's filters of the query; DomainError with the first wrong one."""
    form = MapFilterForm(request.query_params)
    if not form.is_valid():
        field, errors = next(iter(form.errors.items()))
        raise DomainError(f"{form.fields[field].label if field in form.fields else ''} : "
                          f"{errors[0]}".lstrip(" :"), code="invalid_filter", field=field)
    return form.cleaned_data


LIST_ROW = {
    "type": "object", "required": ["name", "url", "layer", "layer_key", "kind", "territory"],
    "properties": {
        "name": {"type": "string"},
        "url": {"type": "string", "description": "La fiche de l'élément."},
        "layer": {"type": "string", "description": "Acteurs, Lieux ou Projets."},
        "layer_key": {"type": "string", "enum": ["actor", "place", "project"]},
        "kind": {"type": "string", "description": "Son type, en toutes lettres."},
        "territory": {"type": "string", "description": "Le nom de son territoire."},
    },
}
LIST = {
    "type": "object", "required": ["count", "page", "pages", "page_size", "bbox", "results"],
    "properties": {
        "count": {"type": "integer", "description": "Éléments de la liste, toutes pages."},
        "page": {"type": "integer"},
        "pages": {"type": "integer"},
        "page_size": {"type": "integer"},
        "bbox": {"type": "array", "items": {"type": "number"}, "nullable": True},
        "results": {"type": "array", "items": LIST_ROW},
    },
}


@extend_schema(
    tags=["carte"], summary="Carte nationale : la liste accessible, par pages",
    description=(
        f"Les acteurs, lieux et projets publiés des territoires publiés, par ordre "
        f"alphabétique, {LIST_PAGE_SIZE} par page : la liste à côté de la carte. Avec `bbox`, "
        "seulement ceux que la carte dessine dans ce cadre (un élément sans coordonnées "
        "compte si la mairie de sa commune y est). Une page hors limites donne la dernière."),
    parameters=[
        OpenApiParameter("bbox", OpenApiTypes.STR, description=(
            "Cadre affiché : ouest,sud,est,nord en degrés décimaux (WGS 84). Sans cadre : "
            "toute la liste.")),
        OpenApiParameter("page", OpenApiTypes.INT, description="Numéro de page, dès 1."),
        OpenApiParameter("theme", OpenApiTypes.STR, description="Identifiant d'un thème."),
        OpenApiParameter("kind", OpenApiTypes.STR, enum=["actor", "place", "project"],
                         description="Un seul type d'élément."),
        OpenApiParameter("territory", OpenApiTypes.STR,
                         description="Identifiant (slug) d'un territoire publié."),
    ],
    responses={200: OpenApiResponse(LIST),
               400: OpenApiResponse(ERROR, description="Cadre ou filtre invalide.")},
)
@api_view(["GET"])
@permission_classes([permissions.AllowAny])
def national_map_list(request):
    view = list_view(request.query_params)
    page = published_list(_filters(request), request.query_params.get("page"), view)
    return Response({
        "count": page.paginator.count, "page": page.number,
        "pages": page.paginator.num_pages, "page_size": LIST_PAGE_SIZE,
        "bbox": list(view.bbox) if view else None,
        "results": [{key: row[key] for key in LIST_ROW["required"]} for row in page.rows],
    })


@extend_schema(
    tags=["carte"], summary="Carte nationale : contours des territoires (GeoJSON)",
    description=(
        "Le contour des communes de chaque territoire publié, simplifié à l'échelle de la "
        "France (environ 1 km) ; au-delà de 150 communes, le rectangle qui les entoure. "
        "Calculés une fois puis gardés en cache jusqu'au prochain changement d'un territoire ; "
        "la réponse porte un `ETag` et un `Last-Modified` (une requête conditionnelle reçoit "
        "304 quand rien n'a changé)."),
    responses={(200, GeoJSONRenderer.media_type): OpenApiResponse(
        {"type": "object", "properties": {"type": {"type": "string"},
                                          "features": {"type": "array", "items": FEATURE}}}),
        304: OpenApiResponse(description="Inchangés depuis la version que le client a.")},
)
@api_view(["GET"])
@authentication_classes([])  # the same public outlines for all: no session read
@permission_classes([permissions.AllowAny])
@renderer_classes([GeoJSONRenderer, JSONRenderer])
def national_map_perimeters(request):
    entry = cached_national_perimeters()
    etag = '"' + entry["etag"] + '"'
    response = get_conditional_response(request, etag=etag, last_modified=entry["modified"])
    if response is None:
        response = HttpResponse(entry["body"], content_type=GeoJSONRenderer.media_type)
    response["ETag"] = etag
    response["Last-Modified"] = http_date(entry["modified"])
    # Clients may keep them a few minutes, then ask again (conditionally).
    patch_cache_control(response, public=True, max_age=PERIMETERS_MAX_AGE)
    return response


@extend_schema(
    tags=["territoires"], summary="Carte d'un territoire : regroupements d'un cadre (GeoJSON)",
    description=CLUSTER_DESCRIPTION + " Les acteurs et les lieux que la personne peut voir. "
    "`perimeter` (seulement sans `bbox`, au premier affichage) : le contour simplifié des "
    "communes du territoire (MultiPolygon), ou null.",
    parameters=VIEW_PARAMETERS + [
        OpenApiParameter("kind", OpenApiTypes.STR, description=(
            "Types d'éléments, séparés par des virgules : actor, place.")),
        OpenApiParameter("actor_kind", OpenApiTypes.STR, enum=Actor.Kind.values,
                         description="Un type d'acteur."),
    ],
    responses={(200, GeoJSONRenderer.media_type): OpenApiResponse(CLUSTERS),
               (400, "application/json"): OpenApiResponse(
                   ERROR, description="Cadre, zoom ou filtre invalide."),
               404: OpenApiResponse(ERROR, description="Territoire introuvable.")},
)
@api_view(["GET"])
@permission_classes([permissions.AllowAny])
@renderer_classes([GeoJSONRenderer, JSONRenderer])
def territory_map(request, slug):
    access = territory_access(request.user, slug,
                              territories=with_map_version(Territory.objects.all()))
    territory = access.territory
    view = parse_view(request.query_params)
    everything = sees_every_item(access)
    filters = territory_filters(request.query_params)
    sources = territory_sources(access, filters, everything=everything)
    features, total = map_view(territory, everything=everything, view=view, filters=filters,
                               compute=lambda index: cluster_view(sources, view, index),
                               index=lambda: build_map_index(sources))
    extra = {} if view.given else {"perimeter": map_perimeter(territory)}
    return _answer(features, total, view, **extra)
