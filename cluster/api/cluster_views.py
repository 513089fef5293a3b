"""API of clusters: the same rules as the pages, through the same services and helpers."""

import django_filters
from django.core.exceptions import ValidationError as ModelValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from cluster.api.cluster_serializers import (
    ChallengeSerializer,
    ClusterSerializer,
    CollectiveSerializer,
    EngagementSerializer,
    MeasurementSerializer,
    MilestoneSerializer,
    ObjectiveSerializer,
    RoadmapStepSerializer,
    SteeringMeetingSerializer,
)
from cluster.models import (
    Challenge,
    Collective,
    Engagement,
    Measurement,
    Membership,
    Milestone,
    Objective,
    RoadmapStep,
    SteeringMeeting,
)
from cluster.permissions import can_measure, can_steer, visible_clusters
from cluster.selectors import objectives_with_latest
from cluster.services import (
    cluster_create,
    engagement_delete,
    engagement_save,
    measurement_record,
    objective_save,
    steering_meeting_delete,
    steering_meeting_save,
    step_set_status,
)


class ClusterRolePermission(permissions.BasePermission):
    """Read what the person's clusters hold; change it as the view's `write_rule` says."""

    message = "Seuls les animateur·rices du collectif modifient la feuille de route et les défis."

    def has_permission(self, request, view):
        return request.user.is_authenticated

    def has_object_permission(self, request, view, obj):
        if request.method in permissions.SAFE_METHODS:
            return True
        return view.write_rule(request.user, view.cluster_of(obj))


class ClusterScopedViewSet(viewsets.ModelViewSet):
    """Objects reached through a cluster the person may read."""

    permission_classes = [ClusterRolePermission]
    cluster_path = "cluster"
    write_rule = staticmethod(can_steer)

    def cluster_of(self, obj):
        for name in self.cluster_path.split("__"):
            obj = getattr(obj, name)
        return obj

    def scoped(self, queryset):
        return queryset.filter(**{f"{self.cluster_path}__in": visible_clusters(
            self.request.user)})

    def check_cluster(self, cluster):
        if not self.write_rule(self.request.user, cluster):
            raise PermissionDenied(ClusterRolePermission.message)


@extend_schema(tags=["collectifs"])
class CollectiveViewSet(viewsets.ReadOnlyModelViewSet):
    """The collectives the person belongs to (all of them for staff)."""

    serializer_class = CollectiveSerializer
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self):
        collectives = Collective.objects.order_by("name")
        if self.request.user.is_staff:
            return collectives
        return collectives.filter(memberships__user=self.request.user)


@extend_schema(tags=["clusters"])
class ClusterViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Clusters of the person's collectives. Creating one creates its 7-step roadmap."""

    serializer_class = ClusterSerializer
    permission_classes = [permissions.IsAuthenticated]
    filterset_fields = ["territory__slug", "collective__slug"]

    def get_queryset(self):
        return visible_clusters(self.request.user).select_related(
            "collective", "territory").order_by("pk")

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        is_facilitator = data["collective"].memberships.filter(
            user=request.user, role=Membership.Role.FACILITATOR).exists()
        if not (request.user.is_staff or is_facilitator):
            raise PermissionDenied(_("Seuls les animateur·rices du collectif créent ses "
                                     "clusters."))
        cluster = cluster_create(**data)
        return Response(self.get_serializer(cluster).data, status=status.HTTP_201_CREATED)


class StepFilter(django_filters.FilterSet):
    class Meta:
        model = RoadmapStep
        fields = ["cluster", "status"]


@extend_schema(tags=["clusters"])
class RoadmapStepViewSet(mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """The seven steps of each cluster: dates and status change, the steps themselves do not."""

    serializer_class = RoadmapStepSerializer
    permission_classes = [ClusterRolePermission]
    filterset_class = StepFilter
    write_rule = staticmethod(can_steer)

    def cluster_of(self, step):
        return step.cluster

    def get_queryset(self):
        return RoadmapStep.objects.filter(
            cluster__in=visible_clusters(self.request.user)).order_by("cluster", "number")

    def perform_update(self, serializer):
        step = serializer.save()
        if "status" in serializer.validated_data:
            step_set_status(step=step, status=serializer.validated_data["status"])


@extend_schema(tags=["clusters"])
class MilestoneViewSet(ClusterScopedViewSet):
    serializer_class = MilestoneSerializer
    cluster_path = "step__cluster"
    filterset_fields = ["step", "step__cluster"]

    def get_queryset(self):
        return self.scoped(Milestone.objects.select_related("step__cluster"))

    def perform_create(self, serializer):
        self.check_cluster(serializer.validated_data["step"].cluster)
        serializer.save()


@extend_schema(tags=["défis"])
class ChallengeViewSet(ClusterScopedViewSet):
    """Défis: at least three for a complete application, never capped."""

    serializer_class = ChallengeSerializer
    filterset_fields = ["cluster", "kind"]

    def get_queryset(self):
        return self.scoped(Challenge.objects.select_related("cluster", "theme"))

    def perform_create(self, serializer):
        self.check_cluster(serializer.validated_data["cluster"])
        serializer.save()


@extend_schema(tags=["défis"])
class ObjectiveViewSet(ClusterScopedViewSet):
    """Objectives with their latest measurement and computed progress (0 to 1)."""

    serializer_class = ObjectiveSerializer
    cluster_path = "challenge__cluster"
    filterset_fields = ["challenge", "challenge__cluster"]

    def get_queryset(self):
        return self.scoped(objectives_with_latest().select_related("challenge__cluster")
                           .order_by("pk"))

    def _save(self, serializer, objective):
        data = dict(serializer.validated_data)
        version = data.pop("version", objective.version)
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


@extend_schema(tags=["défis"])
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
        if not can_measure(request.user, objective.challenge.cluster):
            raise PermissionDenied(_("Seuls les membres du collectif enregistrent des mesures."))
        measurement = measurement_record(objective=objective, by=request.user,
                                         **serializer.validated_data)
        return Response(self.get_serializer(measurement).data, status=status.HTTP_201_CREATED)


# Engaged companies, comité de pilotage ------------------------------------------------------

class CommitmentsPermission(ClusterRolePermission):
    message = gettext_lazy("Seuls les animateur·rices du collectif modifient les entreprises "
                           "engagées et le comité de pilotage.")


class CommitmentsViewSet(ClusterScopedViewSet):
    """Read by the members of the cluster's collective; changed by its facilitators and staff."""

    permission_classes = [CommitmentsPermission]

    def check_cluster(self, cluster):
        if not self.write_rule(self.request.user, cluster):
            raise PermissionDenied(CommitmentsPermission.message)

    def kept_cluster(self, serializer):
        """Return the object's cluster; moving an object to another cluster is refused."""
        cluster = serializer.validated_data.pop("cluster", serializer.instance.cluster)
        if cluster != serializer.instance.cluster:
            raise serializers.ValidationError(
                {"cluster": [_("On ne déplace pas un élément vers un autre cluster.")]})
        return cluster


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
@extend_schema(tags=["entreprises engagées"])
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
        self.kept_cluster(serializer)
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
@extend_schema(tags=["comités de pilotage"])
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
        self.kept_cluster(serializer)
        self._save(serializer, serializer.instance, serializer.validated_data.get("decisions"))

    def perform_destroy(self, instance):
        steering_meeting_delete(meeting=instance, by=self.request.user)
