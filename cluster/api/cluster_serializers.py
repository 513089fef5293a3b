from decimal import Decimal

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from cluster.models import (
    Challenge,
    Cluster,
    Collective,
    CollectiveActor,
    Deliverable,
    Engagement,
    Invitation,
    Measurement,
    Membership,
    Milestone,
    Objective,
    RoadmapStep,
    SharedIndicator,
    SteeringDecision,
    SteeringMeeting,
)
from cluster.permissions import visible_clusters
from cluster.services import DELIVERABLE_TYPES, deliverable_extension
from territories.api.serializers import FixedParentsMixin
from territories.locking import version_field
from territories.models import Actor, Territory, Theme


class VisibleRelatedField(serializers.PrimaryKeyRelatedField):
    """A reference to a row of a cluster the person may read; any other id is "not found".

    `cluster_path` leads from the row to its cluster ("" for a cluster itself), so
    a client never learns that another collective's rows exist.
    """

    def __init__(self, *, cluster_path, **kwargs):
        self.cluster_path = cluster_path
        super().__init__(**kwargs)

    def get_queryset(self):
        clusters = visible_clusters(self.context["request"].user)
        lookup = f"{self.cluster_path}__in" if self.cluster_path else "pk__in"
        return super().get_queryset().filter(**{lookup: clusters})


# Collectives: people, member actors, invitations ----------------------------------------

class CollectiveMemberSerializer(serializers.ModelSerializer):
    name = serializers.SerializerMethodField(help_text=_("Nom de la personne, ou son adresse "
                                                         "e-mail si elle n'a pas de nom."))

    class Meta:
        model = Membership
        fields = ["name", "role"]
        read_only_fields = fields

    def get_name(self, membership) -> str:
        return str(membership.user)


class CollectiveActorSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(source="actor.id", read_only=True)
    name = serializers.CharField(source="actor.name", read_only=True)

    class Meta:
        model = CollectiveActor
        fields = ["id", "name", "family"]
        read_only_fields = fields


class InvitationCreateSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    role = serializers.ChoiceField(choices=Membership.Role.choices,
                                   default=Membership.Role.MEMBER)


class InvitationSerializer(serializers.ModelSerializer):
    """An invitation as its collective's facilitators see it; its secret is only in the e-mail."""

    class Meta:
        model = Invitation
        fields = ["id", "email", "role", "created_at", "expires_at"]
        read_only_fields = fields


class CollectiveSerializer(serializers.ModelSerializer):
    """A collective with its first people and member actors; all of them, page by page, at
    `members_url` and `actors_url`."""

    members = CollectiveMemberSerializer(source="first_members", many=True, read_only=True,
                                         help_text=_("Les 20 premières personnes au plus ; "
                                                     "toutes, page par page : members_url."))
    member_count = serializers.IntegerField(read_only=True, help_text=_(
        "Nombre de personnes du collectif."))
    members_url = serializers.SerializerMethodField()
    actors = CollectiveActorSerializer(source="first_actor_links", many=True, read_only=True,
                                       help_text=_("Les 20 premiers acteurs au plus ; tous, "
                                                   "page par page : actors_url."))
    actor_count = serializers.IntegerField(read_only=True, help_text=_(
        "Nombre d'acteurs membres du collectif."))
    actors_url = serializers.SerializerMethodField()

    class Meta:
        model = Collective
        fields = ["id", "slug", "name", "description", "members", "member_count",
                  "members_url", "actors", "actor_count", "actors_url"]
        read_only_fields = fields

    def _link(self, name, collective):
        return self.context["request"].build_absolute_uri(
            reverse(f"api:collective-{name}", args=[collective.pk]))

    def get_members_url(self, collective) -> str:
        return self._link("members", collective)

    def get_actors_url(self, collective) -> str:
        return self._link("actors", collective)


class ClusterSerializer(serializers.ModelSerializer):
    collective = serializers.SlugRelatedField(slug_field="slug",
                                              queryset=Collective.objects.all())
    territory = serializers.SlugRelatedField(slug_field="slug", queryset=Territory.objects.all())

    class Meta:
        model = Cluster
        fields = ["id", "collective", "territory", "start_date", "duration_months", "created_at"]
        read_only_fields = ["id", "created_at"]


