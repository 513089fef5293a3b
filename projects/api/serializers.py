from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from cluster.api.cluster_serializers import VisibleRelatedField
from cluster.models import Challenge, Cluster, Objective, SharedIndicator, SteeringMeeting
from projects.models import Event, Project, ProjectOutcome, Registration, StageChange
from projects.permissions import visible_projects
from territories.api.serializers import BoundedDateTimeField, FixedParentsMixin
from territories.locking import version_field
from territories.models import Actor, Place, Theme
from territories.permissions import visible_items

# Projects --------------------------------------------------------------------------------


class StageChangeSerializer(serializers.ModelSerializer):
    by = serializers.StringRelatedField(allow_null=True)

    class Meta:
        model = StageChange
        fields = ["from_stage", "to_stage", "reason", "changed_on", "by"]
        read_only_fields = fields


class ProjectSerializer(FixedParentsMixin, serializers.ModelSerializer):
    """A project; links are checked against its cluster by the service (400 otherwise)."""

    fixed_parents = {"cluster": _("Un projet ne change pas de cluster : essaimez-le plutôt.")}

    cluster = VisibleRelatedField(queryset=Cluster.objects.all(), cluster_path="")
    challenge = VisibleRelatedField(queryset=Challenge.objects.all(), cluster_path="cluster")
    territory = serializers.SlugRelatedField(source="cluster.territory", slug_field="slug",
                                             read_only=True)
    carriers = serializers.PrimaryKeyRelatedField(queryset=Actor.objects.all(), many=True)
    partners = serializers.PrimaryKeyRelatedField(queryset=Actor.objects.all(), many=True,
                                                  required=False)
    place = serializers.PrimaryKeyRelatedField(queryset=Place.objects.all(), required=False,
                                               allow_null=True)
    themes = serializers.SlugRelatedField(slug_field="slug", queryset=Theme.objects.all(),
                                          many=True, required=False)
    objectives = VisibleRelatedField(queryset=Objective.objects.all(), many=True,
                                     required=False, cluster_path="challenge__cluster")
    replicated_from = serializers.SerializerMethodField()
    version = version_field()

    class Meta:
        model = Project
        fields = ["id", "slug", "title", "cluster", "territory", "challenge", "summary",
                  "carriers", "partners", "place", "themes", "objectives", "stage",
                  "start_date", "end_date", "expected_outcomes", "observed_outcomes",
                  "is_published", "replicated_from", "version", "created_at", "updated_at"]
        read_only_fields = ["id", "slug", "stage", "created_at", "updated_at"]

    def get_replicated_from(self, project) -> str | None:
        """Slug of the project this one was replicated from (essaimage), if any."""
        replication = getattr(project, "replicated_from", None)
        return replication.origin.slug if replication else None

    def validate(self, attrs):
        attrs = super().validate(attrs)
        start = attrs.get("start_date", getattr(self.instance, "start_date", None))
        end = attrs.get("end_date", getattr(self.instance, "end_date", None))
        if start and end and end < start:
            raise serializers.ValidationError(
                _("La fin prévue doit suivre le début du projet."))
        return attrs


class ProjectDetailSerializer(ProjectSerializer):
    stage_changes = StageChangeSerializer(many=True, read_only=True)

    class Meta(ProjectSerializer.Meta):
        fields = [*ProjectSerializer.Meta.fields, "stage_changes"]


class StageMoveSerializer(serializers.Serializer):
    to_stage = serializers.ChoiceField(choices=Project.Stage.choices)
    reason = serializers.CharField(max_length=2000)
    changed_on = serializers.DateField()


class ProjectOutcomeSerializer(serializers.ModelSerializer):
    """An outcome of the project on a shared indicator, always in the indicator's unit."""

    indicator = serializers.SlugRelatedField(
        slug_field="slug", queryset=SharedIndicator.objects.all(),
        help_text=_("Identifiant de l'indicateur partagé (voir /api/reseau/indicateurs/)."))
    unit = serializers.CharField(source="indicator.unit", read_only=True)
    value = serializers.DecimalField(max_digits=14, decimal_places=2,
                                     min_value=Decimal("-999999999999.99"),
                                     max_value=Decimal("999999999999.99"))

    class Meta:
        model = ProjectOutcome
        fields = ["id", "indicator", "unit", "measured_on", "value", "source"]
        read_only_fields = ["id"]


class PrototypeDecisionSerializer(serializers.Serializer):
    meeting = VisibleRelatedField(queryset=SteeringMeeting.objects.all(),
                                  cluster_path="cluster")
    text = serializers.CharField(max_length=4000)


class ReplicationSerializer(serializers.Serializer):
    cluster = VisibleRelatedField(queryset=Cluster.objects.all(), cluster_path="")
    note = serializers.CharField(max_length=4000, required=False, allow_blank=True)


# Events -----------------------------------------------------------------------------------


class VisiblePlaceField(serializers.PrimaryKeyRelatedField):
    """A place the person may see on the map; any other id is "not found"."""

    def get_queryset(self):
        return visible_items(self.context["request"].user, Place.objects.all())


class VisibleProjectField(serializers.PrimaryKeyRelatedField):
    """A project the person may read; any other id is "not found"."""

    def get_queryset(self):
        return visible_projects(self.context["request"].user)


class EventSerializer(serializers.ModelSerializer):
    cluster = VisibleRelatedField(
        queryset=Cluster.objects.all(), cluster_path="",
        help_text=_("Cluster organisateur ; il ne change plus une fois l'évènement créé."))
    starts_at = BoundedDateTimeField(label=_("Début"))
    ends_at = BoundedDateTimeField(label=_("Fin"))
    place = VisiblePlaceField(required=False, allow_null=True,
                              help_text=_("Lieu cartographié du territoire du cluster."))
    place_name = serializers.CharField(source="place.name", read_only=True, default=None,
                                       allow_null=True)
    projects = VisibleProjectField(many=True, required=False,
                                   help_text=_("Projets du cluster présentés."))
    confirmed_count = serializers.IntegerField(read_only=True,
                                               help_text=_("Inscriptions confirmées."))
    waiting_count = serializers.IntegerField(read_only=True,
                                             help_text=_("Personnes sur liste d'attente."))
    remaining = serializers.SerializerMethodField(help_text=_("Places encore libres."))
    url = serializers.SerializerMethodField(help_text=_("Page publique de l'évènement."))
    version = version_field()

    class Meta:
        model = Event
        fields = ["id", "cluster", "title", "slug", "starts_at", "ends_at", "place",
                  "place_name", "address", "programme", "capacity", "projects",
                  "is_published", "confirmed_count", "waiting_count", "remaining", "url",
                  "version", "created_at"]
        read_only_fields = ["id", "slug", "created_at"]
        # event_create and event_update check the rules across fields (end after start,
        # a place or an address, place and projects of the cluster) and answer in French.
        validators = []

    def get_remaining(self, event) -> int:
        return max(event.capacity - getattr(event, "confirmed_count", 0), 0)

    def get_url(self, event) -> str:
        return self.context["request"].build_absolute_uri(event.get_absolute_url())


class RegistrationSerializer(serializers.ModelSerializer):
    """A registration: `status` says whether the place is confirmed or on the waiting list."""

    class Meta:
        model = Registration
        fields = ["id", "name", "email", "status", "attended", "created_at"]
        read_only_fields = fields


class RegistrationCreateSerializer(serializers.ModelSerializer):
    """A registration as the person who registers sends it."""

    class Meta:
        model = Registration
        fields = ["name", "email"]
        # registration_create refuses a second live registration, under the event's lock.
        validators = []
