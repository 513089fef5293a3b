"""API of the projects app: the same rules as the pages, through the same services."""

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from projects.api.filters import EventFilterSet
from projects.api.serializers import (
    EventSerializer,
    RegistrationCreateSerializer,
    RegistrationSerializer,
)
from projects.models import Project
from projects.permissions import can_manage_events, visible_events
from projects.selectors import events_with_counts
from projects.services import event_create, event_update, registration_create

# Projects ---------------------------------------------------------------------------------

# Events -----------------------------------------------------------------------------------

EVENT_MANAGERS_ONLY = _("Seuls les animateur·rices du collectif organisent ses évènements.")


class EventPermission(permissions.BasePermission):
    """Anyone reads the events they may see; facilitators and staff change them."""

    message = EVENT_MANAGERS_ONLY

    def has_permission(self, request, view):
        return request.method in permissions.SAFE_METHODS or request.user.is_authenticated

    def has_object_permission(self, request, view, obj):
        return (request.method in permissions.SAFE_METHODS
                or can_manage_events(request.user, obj.cluster))


@extend_schema(tags=["évènements"])
class EventViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin,
                   viewsets.ReadOnlyModelViewSet):
    """Events (step 5): published ones for everybody, drafts for their collective and staff.

    Facilitators of the collective and staff create and change them; anyone registers to a
    published event through `inscriptions`.
    """

    serializer_class = EventSerializer
    permission_classes = [EventPermission]
    filterset_class = EventFilterSet

    def get_queryset(self):
        return events_with_counts(visible_events(self.request.user)).select_related(
            "place", "cluster").prefetch_related(
            Prefetch("projects", queryset=Project.objects.only("pk"))).order_by(
            "starts_at", "pk")

    def get_serializer(self, *args, **kwargs):
        serializer = super().get_serializer(*args, **kwargs)
        if getattr(serializer, "instance", None) is not None and not kwargs.get("many"):
            serializer.fields["cluster"].read_only = True
        return serializer

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        cluster = data.pop("cluster")
        if not can_manage_events(request.user, cluster):
            self.permission_denied(request, message=EVENT_MANAGERS_ONLY)
        event = event_create(cluster=cluster, **data)
        return Response(self._read(event), status=status.HTTP_201_CREATED)

    def update(self, request, *args, partial=False, **kwargs):
        event = self.get_object()
        serializer = self.get_serializer(event, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("cluster", None)
        projects = data.pop("projects", None)
        event, _promoted = event_update(event=event, projects=projects, **data)
        return Response(self._read(event))

    def _read(self, event):
        # The counts are annotations: read the row back with them.
        return self.get_serializer(self.get_queryset().get(pk=event.pk)).data

    @extend_schema(
        methods=["GET"], summary="Inscriptions à l'évènement",
        description="Les inscriptions, dans l'ordre : réservé aux animateur·rices du "
                    "collectif et à l'équipe nationale.",
        responses=RegistrationSerializer(many=True),
    )
    @extend_schema(
        methods=["POST"], summary="S'inscrire à l'évènement",
        description="Ouvert à tous pour un évènement publié et pas encore commencé. "
                    "L'inscription est confirmée dans la limite des places, sinon mise sur "
                    "liste d'attente (`status`). Un e-mail de confirmation part avec un lien "
                    "d'annulation. Une même adresse ne s'inscrit qu'une fois (409).",
        request=RegistrationCreateSerializer,
        responses={
            201: RegistrationSerializer,
            400: OpenApiResponse(description="Données invalides, évènement non publié."),
            404: OpenApiResponse(description="Évènement introuvable."),
            409: OpenApiResponse(description="Adresse déjà inscrite, inscriptions closes."),
        },
    )
    @action(detail=True, methods=["get", "post"], url_path="inscriptions",
            permission_classes=[permissions.AllowAny], filter_backends=[])
    def registrations(self, request, pk=None):
        event = self.get_object()
        if request.method == "POST":
            serializer = RegistrationCreateSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            registration = registration_create(event=event, **serializer.validated_data)
            return Response(RegistrationSerializer(registration).data,
                            status=status.HTTP_201_CREATED)
        if not can_manage_events(request.user, event.cluster):
            self.permission_denied(request, message=EVENT_MANAGERS_ONLY)
        page = self.paginate_queryset(event.registrations.order_by("created_at", "pk"))
        return self.get_paginated_response(RegistrationSerializer(page, many=True).data)
