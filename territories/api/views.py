from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from territories.api.filters import ActorApiFilterSet, PlaceApiFilterSet, TerritoryApiFilterSet
from territories.api.serializers import (
    ActorSerializer,
    CooperationCodeSerializer,
    CooperationTerritorySerializer,
    PlaceSerializer,
    TerritorySerializer,
)
from territories.models import Actor, Place
from territories.permissions import (
    AccessPermission,
    access_to_territory,
    territory_access,
    visible_items,
    visible_territories,
)
from territories.selectors import with_figures
from territories.services import (
    cooperation_territory_add,
    item_save,
    territory_create,
    territory_update,
)


@extend_schema(tags=["territoires"])
class TerritoryViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin,
                       viewsets.ReadOnlyModelViewSet):
    """Territories: published ones for everybody, drafts for their editors and staff.

    Facilitators and staff create them; staff and the facilitators of the collective that
    stewards a territory (`steward`) change it — plain members and other collectives
    running a cluster there do not (403). The perimeter is given as
    `{"level": "epci", "codes": ["200054807"]}` and stored as communes. `label` gives the
    "Territoire French Impact" label's state, wave and date; filter with
    `?label=labelled&wave=2`.
    """

    serializer_class = TerritorySerializer
    permission_classes = [AccessPermission]
    public = True
    write_right = "edit"
    lookup_field = "slug"
    filterset_class = TerritoryApiFilterSet

    def get_queryset(self):
        # The steward is cluster's Stewardship, reached through its reverse relation.
        return with_figures(visible_territories(self.request.user)).select_related(
            "stewardship__collective", "label").order_by("name")

    def access_of(self, territory):
        return access_to_territory(self.request.user, territory)

    def create(self, request, *args, **kwargs):
        territory_access(request.user).require("create")
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        perimeter = data.pop("perimeter")
        data.pop("version", None)
        territory = territory_create(level=perimeter["level"], codes=perimeter["codes"],
                                     created_by=request.user, **data)
        return Response(self._read(territory), status=status.HTTP_201_CREATED)

    def update(self, request, *args, partial=False, **kwargs):
        territory = self.get_object()
        serializer = self.get_serializer(territory, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        perimeter = data.pop("perimeter", {"level": territory.perimeter_level,
                                           "codes": territory.perimeter_codes})
        version = data.pop("version", None)
        territory_update(territory=territory, version=version, level=perimeter["level"],
                         codes=perimeter["codes"],
                         cooperation_territories=list(territory.cooperation_territories.all()),
                         **data)
        return Response(self._read(territory))

    @extend_schema(request=CooperationCodeSerializer,
                   responses={201: CooperationTerritorySerializer},
                   summary="Ajouter un territoire de coopération prioritaire par son code officiel")
    @action(detail=True, methods=["post"], url_path="cooperation")
    def add_cooperation(self, request, slug=None):
        """Name any commune or EPCI of the official geography as a priority cooperation
        territory: the platform territory of that exact perimeter, created as a draft when
        there is none. An unknown code is refused (400, `unknown_code`), a territory
        already named too (409, `already_cooperating`)."""
        territory = self.get_object()
        serializer = CooperationCodeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        other = cooperation_territory_add(territory=territory, by=request.user,
                                          code=serializer.validated_data["code"])
        return Response(CooperationTerritorySerializer(other).data,
                        status=status.HTTP_201_CREATED)

    def _read(self, territory):
        # Population and commune count are annotations: read the row back with them.
        return self.get_serializer(self.get_queryset().get(pk=territory.pk)).data


class ItemViewSet(viewsets.ModelViewSet):
    """Items of the map: anyone reads what they may see; the territory's editors change them."""

    permission_classes = [AccessPermission]
    public = True
    write_right = "map"
    model = None
    select_related = ("territory",)

    def get_queryset(self):
        items = self.model.objects.order_by("name", "pk")
        if self.action != "list":
            items = items.select_related(*self.select_related)
        return visible_items(self.request.user, items)

    def list(self, request, *args, **kwargs):
        # Rows, not model instances (territories.api.rows): the same JSON, the columns it
        # sends only (never a territory's perimeter).
        rows = self.filter_queryset(self.get_queryset()).values(
            *self.get_serializer_class().row_columns())
        page = self.paginate_queryset(rows)
        self.attach(page)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def attach(self, rows):
        """Add to the page's rows what is not a column of theirs (ATTACHED_FIELDS)."""

    def access_of(self, item):
        return access_to_territory(self.request.user, item.territory)

    def perform_create(self, serializer):
        access_to_territory(self.request.user,
                            serializer.validated_data["territory"]).require("map")
        fields = dict(serializer.validated_data)
        fields.pop("version", None)
        serializer.instance = item_save(item=self.model(), fields=fields)

    def perform_update(self, serializer):
        fields = dict(serializer.validated_data)
        version = fields.pop("version", None)
        serializer.instance = item_save(item=serializer.instance, fields=fields, version=version)


@extend_schema(tags=["acteurs"])
class ActorViewSet(ItemViewSet):
    """Actors of the step-1 map, filtered by territory, type, theme, commune or status."""

    model = Actor
    serializer_class = ActorSerializer
    filterset_class = ActorApiFilterSet
    select_related = ("territory", "commune")

    def get_queryset(self):
        actors = super().get_queryset()
        return actors if self.action == "list" else actors.prefetch_related("themes")

    def attach(self, rows):
        """The page's themes, in one query: their slugs, in the themes' order (by name)."""
        themes = {}
        for actor, theme in Actor.themes.through.objects.filter(
                actor_id__in=[row["id"] for row in rows]).order_by(
                "theme__name", "theme_id").values_list("actor_id", "theme_id"):
            themes.setdefault(actor, []).append(theme)
        for row in rows:
            row["themes"] = themes.get(row["id"], [])


@extend_schema(tags=["lieux"])
class PlaceViewSet(ItemViewSet):
    """Places realised or emerging: tiers-lieux, friches, fablabs…"""

    model = Place
    serializer_class = PlaceSerializer
    filterset_class = PlaceApiFilterSet
    select_related = ("territory", "commune")
