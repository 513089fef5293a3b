"""The national dashboard's figures in the API: the same as /reseau/, for the same people.

Anyone reads them for the published territories; the national team (staff) for every
territory, with the funds. Figures from projects and funding come through the registry
of cluster/network.py, as for the page.
"""

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, permissions, viewsets
from rest_framework.response import Response

from cluster.api.network_serializers import (
    ComparisonSerializer,
    IndicatorContributionSerializer,
    NetworkSummarySerializer,
    SharedIndicatorSerializer,
    TerritoryRowSerializer,
)
from cluster.api.schema import ErrorSerializer
from cluster.errors import DomainError
from cluster.models import SharedIndicator
from cluster.network import indicator_contributions, same_unit
from cluster.network_dashboard import (
    compare_territories,
    network_dashboard,
    network_territories,
    territory_rows,
)
from territories.permissions import national_access


def _staff_access(request):
    return national_access(request.user).can_coordinate


@extend_schema(tags=["reseau"])
class NetworkSummaryView(generics.GenericAPIView):
    """The network's figures: territories by wave and label status, défis and objectives,
    projects by stage, funds (national team only) and the shared indicators of the five
    national themes by year.

    Indicators add up across territories only in their own unit: counts are summed, shares
    (%) averaged; for each objective, the latest measurement of each year counts.
    """

    permission_classes = [permissions.AllowAny]
    serializer_class = NetworkSummarySerializer
    pagination_class = None

    def get(self, request):
        staff = _staff_access(request)
        data = network_dashboard(network_territories(staff=staff), public=not staff,
                                 today=timezone.localdate())
        summary = data["summary"]
        keys = [status for status, _label in summary["statuses"]]
        return Response(self.get_serializer({
            **summary, "funds": summary["funds"] if staff else None,
            "waves": [{"wave": wave["wave"], "counts": dict(zip(keys, wave["counts"],
                                                                strict=True)),
                       "total": wave["total"]} for wave in summary["waves"]],
            "themes": data["themes"],
        }).data)


@extend_schema(tags=["reseau"])
class NetworkTerritoryList(generics.ListAPIView):
    """Each territory of the network, where it stands: label, wave, roadmap step, défis,
    objectives by state, projects by stage, funds (national team only). Paginated."""

    permission_classes = [permissions.AllowAny]
    serializer_class = TerritoryRowSerializer

    def get_queryset(self):
        return network_territories(staff=_staff_access(self.request))

    def list(self, request, *args, **kwargs):
        staff = _staff_access(request)
        page = self.paginate_queryset(self.get_queryset())
        rows = territory_rows(page, public=not staff, today=timezone.localdate())
        return self.get_paginated_response(self.get_serializer(rows, many=True).data)


@extend_schema(tags=["reseau"])
class SharedIndicatorViewSet(viewsets.ReadOnlyModelViewSet):
    """The national catalogue of shared indicators, by theme, with their fixed unit and
    direction: an objective that adopts one takes its unit and direction."""

    permission_classes = [permissions.AllowAny]
    serializer_class = SharedIndicatorSerializer
    queryset = SharedIndicator.objects.select_related("theme").order_by("theme__name", "name")
    lookup_field = "slug"
    filterset_fields = ["theme"]


@extend_schema(tags=["reseau"])
class ContributionList(generics.ListAPIView):
    """Every figure a shared indicator's totals are made of: the latest measurement of each
    year of each objective (or project outcome), with its territory and source. Paginated."""

    permission_classes = [permissions.AllowAny]
    serializer_class = IndicatorContributionSerializer
    queryset = SharedIndicator.objects.none()  # the schema's path parameter: a slug

    def list(self, request, *args, **kwargs):
        indicator = get_object_or_404(SharedIndicator, slug=kwargs["slug"])
        staff = _staff_access(request)
        ids = list(network_territories(staff=staff).values_list("pk", flat=True))
        contributions = indicator_contributions(ids, public=not staff, indicators=[indicator])
        page = self.paginate_queryset(contributions)
        rows = [{**item.__dict__, "year": item.year, "counted": same_unit(item, indicator)}
                for item in page]
        return self.get_paginated_response(self.get_serializer(rows, many=True).data)


@extend_schema(tags=["reseau"])
class ComparisonView(generics.GenericAPIView):
    """Two territories or more side by side (at most 8): ?t=slug&t=slug."""

    permission_classes = [permissions.AllowAny]
    serializer_class = ComparisonSerializer
    pagination_class = None

    @extend_schema(
        parameters=[OpenApiParameter("t", str, many=True, required=True,
                                     description="Identifiant d'un territoire, répété.")],
        responses={200: ComparisonSerializer, 400: OpenApiResponse(
            ErrorSerializer, description="Moins de deux territoires, ou un identifiant "
                                         "inconnu (« unknown_territory »).")})
    def get(self, request):
        staff = _staff_access(request)
        comparison = compare_territories(request.query_params.getlist("t"), staff=staff,
                                         today=timezone.localdate())
        if comparison["error"]:
            raise DomainError(comparison["error"], code="unknown_territory"
                              if comparison["unknown"] else "too_few_territories")
        return Response(self.get_serializer(comparison).data)