class RoadmapStepSerializer(serializers.ModelSerializer):
    close_milestones = serializers.BooleanField(
        write_only=True, required=False, default=False,
        help_text=_("Pour terminer l'étape : marque atteints aujourd'hui les jalons encore "
                    "ouverts. Sans lui, terminer une étape aux jalons ouverts est refusé "
                    "(409)."))

    class Meta:
        model = RoadmapStep
        fields = ["id", "cluster", "number", "kind", "summary", "start_date", "end_date",
                  "status", "close_milestones"]
        read_only_fields = ["id", "cluster", "number", "kind", "summary"]

    def validate(self, attrs):
        start = attrs.get("start_date", self.instance.start_date)
        end = attrs.get("end_date", self.instance.end_date)
        if end < start:
            raise serializers.ValidationError(_("La fin de l'étape doit suivre son début."))
        return attrs


class MilestoneSerializer(serializers.ModelSerializer):
    step = VisibleRelatedField(queryset=RoadmapStep.objects.all(), cluster_path="cluster")
    is_late = serializers.SerializerMethodField()

    class Meta:
        model = Milestone
        fields = ["id", "step", "title", "due_date", "done_on", "position", "is_late"]
        # Reaching, reopening and moving go through their own actions (atteint, rouvrir,
        # deplacer), which call the same services as the pages.
        read_only_fields = ["id", "done_on", "position"]

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None and not isinstance(self.instance, list | tuple):
            fields["step"].read_only = True
        return fields

    def get_is_late(self, milestone) -> bool:
        return milestone.is_late(timezone.localdate())


# Roadmap ----

class MilestoneMoveSerializer(serializers.Serializer):
    direction = serializers.ChoiceField(
        choices=[("up", _("monter")), ("down", _("descendre"))],
        help_text=_("« up » pour monter le jalon d'une place dans son étape, « down » pour le "
                    "descendre."))


