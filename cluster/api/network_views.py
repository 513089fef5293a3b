"""API of transfers of expertise between peer territories: the same services and access
objects as the pages (same rules, same e-mails)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from cluster.models import Cluster, Transfer
from cluster.network_models import TEXT_MAX_LENGTH
from cluster.network_permissions import access_to_transfer, visible_transfers
from cluster.permissions import access_to_cluster, visible_clusters
from cluster.services.network import transfer_ask, transfer_decide, transfer_record_held
from territories.models import Theme
from territories.permissions import AccessPermission


class TransferSerializer(serializers.ModelSerializer):
    requester_territory = serializers.CharField(source="requester.territory.name",
                                                read_only=True)
    provider_territory = serializers.CharField(source="provider.territory.name",
                                               read_only=True)
    held_on = serializers.DateField(read_only=True, allow_null=True,
                                    help_text=_("Date du transfert réalisé, sinon null."))
    decided_at = serializers.DateTimeField(read_only=True, allow_null=True)

    class Meta:
        model = Transfer
        fields = ["id", "requester", "requester_territory", "provider", "provider_territory",
                  "theme", "subject", "format", "status", "answer", "held_on", "outcome",
                  "source", "asked_at", "decided_at"]
        read_only_fields = fields


class TransferCreateSerializer(serializers.Serializer):
    requester = serializers.PrimaryKeyRelatedField(
        queryset=Cluster.objects.none(),
        help_text=_("Votre cluster, qui demande l'expertise (réservé à ses animateur·rices)."))
    provider = serializers.PrimaryKeyRelatedField(
        queryset=Cluster.objects.filter(territory__is_published=True),
        help_text=_("Le cluster du territoire pair sollicité (territoire publié)."))
    theme = serializers.SlugRelatedField(
        slug_field="slug", queryset=Theme.objects.national(), required=False,
        allow_null=True, default=None,
        help_text=_("Identifiant de l'un des cinq thèmes nationaux ; null pour un "
                    "savoir-faire transversal."))
    subject = serializers.CharField(max_length=300)
    format = serializers.ChoiceField(choices=Transfer.Format.choices)


class AnswerSerializer(serializers.Serializer):
    answer = serializers.CharField(required=False, allow_blank=True, default="",
                                   max_length=TEXT_MAX_LENGTH)


class HeldSerializer(serializers.Serializer):
    held_on = serializers.DateField(help_text=_("Passée ou d'aujourd'hui."))
    format = serializers.ChoiceField(choices=Transfer.Format.choices)
    outcome = serializers.CharField(max_length=TEXT_MAX_LENGTH)


ANSWER_DOC = _("Réservé aux animateur·rices du territoire sollicité et à l'équipe nationale "
               "(403 sinon). Le territoire demandeur reçoit la réponse par e-mail. 409 si le "
               "transfert a déjà reçu une réponse.")
CONFLICT = OpenApiResponse(description="Le transfert n'est plus dans l'état requis.")


@extend_schema(tags=["transferts"])
@extend_schema_view(
    list=extend_schema(summary="Transferts d'expertise",
                       description="Ceux des collectifs de la personne (tous pour l'équipe "
                                   "nationale), et ceux acceptés ou réalisés entre territoires "
                                   "publiés, visibles de tous."),
    retrieve=extend_schema(summary="Un transfert d'expertise"),
)
class TransferViewSet(viewsets.ReadOnlyModelViewSet):
    """Transfers of expertise: asked, accepted or refused by the peer, then held."""

    serializer_class = TransferSerializer
    permission_classes = [AccessPermission]
    public = True
    write_right = None  # each action asks its own right below
    filterset_fields = ["status", "theme"]

    def get_queryset(self):
        return visible_transfers(self.request.user).select_related(
            "requester__territory", "provider__territory", "requester__collective",
            "provider__collective").order_by("-asked_at", "-pk")

    def access_of(self, transfer):
        return access_to_transfer(self.request.user, transfer)

    @extend_schema(
        summary="Demander un transfert d'expertise à un territoire pair",
        description="Réservé aux animateur·rices du cluster demandeur (403 sinon). Les "
                    "animateur·rices du pair reçoivent la demande par e-mail. 400 vers son "
                    "propre territoire ; 409 si le même transfert (même pair, même thème) est "
                    "déjà en cours.",
        request=TransferCreateSerializer,
        responses={201: TransferSerializer,
                   400: OpenApiResponse(description="Données invalides ou propre territoire."),
                   403: OpenApiResponse(description="Pas animateur·rice du cluster."),
                   409: OpenApiResponse(description="Transfert déjà en cours.")},
    )
    def create(self, request, *args, **kwargs):
        serializer = TransferCreateSerializer(data=request.data)
        # A cluster the person reads: a member is told why (403), anyone else learns nothing.
        serializer.fields["requester"].queryset = visible_clusters(request.user) \
            .select_related("territory", "collective")
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        access_to_cluster(request.user, data["requester"]).require("steer")
        transfer = transfer_ask(by=request.user, **data)
        return Response(self.get_serializer(transfer).data, status=status.HTTP_201_CREATED)

    def _answer(self, request, accept):
        transfer = self.get_object()
        self.access_of(transfer).require("decide")
        serializer = AnswerSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        transfer = transfer_decide(transfer=transfer, accept=accept, by=request.user,
                                   **serializer.validated_data)
        return Response(self.get_serializer(transfer).data)

    @extend_schema(summary="Accepter une demande de transfert", description=ANSWER_DOC,
                   request=AnswerSerializer, responses={200: TransferSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"], url_path="accepter")
    def accept(self, request, pk=None):
        return self._answer(request, accept=True)

    @extend_schema(summary="Refuser une demande de transfert", description=ANSWER_DOC,
                   request=AnswerSerializer, responses={200: TransferSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"], url_path="refuser")
    def refuse(self, request, pk=None):
        return self._answer(request, accept=False)

    @extend_schema(
        summary="Enregistrer le transfert réalisé",
        description="Réservé aux animateur·rices des deux territoires et à l'équipe nationale "
                    "(403 sinon), une fois le transfert accepté (409 sinon). Les deux "
                    "territoires sont prévenus par e-mail.",
        request=HeldSerializer, responses={200: TransferSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"], url_path="realise")
    def held(self, request, pk=None):
        transfer = self.get_object()
        self.access_of(transfer).require("record")
        serializer = HeldSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        transfer = transfer_record_held(transfer=transfer, by=request.user,
                                        **serializer.validated_data)
        return Response(self.get_serializer(transfer).data)
