"""API of territory stewardship: requests for a cluster on a territory another collective
stewards, through the same services and helpers as the pages."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from cluster.api.cluster_serializers import ClusterSerializer
from cluster.models import ClusterRequest
from cluster.permissions import access_to_cluster_request, visible_cluster_requests
from cluster.stewardship import cluster_request_accept, cluster_request_refuse
from cluster.stewardship_models import MESSAGE_MAX_LENGTH


class ClusterRequestSerializer(serializers.ModelSerializer):
    collective = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    territory = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = ClusterRequest
        fields = ["id", "collective", "territory", "start_date", "duration_months", "message",
                  "status", "created_at", "decided_at", "answer", "cluster"]
        read_only_fields = fields


class ClusterCreateSerializer(ClusterSerializer):
    """A new cluster, with a message for the steward in case the territory has another one."""

    message = serializers.CharField(
        write_only=True, required=False, allow_blank=True, default="",
        max_length=MESSAGE_MAX_LENGTH,
        help_text=_("Message au collectif qui anime le territoire, s'il en a un autre."))

    class Meta(ClusterSerializer.Meta):
        fields = [*ClusterSerializer.Meta.fields, "message"]
        # The service answers a duplicate with 409, after the check of who asks.
        validators = []


class ClusterRequestSentSerializer(serializers.Serializer):
    """What POST /api/clusters/ answers (202) when the request went to the steward."""

    detail = serializers.CharField()
    code = serializers.CharField()
    request = ClusterRequestSerializer()


class DecisionSerializer(serializers.Serializer):
    answer = serializers.CharField(required=False, allow_blank=True,
                                   max_length=MESSAGE_MAX_LENGTH, default="",
                                   help_text=_("Réponse lue par le collectif demandeur."))


DECISION_DOC = _("Réservé aux animateur·rices du collectif qui anime le territoire et à "
                 "l'équipe nationale (403 sinon). 409 si la demande a déjà reçu une réponse.")


@extend_schema(tags=["clusters"])
@extend_schema_view(
    list=extend_schema(summary="Demandes de cluster",
                       description="Celles des collectifs de la personne et celles qui "
                                   "visent les territoires qu'anime un collectif dont elle "
                                   "est animateur·rice (toutes pour l'équipe nationale)."),
    retrieve=extend_schema(summary="Une demande de cluster"),
)
class ClusterRequestViewSet(viewsets.ReadOnlyModelViewSet):
    """Requests of collectives for a cluster on a territory another collective stewards."""

    serializer_class = ClusterRequestSerializer
    permission_classes = [permissions.IsAuthenticated]
    filterset_fields = ["status", "territory__slug", "collective__slug"]

    def get_queryset(self):
        return visible_cluster_requests(self.request.user).select_related(
            "collective", "territory").order_by("-created_at", "-pk")

    def _decide(self, request, service):
        cluster_request = self.get_object()
        access_to_cluster_request(request.user, cluster_request).require("decide")
        serializer = DecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        cluster_request = service(cluster_request=cluster_request, by=request.user,
                                  answer=serializer.validated_data["answer"])
        return Response(ClusterRequestSerializer(cluster_request).data)

    @extend_schema(summary="Accepter une demande : le cluster est créé",
                   description=DECISION_DOC, request=DecisionSerializer,
                   responses={200: ClusterRequestSerializer,
                              409: OpenApiResponse(description="Déjà décidée.")})
    @action(detail=True, methods=["post"], url_path="accepter")
    def accept(self, request, pk=None):
        return self._decide(request, cluster_request_accept)

    @extend_schema(summary="Refuser une demande", description=DECISION_DOC,
                   request=DecisionSerializer,
                   responses={200: ClusterRequestSerializer,
                              409: OpenApiResponse(description="Déjà décidée.")})
    @action(detail=True, methods=["post"], url_path="refuser")
    def refuse(self, request, pk=None):
        return self._decide(request, cluster_request_refuse)
