"""Serializers of the schéma directeur's versions."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cluster.api.cluster_serializers import VisibleRelatedField
from cluster.models import Cluster, MasterPlanVersion
from territories.api.serializers import ChoiceLabelField


class MasterPlanSummarySerializer(serializers.Serializer):
    territory = serializers.CharField()
    territory_slug = serializers.CharField()
    collective = serializers.CharField()
    section_count = serializers.IntegerField()
    written_count = serializers.IntegerField()
    validated_count = serializers.IntegerField()
    challenge_count = serializers.IntegerField()
    objective_count = serializers.IntegerField()
    project_count = serializers.IntegerField()
    budget_total = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True,
                                            coerce_to_string=True)
    contribution_total = serializers.DecimalField(max_digits=16, decimal_places=2,
                                                  allow_null=True, coerce_to_string=True)


class MasterPlanSectionSnapshotSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    text = serializers.CharField(help_text="Texte rédigé, au format Markdown.")
    validated_at = serializers.DateTimeField(allow_null=True)
    validated_by = serializers.CharField(allow_blank=True)
    figures = serializers.ListField(
        child=serializers.ListField(child=serializers.CharField(), min_length=2, max_length=2),
        help_text="Les chiffres repris du cluster : des paires [libellé, valeur] en français.")


class MasterPlanVersionSerializer(serializers.ModelSerializer):
    cluster = serializers.IntegerField(source="plan.cluster_id", read_only=True)
    created_by = serializers.SerializerMethodField()
    status_label = ChoiceLabelField(source="status", choices=MasterPlanVersion.Status.choices)
    summary = MasterPlanSummarySerializer(read_only=True)
    pdf_url = serializers.SerializerMethodField()

    class Meta:
        model = MasterPlanVersion
        fields = ["id", "cluster", "number", "status", "status_label", "created_by", "created_at",
                  "rendered_at", "is_adopted", "published_at", "summary", "pdf_url"]
        read_only_fields = fields

    def get_created_by(self, version) -> str:
        user = version.created_by
        return (user.get_full_name() or user.email) if user else ""

    def get_pdf_url(self, version) -> str | None:
        if version.status != MasterPlanVersion.Status.READY:
            return None
        path = reverse("api:master-plan-version-pdf", args=[version.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class MasterPlanVersionDetailSerializer(MasterPlanVersionSerializer):
    sections = serializers.SerializerMethodField()

    class Meta(MasterPlanVersionSerializer.Meta):
        fields = [*MasterPlanVersionSerializer.Meta.fields, "sections"]
        read_only_fields = fields

    @extend_schema_field(MasterPlanSectionSnapshotSerializer(many=True))
    def get_sections(self, version):
        return [{
            "key": section["key"], "title": section["title"], "text": section.get("text", ""),
            "validated_at": section.get("validated_at"),
            "validated_by": section.get("validated_by", ""),
            "figures": (section.get("data") or {}).get("figures", []),
        } for section in version.snapshot.get("sections", [])]


class MasterPlanGenerateSerializer(serializers.Serializer):
    cluster = VisibleRelatedField(queryset=Cluster.objects.all(), cluster_path="",
                                  help_text="Le cluster dont générer le schéma directeur.")
