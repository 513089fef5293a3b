"""API of clusters: the same rules as the pages, through the same services and helpers."""

import django_filters
from django.core.exceptions import ValidationError as ModelValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from cluster.api.cluster_serializers import (
    ChallengeSerializer,
    ClusterSerializer,
    CollectiveActorSerializer,
    CollectiveMemberSerializer,
    CollectiveSerializer,
    DeliverableSerializer,
    EngagementSerializer,
    InvitationCreateSerializer,
    InvitationSerializer,
    MeasurementSerializer,
    MilestoneMoveSerializer,
    MilestoneSerializer,
    ObjectiveSerializer,
    RoadmapStepSerializer,
    SteeringMeetingSerializer,
)
from cluster.api.stewardship_views import (
    ClusterCreateSerializer,
    ClusterRequestSentSerializer,
    ClusterRequestSerializer,
)
from cluster.models import (
    Challenge,
    Deliverable,
    Engagement,
    Measurement,
    Milestone,
    Objective,
    RoadmapStep,
    SteeringMeeting,
)
from cluster.permissions import (
    access_to_cluster,
    access_to_collective,
    visible_clusters,
    visible_collectives,
)
from cluster.selectors import (
    member_actor_links,
    member_people,
    objectives_with_latest,
    with_people_and_actors,
)
from cluster.services import (
    engagement_delete,
    engagement_save,
    invitation_create,
    measurement_record,
    milestone_add,
    milestone_complete,
    milestone_delete,
    milestone_move,
    milestone_reopen,
    milestone_update,
    objective_save,
    steering_meeting_delete,
    steering_meeting_save,
    step_update,
)
from cluster.stewardship import cluster_start
from territories.permissions import AccessPermission, visible_territories


class ClusterScopedMixin:
    """Objects reached through a cluster the person may read, changed as the cluster's access
    object says of `write_right`."""

    permission_classes = [AccessPermission]
    cluster_path = "cluster"
    write_right = "steer"

    def cluster_of(self, obj):
        for name in self.cluster_path.split("__"):
            obj = getattr(obj, name)
        return obj

    def access_of(self, obj):
        return access_to_cluster(self.request.user, self.cluster_of(obj))

    def scoped(self, queryset):
        return queryset.filter(**{f"{self.cluster_path}__in": visible_clusters(
            self.request.user)})

    def check_cluster(self, cluster):
        access_to_cluster(self.request.user, cluster).require(self.write_right)


class ClusterScopedViewSet(ClusterScopedMixin, viewsets.ModelViewSet):
    pass


@extend_schema(tags=["collectifs"])
class CollectiveViewSet(viewsets.ReadOnlyModelViewSet):
    """The collectives the person belongs to (all of them for staff), with their people
    and member actors."""

    serializer_class = CollectiveSerializer
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self):
        collectives = visible_collectives(self.request.user).order_by("name")
        if self.action in ("members", "actors"):
            return collectives
        return with_people_and_actors(collectives)

    def _page_of(self, rows, serializer_class):
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(serializer_class(page, many=True).data)

    @extend_schema(summary="Les personnes du collectif, page par page",
                   responses={200: CollectiveMemberSerializer(many=True)})
    @action(detail=True, methods=["get"], url_path="membres")
    def members(self, request, pk=None):
        return self._page_of(member_people(self.get_object()), CollectiveMemberSerializer)

    @extend_schema(summary="Les acteurs membres du collectif, page par page",
                   responses={200: CollectiveActorSerializer(many=True)})
    @action(detail=True, methods=["get"], url_path="acteurs")
    def actors(self, request, pk=None):
        return self._page_of(member_actor_links(self.get_object()),
                             CollectiveActorSerializer)

    @extend_schema(
        summary="Inviter une personne par e-mail",
        description=("Réservé aux animateur·rices du collectif et à l'équipe nationale. "
                     "La personne reçoit un lien valable quelques jours ; le secret du lien "
                     "n'est jamais renvoyé par l'API. 409 si elle fait déjà partie du collectif "
                     "ou si une invitation est déjà en attente pour cette adresse."),
        request=InvitationCreateSerializer,
        responses={201: InvitationSerializer},
    )
    @action(detail=True, methods=["post"], url_path="invitations")
    def invitations(self, request, pk=None):
        collective = self.get_object()
        access_to_collective(request.user, collective).require("manage")
        serializer = InvitationCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        invitation, _secret = invitation_create(collective=collective, by=request.user,
                                                **serializer.validated_data)
        return Response(InvitationSerializer(invitation).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["clusters"])
class ClusterViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Clusters of the person's collectives. Creating one creates its 7-step roadmap."""

    serializer_class = ClusterSerializer
    permission_classes = [permissions.IsAuthenticated]
    filterset_fields = ["territory__slug", "collective__slug"]

    def get_queryset(self):
        return visible_clusters(self.request.user).select_related(
            "collective", "territory").order_by("pk")

    @extend_schema(
        summary="Créer un cluster, ou le demander au collectif qui anime le territoire",
        description=(
            "Réservé aux animateur·rices du collectif et à l'équipe nationale. Sur un "
            "territoire sans collectif animateur, le collectif en devient l'animateur et le "
            "cluster est créé (201). Sur un territoire qu'anime un autre collectif, une "
            "demande est envoyée à ses animateur·rices (202, avec la demande) ; le cluster "
            "sera créé quand elle sera acceptée. 409 si le collectif a déjà un cluster ou une "
            "demande en attente sur ce territoire."),
        request=ClusterCreateSerializer,
        responses={201: ClusterSerializer, 202: ClusterRequestSentSerializer,
                   409: OpenApiResponse(description="Cluster ou demande déjà existants.")},
    )
    def create(self, request, *args, **kwargs):
        serializer = ClusterCreateSerializer(data=request.data,
                                             context=self.get_serializer_context())
        # A draft territory the person may not read is "not found", like an unknown slug.
        serializer.fields["territory"].queryset = visible_territories(request.user)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        access_to_collective(request.user, data["collective"]).require("start_cluster")
        started = cluster_start(by=request.user, **data)
        if started.request is not None:
            return Response({
                "detail": _("Une demande a été envoyée aux animateur·rices du collectif "
                            "« %(name)s » qui anime ce territoire.")
                % {"name": started.steward.name},
                "code": "cluster_request_sent",
                "request": ClusterRequestSerializer(started.request).data,
            }, status=status.HTTP_202_ACCEPTED)
        return Response(self.get_serializer(started.cluster).data,
                        status=status.HTTP_201_CREATED)


class StepFilter(django_filters.FilterSet):
    class Meta:
        model = RoadmapStep
        fields = ["cluster", "status"]


@extend_schema(tags=["clusters"])
class RoadmapStepViewSet(ClusterScopedMixin, mixins.UpdateModelMixin,
                         viewsets.ReadOnlyModelViewSet):
    """The seven steps of each cluster: dates and status change, the steps themselves do not."""

    serializer_class = RoadmapStepSerializer
    filterset_class = StepFilter

    def get_queryset(self):
        return self.scoped(RoadmapStep.objects.select_related("cluster__collective")
                           .order_by("cluster", "number"))

    def perform_update(self, serializer):
        step = serializer.instance
        data = {"start_date": step.start_date, "end_date": step.end_date,
                "status": step.status, **serializer.validated_data}
        serializer.instance = step_update(step=step, by=self.request.user, **data)


