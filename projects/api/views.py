"""API of the projects app: the same rules as the pages, through the same services."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from cluster.api.schema import ErrorSerializer
from projects.api.filters import EventFilterSet, ProjectApiFilterSet
from projects.api.serializers import (
    EventSerializer,
    ProjectDetailSerializer,
    ProjectOutcomeSerializer,
    ProjectSerializer,
    PrototypeDecisionSerializer,
    RegistrationCreateSerializer,
    RegistrationSerializer,
    ReplicationSerializer,
    StageMoveSerializer,
)
from projects.models import Project
from projects.outcomes import project_outcome_record
from projects.permissions import (
    RegistrationThrottle,
    access_to_projects,
    visible_events,
    visible_projects,
)
from projects.selectors import events_with_counts
from projects.services import (
    event_create,
    event_update,
    project_delete,
    project_move_stage,
    project_replicate,
    project_save,
    prototype_decision_record,
    registration_create,
)
from territories.permissions import AccessPermission

# Projects --------------------------------------------------------------------------------

LINKS = ("carriers", "partners", "themes", "objectives")


@extend_schema(tags=["projets"])
class ProjectViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin,
                     mixins.DestroyModelMixin, viewsets.ReadOnlyModelViewSet):
    """Projects: published ones for everybody, all of their clusters' for its collective.

    The stage changes only through `etape/`, one stage at a time, with a reason.
    """

    permission_classes = [AccessPermission]
    public = True
    write_right = "work_on"
    # Deleting checks its rights in its service; anyone who reads a project may take it up
    # in a cluster they steer (checked on that cluster).
    action_rights = {"destroy": None, "replicate": None}
    filterset_class = ProjectApiFilterSet
    lookup_field = "slug"

    def access_of(self, project):
        return access_to_projects(self.request.user, project.cluster)

    def get_queryset(self):
        return visible_projects(self.request.user).select_related(
            "cluster__territory", "replicated_from__origin").prefetch_related(
            "carriers", "partners", "themes", "objectives").order_by("pk")

    def get_serializer_class(self):
        return ProjectDetailSerializer if self.action == "retrieve" else ProjectSerializer

    def _save(self, serializer, project):
        data = dict(serializer.validated_data)
        version = data.pop("version", None)
        links = {name: data.pop(name) for name in LINKS if name in data}
        if project.pk is not None:
            links = {name: links.get(name, list(getattr(project, name).all()))
                     for name in LINKS}
        return project_save(project=project, fields=data, by=self.request.user,
                            version=version, **links)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        cluster = serializer.validated_data["cluster"]
        access_to_projects(request.user, cluster).require("work_on")
        project = self._save(serializer, Project(cluster=cluster))
        return Response(ProjectSerializer(project, context=self.get_serializer_context()).data,
                        status=status.HTTP_201_CREATED)

    def update(self, request, *args, partial=False, **kwargs):
        project = self.get_object()
        serializer = self.get_serializer(project, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        return Response(ProjectSerializer(self._save(serializer, project),
                                          context=self.get_serializer_context()).data)

    def perform_destroy(self, project):
        project_delete(project=project, by=self.request.user)

    @extend_schema(request=StageMoveSerializer, responses=ProjectDetailSerializer,
                   summary="Faire changer le projet d'étape")
    @action(detail=True, methods=["post"], url_path="etape")
    def move_stage(self, request, slug=None):
        project = self.get_object()
        serializer = StageMoveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        project_move_stage(project=project, to_stage=data["to_stage"], reason=data["reason"],
                           on=data["changed_on"], by=request.user)
        return Response(ProjectDetailSerializer(self.get_queryset().get(pk=project.pk),
                                                context=self.get_serializer_context()).data)

    @extend_schema(request=ProjectOutcomeSerializer,
                   responses={201: ProjectOutcomeSerializer,
                              409: OpenApiResponse(ErrorSerializer, description=(
                                  "Un résultat existe déjà à cette date pour cet "
                                  "indicateur (« duplicate_outcome »)."))},
                   summary="Déclarer un résultat du projet sur un indicateur partagé")
    @action(detail=True, methods=["post"], url_path="resultats")
    def report_outcome(self, request, slug=None):
        project = self.get_object()
        serializer = ProjectOutcomeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        outcome = project_outcome_record(project=project, by=request.user,
                                         **serializer.validated_data)
        return Response(ProjectOutcomeSerializer(outcome).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=PrototypeDecisionSerializer, responses={201: None},
                   summary="Enregistrer la décision du comité de pilotage de prototyper")
    @action(detail=True, methods=["post"], url_path="decisions")
    def decide(self, request, slug=None):
        project = self.get_object()
        serializer = PrototypeDecisionSerializer(data=request.data,
                                                 context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        decision = prototype_decision_record(project=project, by=request.user,
                                             **serializer.validated_data)
        return Response({"id": decision.pk, "text": decision.decision.text},
                        status=status.HTTP_201_CREATED)

    @extend_schema(request=ReplicationSerializer, responses={201: ProjectSerializer},
                   summary="Essaimer le projet dans un cluster d'un autre territoire")
    @action(detail=True, methods=["post"], url_path="essaimer")
    def replicate(self, request, slug=None):
        origin = self.get_object()
        serializer = ReplicationSerializer(data=request.data,
                                           context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        cluster = serializer.validated_data["cluster"]
        access_to_projects(request.user, cluster).require("replicate")
        replication = project_replicate(origin=origin, cluster=cluster, by=request.user,
                                        note=serializer.validated_data.get("note", ""))
        copy = get_object_or_404(self.get_queryset(), pk=replication.copy_id)
        return Response(ProjectSerializer(copy, context=self.get_serializer_context()).data,
                        status=status.HTTP_201_CREATED)


# Events -----------------------------------------------------------------------------------

@extend_schema(tags=["evenements"])
class EventViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin,
                   viewsets.ReadOnlyModelViewSet):
    """Events (step 5): published ones for everybody, drafts for their collective and staff.

    Facilitators of the collective and staff create and change them; anyone registers to a
    published event through `inscriptions`.
    """

    serializer_class = EventSerializer
    permission_classes = [AccessPermission]
    public = True
    write_right = "manage_events"
    filterset_class = EventFilterSet

    def get_queryset(self):
        return events_with_counts(visible_events(self.request.user)).select_related(
            "place", "cluster").prefetch_related(
            Prefetch("projects", queryset=Project.objects.only("pk"))).order_by(
            "starts_at", "pk")

    def access_of(self, event):
        return access_to_projects(self.request.user, event.cluster)

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
        data.pop("version", None)
        access_to_projects(request.user, cluster).require("manage_events")
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
        responses={200: RegistrationSerializer(many=True), 403: OpenApiResponse(
            ErrorSerializer, description="Réservé aux animateur·rices du collectif.")},
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
            429: OpenApiResponse(description="Trop d'inscriptions depuis cette adresse : "
                                             "réessayez plus tard."),
        },
    )
    @action(detail=True, methods=["get", "post"], url_path="inscriptions",
            permission_classes=[permissions.AllowAny], filter_backends=[])
    def registrations(self, request, pk=None):
        event = self.get_object()
        if request.method == "POST":
            throttle = RegistrationThrottle()
            if not throttle.allow_request(request, self):
                self.throttled(request, throttle.wait())
            serializer = RegistrationCreateSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            registration = registration_create(event=event, **serializer.validated_data)
            return Response(RegistrationSerializer(registration).data,
                            status=status.HTTP_201_CREATED)
        if not request.user.is_authenticated:
            self.permission_denied(request)  # 401: sign in first
        self.access_of(event).require("manage_events")
        page = self.paginate_queryset(event.registrations.order_by("created_at", "pk"))
        return self.get_paginated_response(RegistrationSerializer(page, many=True).data)
