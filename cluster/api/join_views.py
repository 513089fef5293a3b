"""API of join requests: a person asks to join a collective, its facilitators accept or
refuse; the same services as the pages (same rules, same e-mails)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from cluster.join_models import JoinRequest
from cluster.models import Collective
from cluster.onboarding import join_request_decide, join_request_send
from cluster.permissions import access_to_collective, person_access, visible_join_requests
from cluster.stewardship_models import MESSAGE_MAX_LENGTH
from territories.token_scope import narrow_to_token_scope


class JoinRequestSerializer(serializers.ModelSerializer):
    collective_name = serializers.CharField(source="collective.name", read_only=True)
    person = serializers.CharField(source="user", read_only=True,
                                   help_text=_("Nom de la personne qui demande."))

    class Meta:
        model = JoinRequest
        fields = ["id", "collective", "collective_name", "person", "message", "status",
                  "created_at", "decided_at"]
        read_only_fields = fields


class JoinRequestCreateSerializer(serializers.Serializer):
    collective = serializers.PrimaryKeyRelatedField(
        queryset=Collective.objects.all(), help_text=_("Identifiant du collectif à rejoindre."))
    message = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=MESSAGE_MAX_LENGTH,
        help_text=_("Présentez-vous : votre structure, ce que vous voulez apporter."))


DECISION_DOC = _("Réservé aux animateur·rices du collectif et à l'équipe nationale (403 "
                 "sinon). La personne reçoit la réponse par e-mail. 409 si la demande a déjà "
                 "reçu une réponse.")


@extend_schema(tags=["demandes-d-adhesion"])
@extend_schema_view(
    list=extend_schema(summary="Demandes d'adhésion",
                       description="Les demandes de la personne et celles envoyées aux "
                                   "collectifs dont elle est animateur·rice (toutes pour "
                                   "l'équipe nationale). Filtrez par « status=pending » pour "
                                   "celles qui attendent une réponse."),
    retrieve=extend_schema(summary="Une demande d'adhésion"),
)
class JoinRequestViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Requests to join a collective, answered by its facilitators."""

    serializer_class = JoinRequestSerializer
    permission_classes = [permissions.IsAuthenticated]
    filterset_fields = ["status", "collective"]

    def get_queryset(self):
        return visible_join_requests(self.request.user).select_related(
            "collective", "user").order_by("-created_at", "-pk")

    @extend_schema(
        summary="Demander à rejoindre un collectif",
        description="Les animateur·rices du collectif reçoivent la demande par e-mail. 409 si "
                    "la personne en fait déjà partie ou si sa demande attend déjà une réponse.",
        request=JoinRequestCreateSerializer,
        responses={201: JoinRequestSerializer,
                   409: OpenApiResponse(description="Déjà membre, ou demande en attente.")},
    )
    def create(self, request, *args, **kwargs):
        person_access(request.user).require("join_collective")
        serializer = JoinRequestCreateSerializer(data=request.data)
        # A token limited to one collective reaches no other one.
        serializer.fields["collective"].queryset = narrow_to_token_scope(
            Collective.objects.all(), request.user, collective_path="pk")
        serializer.is_valid(raise_exception=True)
        join_request = join_request_send(by=request.user, **serializer.validated_data)
        return Response(self.get_serializer(join_request).data, status=status.HTTP_201_CREATED)

    def _decide(self, request, accept):
        join_request = self.get_object()
        access_to_collective(request.user, join_request.collective).require("manage")
        join_request = join_request_decide(join_request=join_request, accept=accept,
                                           by=request.user)
        return Response(self.get_serializer(join_request).data)

    @extend_schema(summary="Accepter une demande : la personne devient membre",
                   description=DECISION_DOC, request=None,
                   responses={200: JoinRequestSerializer,
                              409: OpenApiResponse(description="Déjà décidée.")})
    @action(detail=True, methods=["post"], url_path="accepter")
    def accept(self, request, pk=None):
        return self._decide(request, accept=True)

    @extend_schema(summary="Refuser une demande", description=DECISION_DOC, request=None,
                   responses={200: JoinRequestSerializer,
                              409: OpenApiResponse(description="Déjà décidée.")})
    @action(detail=True, methods=["post"], url_path="refuser")
    def refuse(self, request, pk=None):
        return self._decide(request, accept=False)