@extend_schema(tags=["clusters"])
class MilestoneViewSet(ClusterScopedViewSet):
    """Milestones of the roadmap steps, late ones flagged (`is_late`).

    Facilitators of the collective (and staff) add, change, reach, reopen, move
    and delete them; every member reads them.
    """

    serializer_class = MilestoneSerializer
    cluster_path = "step__cluster"
    filterset_fields = ["step", "step__cluster"]

    def get_queryset(self):
        return self.scoped(Milestone.objects.select_related("step__cluster")
                           .order_by("step__cluster", "step__number", "position", "due_date",
                                     "pk"))

    # Roadmap ----
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        self.check_cluster(data["step"].cluster)
        milestone = milestone_add(step=data["step"], title=data["title"],
                                  due_date=data["due_date"])
        return Response(self.get_serializer(milestone).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, partial=False, **kwargs):
        milestone = self.get_object()
        serializer = self.get_serializer(milestone, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        milestone = milestone_update(milestone=milestone,
                                     title=data.get("title", milestone.title),
                                     due_date=data.get("due_date", milestone.due_date))
        return Response(self.get_serializer(milestone).data)

    def perform_destroy(self, milestone):
        milestone_delete(milestone=milestone)

    @extend_schema(request=None, responses=MilestoneSerializer,
                   summary="Marquer le jalon comme atteint (aujourd'hui)")
    @action(detail=True, methods=["post"], url_path="atteint")
    def complete(self, request, pk=None):
        milestone = milestone_complete(milestone=self.get_object(), on=timezone.localdate())
        return Response(self.get_serializer(milestone).data)

    @extend_schema(request=None, responses=MilestoneSerializer,
                   summary="Rouvrir un jalon atteint")
    @action(detail=True, methods=["post"], url_path="rouvrir")
    def reopen(self, request, pk=None):
        milestone = milestone_reopen(milestone=self.get_object())
        return Response(self.get_serializer(milestone).data)

    @extend_schema(request=MilestoneMoveSerializer, responses=MilestoneSerializer,
                   summary="Monter ou descendre le jalon d'une place dans son étape")
    @action(detail=True, methods=["post"], url_path="deplacer")
    def move(self, request, pk=None):
        milestone = self.get_object()
        serializer = MilestoneMoveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        milestone = milestone_move(milestone=milestone,
                                   direction=serializer.validated_data["direction"])
        return Response(self.get_serializer(milestone).data)


class DeliverableFilter(django_filters.FilterSet):
    cluster = django_filters.NumberFilter(field_name="step__cluster", label="cluster")

    class Meta:
        model = Deliverable
        fields = ["step", "cluster"]


@extend_schema(tags=["clusters"])
class DeliverableViewSet(viewsets.ReadOnlyModelViewSet):
    """Deliverables of the roadmap steps: their description and where to download them.

    Members of the collective upload them from the step page; the file itself is
    served only by the download page, to the members of the collective and staff.
    """

    serializer_class = DeliverableSerializer
    permission_classes = [permissions.IsAuthenticated]
    filterset_class = DeliverableFilter

    def get_queryset(self):
        return Deliverable.objects.filter(
            step__cluster__in=visible_clusters(self.request.user)
        ).select_related("step", "uploaded_by").order_by("-uploaded_at", "-pk")
    # ---- Roadmap


@extend_schema(tags=["defis"])
class ChallengeViewSet(ClusterScopedViewSet):
    """Défis: at least three for a complete application, never capped."""

    serializer_class = ChallengeSerializer
    filterset_fields = ["cluster", "kind"]

    def get_queryset(self):
        return self.scoped(Challenge.objects.select_related("cluster", "theme")
                           .prefetch_related("national_themes"))

    def perform_create(self, serializer):
        self.check_cluster(serializer.validated_data["cluster"])
        serializer.save()


@extend_schema(tags=["defis"])
class ObjectiveViewSet(ClusterScopedViewSet):
    """Objectives with their latest measurement and computed progress (0 to 1)."""

    serializer_class = ObjectiveSerializer
    cluster_path = "challenge__cluster"
    filterset_fields = ["challenge", "challenge__cluster"]

    def get_queryset(self):
        return self.scoped(objectives_with_latest()
                           .select_related("challenge__cluster", "shared_indicator")
                           .order_by("pk"))

    def _save(self, serializer, objective):
        data = dict(serializer.validated_data)
        version = data.pop("version", None)
        try:
            objective = objective_save(objective=objective, fields=data, version=version)
        except ModelValidationError as error:
            raise serializers.ValidationError(error.message_dict) from None
        return self.get_queryset().get(pk=objective.pk)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        self.check_cluster(serializer.validated_data["challenge"].cluster)
        objective = self._save(serializer, Objective())
        return Response(self.get_serializer(objective).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, partial=False, **kwargs):
        objective = self.get_object()
        serializer = self.get_serializer(objective, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        return Response(self.get_serializer(self._save(serializer, objective)).data)


@extend_schema(tags=["defis"])
class MeasurementViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Measurements: every member of the collective records them."""

    serializer_class = MeasurementSerializer
    permission_classes = [permissions.IsAuthenticated]
    filterset_fields = ["objective", "objective__challenge__cluster"]

    def get_queryset(self):
        return Measurement.objects.filter(
            objective__challenge__cluster__in=visible_clusters(self.request.user)
        ).order_by("objective", "measured_on")

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        objective = serializer.validated_data.pop("objective")
        access_to_cluster(request.user, objective.challenge.cluster).require("measure")
        measurement = measurement_record(objective=objective, by=request.user,
                                         **serializer.validated_data)
        return Response(self.get_serializer(measurement).data, status=status.HTTP_201_CREATED)


# Engaged companies, comité de pilotage ------------------------------------------------------

class CommitmentsViewSet(ClusterScopedViewSet):
    """Read by the members of the cluster's collective; changed by its facilitators and staff."""

    write_right = "steer_commitments"


class EngagementFilter(django_filters.FilterSet):
    class Meta:
        model = Engagement
        fields = ["cluster", "company", "kind", "size"]


@extend_schema_view(
    list=extend_schema(summary="Lister les entreprises engagées"),
    retrieve=extend_schema(summary="Lire un engagement"),
    create=extend_schema(summary="Ajouter l'engagement d'une entreprise"),
    update=extend_schema(summary="Modifier un engagement"),
    partial_update=extend_schema(summary="Modifier une partie d'un engagement"),
    destroy=extend_schema(summary="Supprimer un engagement"),
)
@extend_schema(tags=["entreprises-engagees"])
class EngagementViewSet(CommitmentsViewSet):
    """Engaged companies: mécénat, partnerships, responsible purchasing… of each cluster.

    The company is an actor of the cluster's territory; a negative value is refused.
    """

    serializer_class = EngagementSerializer
    filterset_class = EngagementFilter

    def get_queryset(self):
        return self.scoped(Engagement.objects.select_related("company")
                           .order_by("cluster", "company__name", "pk"))

    def perform_create(self, serializer):
        fields = dict(serializer.validated_data)
        cluster = fields.pop("cluster")
        self.check_cluster(cluster)
        serializer.instance = engagement_save(engagement=Engagement(cluster=cluster),
                                              fields=fields, by=self.request.user)

    def perform_update(self, serializer):
        # The serializer refused a move to another cluster (FixedParentsMixin).
        serializer.validated_data.pop("cluster", None)
        serializer.instance = engagement_save(engagement=serializer.instance,
                                              fields=serializer.validated_data,
                                              by=self.request.user)

    def perform_destroy(self, instance):
        engagement_delete(engagement=instance, by=self.request.user)


class SteeringMeetingFilter(django_filters.FilterSet):
    held_after = django_filters.DateFilter(field_name="held_on", lookup_expr="gte",
                                           label="Tenu à partir du")
    held_before = django_filters.DateFilter(field_name="held_on", lookup_expr="lte",
                                            label="Tenu jusqu'au")

    class Meta:
        model = SteeringMeeting
        fields = ["cluster", "held_after", "held_before"]


@extend_schema_view(
    list=extend_schema(summary="Lister les comités de pilotage, du plus récent au plus ancien"),
    retrieve=extend_schema(summary="Lire un comité de pilotage et ses décisions"),
    create=extend_schema(summary="Enregistrer un comité de pilotage et ses décisions"),
    update=extend_schema(summary="Modifier un comité et remplacer ses décisions"),
    partial_update=extend_schema(summary="Modifier une partie d'un comité"),
    destroy=extend_schema(summary="Supprimer un comité et ses décisions"),
)
@extend_schema(tags=["comites-de-pilotage"])
class SteeringMeetingViewSet(CommitmentsViewSet):
    """Comités de pilotage with their decisions, written together in one transaction.

    A meeting may be planned in the future; its decisions are refused until it was held.
    """

    serializer_class = SteeringMeetingSerializer
    filterset_class = SteeringMeetingFilter

    def get_queryset(self):
        return self.scoped(SteeringMeeting.objects.select_related("created_by")
                           .prefetch_related("decisions").order_by("-held_on", "-pk"))

    def _save(self, serializer, meeting, decisions):
        data = dict(serializer.validated_data)
        data.pop("decisions", None)
        data.pop("cluster", None)
        meeting = steering_meeting_save(meeting=meeting, data=data, decisions=decisions,
                                        by=self.request.user)
        serializer.instance = self.get_queryset().get(pk=meeting.pk)

    def perform_create(self, serializer):
        cluster = serializer.validated_data["cluster"]
        self.check_cluster(cluster)
        self._save(serializer, SteeringMeeting(cluster=cluster),
                   serializer.validated_data.get("decisions", []))

    def perform_update(self, serializer):
        self._save(serializer, serializer.instance, serializer.validated_data.get("decisions"))

    def perform_destroy(self, instance):
        steering_meeting_delete(meeting=instance, by=self.request.user)
