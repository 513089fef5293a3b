from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from cluster.models import (
    Challenge,
    Cluster,
    Collective,
    Engagement,
    Measurement,
    Milestone,
    Objective,
    RoadmapStep,
    SteeringDecision,
    SteeringMeeting,
)
from territories.models import Actor, Territory, Theme


class CollectiveSerializer(serializers.ModelSerializer):
    class Meta:
        model = Collective
        fields = ["id", "slug", "name", "description"]
        read_only_fields = fields


class ClusterSerializer(serializers.ModelSerializer):
    collective = serializers.SlugRelatedField(slug_field="slug",
                                              queryset=Collective.objects.all())
    territory = serializers.SlugRelatedField(slug_field="slug", queryset=Territory.objects.all())

    class Meta:
        model = Cluster
        fields = ["id", "collective", "territory", "start_date", "duration_months", "created_at"]
        read_only_fields = ["id", "created_at"]


class RoadmapStepSerializer(serializers.ModelSerializer):
    class Meta:
        model = RoadmapStep
        fields = ["id", "cluster", "number", "kind", "summary", "start_date", "end_date",
                  "status"]
        read_only_fields = ["id", "cluster", "number", "kind", "summary"]

    def validate(self, attrs):
        start = attrs.get("start_date", self.instance.start_date)
        end = attrs.get("end_date", self.instance.end_date)
        if end < start:
            raise serializers.ValidationError(_("La fin de l'étape doit suivre son début."))
        return attrs


class MilestoneSerializer(serializers.ModelSerializer):
    step = serializers.PrimaryKeyRelatedField(queryset=RoadmapStep.objects.all())

    class Meta:
        model = Milestone
        fields = ["id", "step", "title", "due_date", "done_on", "position"]
        read_only_fields = ["id"]


class ChallengeSerializer(serializers.ModelSerializer):
    theme = serializers.SlugRelatedField(slug_field="slug", queryset=Theme.objects.all(),
                                         required=False, allow_null=True)

    class Meta:
        model = Challenge
        fields = ["id", "cluster", "kind", "theme", "title", "summary", "position"]
        read_only_fields = ["id"]


class ObjectiveSerializer(serializers.ModelSerializer):
    latest_value = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True,
                                            allow_null=True)
    latest_on = serializers.DateField(read_only=True, allow_null=True)
    progress = serializers.SerializerMethodField()
    version = serializers.IntegerField(
        required=False, help_text=_("Version lue avant la modification : une modification "
                                    "faite entre-temps par quelqu'un d'autre est refusée (409)."))

    class Meta:
        model = Objective
        fields = ["id", "challenge", "title", "unit", "baseline", "target", "target_date",
                  "direction", "version", "latest_value", "latest_on", "progress"]
        read_only_fields = ["id"]

    def get_progress(self, objective) -> float | None:
        share = objective.progress(getattr(objective, "latest_value", None))
        return None if share is None else float(share)


class MeasurementSerializer(serializers.ModelSerializer):
    class Meta:
        model = Measurement
        fields = ["id", "objective", "measured_on", "value", "source", "created_at"]
        read_only_fields = ["id", "created_at"]


# Engaged companies, comité de pilotage ------------------------------------------------------

class EngagementSerializer(serializers.ModelSerializer):
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
                  "description", "start_date"]
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


class SteeringMeetingSerializer(serializers.ModelSerializer):
    decisions = SteeringDecisionSerializer(
        many=True, required=False,
        help_text=_("La liste complète des décisions, dans l'ordre : celles du comité qui n'y "
                    "figurent plus sont supprimées ; absente, les décisions restent telles "
                    "quelles. Un comité à venir n'a pas encore de décisions."))
    created_by = serializers.StringRelatedField(read_only=True)

    class Meta:
        model = SteeringMeeting
        fields = ["id", "cluster", "held_on", "title", "participants", "minutes", "created_by",
                  "decisions"]
        read_only_fields = ["id", "created_by"]