class DeliverableSerializer(serializers.ModelSerializer):
    cluster = serializers.IntegerField(source="step.cluster_id", read_only=True)
    filename = serializers.SerializerMethodField()
    content_type = serializers.SerializerMethodField()
    uploaded_by = serializers.StringRelatedField(allow_null=True)
    download_url = serializers.SerializerMethodField(
        help_text=_("Adresse de téléchargement, réservée aux membres du collectif et à "
                    "l'équipe nationale (session du navigateur)."))

    class Meta:
        model = Deliverable
        fields = ["id", "step", "cluster", "title", "filename", "content_type", "size",
                  "uploaded_by", "uploaded_at", "download_url"]
        read_only_fields = fields

    def get_filename(self, deliverable) -> str:
        return deliverable.file.name.rsplit("/", 1)[-1]

    def get_content_type(self, deliverable) -> str:
        return DELIVERABLE_TYPES.get(deliverable_extension(deliverable.file.name),
                                     "application/octet-stream")

    def get_download_url(self, deliverable) -> str:
        path = reverse("deliverable_download", args=[deliverable.step.cluster_id,
                                                      deliverable.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path

# ---- Roadmap


class ChallengeSerializer(FixedParentsMixin, serializers.ModelSerializer):
    cluster = VisibleRelatedField(queryset=Cluster.objects.all(), cluster_path="",
                                  help_text=_("Cluster du défi ; il ne change plus ensuite."))
    fixed_parents = {"cluster": _("Un défi ne change pas de cluster.")}
    theme = serializers.SlugRelatedField(slug_field="slug", queryset=Theme.objects.all(),
                                         required=False, allow_null=True)
    national_themes = serializers.SlugRelatedField(
        slug_field="slug", queryset=Theme.objects.national(), many=True, required=False,
        help_text=_("Identifiants des thèmes nationaux du réseau auxquels le défi contribue."))

    class Meta:
        model = Challenge
        fields = ["id", "cluster", "kind", "theme", "national_themes", "title", "summary",
                  "position"]
        read_only_fields = ["id"]


class ObjectiveSerializer(FixedParentsMixin, serializers.ModelSerializer):
    challenge = VisibleRelatedField(queryset=Challenge.objects.all(), cluster_path="cluster",
                                    help_text=_("Défi de l'objectif ; il ne change plus "
                                                "ensuite."))
    fixed_parents = {"challenge": _("Un objectif ne change pas de défi.")}
    latest_value = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True,
                                            allow_null=True)
    latest_on = serializers.DateField(read_only=True, allow_null=True)
    progress = serializers.SerializerMethodField()
    version = version_field()
    shared_indicator = serializers.SlugRelatedField(
        slug_field="slug", queryset=SharedIndicator.objects.all(), required=False,
        allow_null=True, help_text=_(
            "Identifiant de l'indicateur partagé adopté ; l'unité et le sens de l'objectif "
            "doivent être les siens."))

    class Meta:
        model = Objective
        fields = ["id", "challenge", "title", "shared_indicator", "unit", "baseline", "target",
                  "target_date", "direction", "version", "latest_value", "latest_on",
                  "progress"]
        read_only_fields = ["id"]

    def get_progress(self, objective) -> float | None:
        share = objective.progress(getattr(objective, "latest_value", None))
        return None if share is None else float(share)


class MeasurementSerializer(serializers.ModelSerializer):
    objective = VisibleRelatedField(queryset=Objective.objects.all(),
                                    cluster_path="challenge__cluster")
    class Meta:
        model = Measurement
        fields = ["id", "objective", "measured_on", "value", "source", "created_at"]
        read_only_fields = ["id", "created_at"]
        # measurement_record checks the one-per-day rule and answers 409, as for the pages.
        validators = []


# Engaged companies, comité de pilotage ------------------------------------------------------

class EngagementSerializer(FixedParentsMixin, serializers.ModelSerializer):
    fixed_parents = {"cluster": _("On ne déplace pas un élément vers un autre cluster.")}

    company = serializers.PrimaryKeyRelatedField(
        queryset=Actor.objects.all(),
        help_text=_("Identifiant d'un acteur du territoire du cluster."))
    company_name = serializers.CharField(source="company.name", read_only=True)
    size = serializers.ChoiceField(
        choices=Engagement.Size.choices, required=False, allow_blank=True,
        help_text=_("Taille de l'entreprise ; absente, elle reprend celle de l'acteur quand il "
                    "est répertorié comme entreprise (TPE, PME, ETI, grand groupe)."))
    value = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=Decimal(0), required=False, allow_null=True,
        help_text=_("Valeur en euros, positive ou nulle."),
        error_messages={"min_value": _("La valeur ne peut pas être négative."),
                        "invalid": _("Saisissez un montant en euros, en chiffres.")})

    class Meta:
        model = Engagement
        fields = ["id", "cluster", "company", "company_name", "size", "kind", "value",
                  "description", "start_date", "network"]
        read_only_fields = ["id"]


class SteeringDecisionSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(
        required=False,
        help_text=_("Absent pour une nouvelle décision ; l'identifiant d'une décision du comité "
                    "pour la garder ou la modifier."))
    text = serializers.CharField(max_length=2000)

    class Meta:
        model = SteeringDecision
        fields = ["id", "text", "position"]
        read_only_fields = ["position"]


class SteeringMeetingSerializer(FixedParentsMixin, serializers.ModelSerializer):
    fixed_parents = {"cluster": _("On ne déplace pas un élément vers un autre cluster.")}

    decisions = SteeringDecisionSerializer(
        many=True, required=False,
        help_text=_("La liste complète des décisions, dans l'ordre : celles du comité qui n'y "
                    "figurent plus sont supprimées ; absente, les décisions restent telles "
                    "quelles. Un comité à venir n'a pas encore de décisions."))
    # Null once the author's account is deleted.
    created_by = serializers.StringRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = SteeringMeeting
        fields = ["id", "cluster", "held_on", "title", "participants", "minutes", "created_by",
                  "decisions"]
        read_only_fields = ["id", "created_by"]
