"""The funders' webhooks in the API: the same services and access as the funder's page.

A funder's reviewers and staff see, register, change and delete its webhooks and read
their delivery log; anyone else sees none (404) and cannot register one (403). JSON only.
"""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from cluster.api.parsers import JSONParser
from cluster.api.schema import ErrorSerializer, ValidationErrorSerializer
from funding.api.webhook_serializers import (
    WebhookDeliverySerializer,
    WebhookEndpointSecretSerializer,
    WebhookEndpointSerializer,
    WebhookEndpointUpdateSerializer,
    WebhookResendSerializer,
)
from funding.models import WebhookDelivery, WebhookEndpoint
from funding.permissions import FunderAccess, FunderRight, managed_funders
from funding.webhook_services import (
    webhook_delivery_resend,
    webhook_endpoint_create,
    webhook_endpoint_delete,
    webhook_endpoint_update,
    webhook_secret_regenerate,
)

UNAUTHENTICATED = OpenApiResponse(ErrorSerializer, description="Jeton absent ou invalide")
FORBIDDEN = OpenApiResponse(
    ErrorSerializer, description="Financeur dont la personne n'est pas instructeur·rice")
NOT_FOUND = OpenApiResponse(
    ErrorSerializer, description="Webhook inconnu ou d'un autre financeur")
INVALID = OpenApiResponse(
    ValidationErrorSerializer,
    description="Adresse refusée (pas HTTPS, privée, mal formée) ou évènements invalides")
READ_ERRORS = {401: UNAUTHENTICATED, 404: NOT_FOUND}
WRITE_ERRORS = {400: INVALID, 401: UNAUTHENTICATED, 404: NOT_FOUND}
DELIVERY_ID = OpenApiParameter("delivery_pk", int, OpenApiParameter.PATH,
                               description="Identifiant de l'envoi.")


class FunderPermission(permissions.BasePermission):
    """A webhook is its funder's: the funder's access object says who manages it."""

    def has_object_permission(self, request, view, obj):
        return FunderAccess.of(request.user, obj.funder).may(FunderRight.MANAGE_WEBHOOKS)


@extend_schema(tags=["webhooks"])
@extend_schema_view(
    list=extend_schema(summary="Webhooks de mes financeurs",
                       responses={200: WebhookEndpointSerializer(many=True),
                                  401: UNAUTHENTICATED}),
    retrieve=extend_schema(summary="Un webhook",
                           responses={200: WebhookEndpointSerializer, **READ_ERRORS}),
    create=extend_schema(summary="Déclarer un webhook (son secret n'est renvoyé qu'ici)",
                         request=WebhookEndpointSerializer,
                         responses={201: WebhookEndpointSecretSerializer, 400: INVALID,
                                    401: UNAUTHENTICATED, 403: FORBIDDEN}),
    partial_update=extend_schema(summary="Modifier l'adresse, les évènements ou l'état",
                                 request=WebhookEndpointUpdateSerializer,
                                 responses={200: WebhookEndpointUpdateSerializer,
                                            **WRITE_ERRORS}),
    destroy=extend_schema(summary="Supprimer un webhook et le journal de ses envois",
                          responses={204: None, **READ_ERRORS}),
)
class WebhookEndpointViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                             mixins.CreateModelMixin, mixins.UpdateModelMixin,
                             mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """HTTPS addresses to which the platform POSTs the events of a funder's dossiers.

    Each delivery is signed: header `X-Cluster-Signature: t=<unix>,v1=<hex>`, the
    HMAC-SHA256 with the webhook's secret of `"<t>.<body>"`. Failed deliveries are
    retried after 1 min, 5 min, 30 min, 2 h and 12 h.
    """

    permission_classes = [permissions.IsAuthenticated, FunderPermission]
    parser_classes = [JSONParser]
    serializer_class = WebhookEndpointSerializer
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        return WebhookEndpoint.objects.filter(
            funder__in=managed_funders(self.request.user)).select_related(
            "funder").order_by("pk")

    def get_serializer_class(self):
        if self.action == "partial_update":
            return WebhookEndpointUpdateSerializer
        return WebhookEndpointSerializer

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        FunderAccess.of(request.user, data["funder"]).require(FunderRight.MANAGE_WEBHOOKS)
        endpoint = webhook_endpoint_create(funder=data["funder"], url=data["url"],
                                           events=data["events"],
                                           is_active=data["is_active"], by=request.user)
        return Response(WebhookEndpointSecretSerializer(endpoint).data,
                        status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        endpoint = self.get_object()
        serializer = self.get_serializer(endpoint, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        webhook_endpoint_update(endpoint=endpoint, url=data.get("url"),
                                events=data.get("events"), is_active=data.get("is_active"))
        return Response(self.get_serializer(endpoint).data)

    def perform_destroy(self, endpoint):
        webhook_endpoint_delete(endpoint=endpoint)

    @extend_schema(summary="Renouveler le secret (le nouveau n'est renvoyé qu'ici)",
                   request=None,
                   responses={200: WebhookEndpointSecretSerializer, **READ_ERRORS})
    @action(detail=True, methods=["post"], url_path="secret")
    def secret(self, request, pk=None):
        endpoint = self.get_object()
        webhook_secret_regenerate(endpoint=endpoint)
        return Response(WebhookEndpointSecretSerializer(endpoint).data)

    @extend_schema(summary="Journal des envois, du plus récent au plus ancien",
                   responses={200: WebhookDeliverySerializer(many=True), **READ_ERRORS})
    @action(detail=True, methods=["get"], url_path="envois")
    def deliveries(self, request, pk=None):
        endpoint = self.get_object()
        page = self.paginate_queryset(endpoint.deliveries.order_by("-created_at", "-pk"))
        return self.get_paginated_response(WebhookDeliverySerializer(page, many=True).data)

    @extend_schema(summary="Renvoyer un envoi (sans effet s'il est déjà en cours ou "
                           "programmé)", request=None, parameters=[DELIVERY_ID],
                   responses={202: WebhookResendSerializer, **READ_ERRORS})
    @action(detail=True, methods=["post"], url_path=r"envois/(?P<delivery_pk>[0-9]+)/renvoyer")
    def resend(self, request, pk=None, delivery_pk=None):
        endpoint = self.get_object()
        delivery = get_object_or_404(WebhookDelivery, pk=delivery_pk, endpoint=endpoint)
        queued = webhook_delivery_resend(delivery=delivery)
        delivery.refresh_from_db()
        return Response({"queued": queued,
                         "delivery": WebhookDeliverySerializer(delivery).data},
                        status=status.HTTP_202_ACCEPTED)
