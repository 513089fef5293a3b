"""API of the schéma directeur: its versions and their PDFs, under the pages' rules."""

import django_filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, renderers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from cluster.api.masterplan_serializers import (
    MasterPlanGenerateSerializer,
    MasterPlanVersionDetailSerializer,
    MasterPlanVersionSerializer,
)
from cluster.api.renderers import PdfRenderer
from cluster.models import MasterPlanVersion
from cluster.permissions import access_to_cluster, readable_master_plan_versions
from cluster.services import master_plan_generate
from cluster.views.masterplan import pdf_filename, pdf_response


class MasterPlanVersionFilter(django_filters.FilterSet):
    cluster = django_filters.NumberFilter(field_name="plan__cluster", label="cluster")
    territory = django_filters.CharFilter(field_name="plan__cluster__territory__slug",
                                          label="territoire (identifiant)")
    published = django_filters.BooleanFilter(field_name="published_at", lookup_expr="isnull",
                                             exclude=True, label="publiée")

    class Meta:
        model = MasterPlanVersion
        fields = ["cluster", "territory", "status", "published", "is_adopted"]


@extend_schema(tags=["schemas-directeurs"])
@extend_schema_view(
    list=extend_schema(
        summary="Versions des schémas directeurs",
        description=("Les membres d'un collectif (et l'équipe nationale) lisent toutes les "
                     "versions de leurs clusters ; tout le monde, même sans compte, lit les "
                     "versions publiées des territoires publiés.")),
    retrieve=extend_schema(summary="Une version, avec ses sections figées"),
)
class MasterPlanVersionViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Generated versions of the schéma directeur: each one a frozen snapshot and its PDF."""

    permission_classes = [permissions.IsAuthenticatedOrReadOnly]
    filterset_class = MasterPlanVersionFilter

    def get_queryset(self):
        queryset = readable_master_plan_versions(self.request.user).select_related(
            "plan", "created_by").order_by("-created_at", "-pk")
        if self.action == "list":
            queryset = queryset.defer("snapshot", "html")
        return queryset

    def get_serializer_class(self):
        if self.action == "create":
            return MasterPlanGenerateSerializer
        if self.action == "retrieve":
            return MasterPlanVersionDetailSerializer
        return MasterPlanVersionSerializer

    @extend_schema(
        summary="Générer une version",
        description=("Réservé aux animateur·rices du collectif et à l'équipe nationale. Fige "
                     "les sections et les données du cluster de l'instant, puis produit le PDF "
                     "en tâche de fond : la version est renvoyée « pending » jusqu'à ce que son "
                     "PDF soit prêt. 409 si une génération est déjà en cours."),
        request=MasterPlanGenerateSerializer,
        responses={201: MasterPlanVersionDetailSerializer},
    )
    def create(self, request, *args, **kwargs):
        serializer = MasterPlanGenerateSerializer(data=request.data,
                                                  context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        cluster = serializer.validated_data["cluster"]
        access_to_cluster(request.user, cluster).require("adopt_master_plan")
        version = master_plan_generate(cluster=cluster, by=request.user)
        version = self.get_queryset().get(pk=version.pk)
        return Response(MasterPlanVersionDetailSerializer(
            version, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Télécharger le PDF de la version",
        responses={(200, PdfRenderer.media_type): OpenApiTypes.BINARY,
                   404: OpenApiResponse(description="Version introuvable ou PDF pas encore "
                                                    "prêt.")},
    )
    @action(detail=True, methods=["get"], url_path="pdf", url_name="pdf",
            renderer_classes=[renderers.JSONRenderer, PdfRenderer])
    def pdf(self, request, pk=None):
        version = self.get_object()
        response = pdf_response(version, pdf_filename(version))
        if version.published_at is None:
            response["Cache-Control"] = "private, no-store"
        return response
