from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cluster.api.cluster_serializers import VisibleRelatedField
from cluster.models import Cluster
from funding.models import Call, Criterion, Dossier, DossierEvent
from funding.permissions import EDITABLE_STATUSES, is_dossier_member, visible_calls
from funding.selectors import dossier_checklist

# Calls and dossiers ------------------------------------------------------------------------


class CriterionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Criterion
        fields = ["id", "label", "description", "weight", "max_score", "position"]
        read_only_fields = fields


class CallSerializer(serializers.ModelSerializer):
    funder = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    funder_name = serializers.CharField(source="funder.name", read_only=True)
    criteria = CriterionSerializer(many=True, read_only=True)

    class Meta:
        model = Call
        fields = ["id", "slug", "title", "kind", "funder", "funder_name", "description",
                  "eligibility", "opens_at", "deadline", "max_amount", "criteria"]
        read_only_fields = fields


class DossierEventSerializer(serializers.ModelSerializer):
    by = serializers.SerializerMethodField()

    class Meta:
        model = DossierEvent
        fields = ["from_status", "to_status", "by", "at", "comment"]
        read_only_fields = fields

    def get_by(self, event) -> str | None:
        return None if event.by is None else str(event.by)


class VisibleCallField(serializers.SlugRelatedField):
    """A call the person may read, by its slug; a call not yet open is "not found"."""

    def get_queryset(self):
        return visible_calls(self.context["request"].user)


class DossierSerializer(serializers.ModelSerializer):
    """A dossier as its collective edits it; reviewers read the same fields."""

    call = VisibleCallField(
        slug_field="slug",
        help_text=_("Identifiant de l'appel (son slug)."))
    cluster = VisibleRelatedField(queryset=Cluster.objects.all(), cluster_path="",
                                  help_text=_("Identifiant d'un cluster de votre collectif."))
    call_title = serializers.CharField(source="call.title", read_only=True)
    territory = serializers.CharField(source="cluster.territory.name", read_only=True)
    collective = serializers.CharField(source="cluster.collective.name", read_only=True)
    version = serializers.IntegerField(
        required=False, min_value=1,
        help_text=_("Version lue avant la modification, obligatoire pour modifier : une "
                    "modification faite entre-temps par quelqu'un d'autre est refusée (409)."))
    pdf = serializers.SerializerMethodField(
        help_text=_("Lien de téléchargement du PDF déposé ; vide tant qu'il est en cours de "
                    "génération ou que le dossier n'est pas déposé."))

    class Meta:
        model = Dossier
        fields = ["id", "call", "call_title", "cluster", "territory", "collective", "title",
                  "summary", "strategic_plan", "requested_amount", "status", "submitted_at",
                  "version", "pdf", "created_at", "updated_at"]
        read_only_fields = ["id", "status", "submitted_at", "created_at", "updated_at"]
        # Left out at creation, the title is the call's and the territory's.
        extra_kwargs = {"title": {"required": False}}
        # One dossier per call and cluster: dossier_start answers 409, as for the pages.
        validators = []

    def get_pdf(self, dossier) -> str | None:
        if not dossier.pdf:
            return None
        return self.context["request"].build_absolute_uri(
            reverse("funding:dossier_pdf", args=[dossier.pk]))


class DossierDetailSerializer(DossierSerializer):
    """Adds the checklist (for the collective, while it edits), the frozen contents and
    the history."""

    checklist = serializers.SerializerMethodField(
        help_text=_("Ce que l'appel demande, rempli ou non (membres du collectif, tant que "
                    "le dossier se modifie)."))
    snapshot = serializers.JSONField(read_only=True, help_text=_(
        "Le contenu figé au dépôt : collectif, territoire, défis, entreprises engagées, textes, "
        "appel et grille."))
    events = DossierEventSerializer(many=True, read_only=True)

    class Meta(DossierSerializer.Meta):
        fields = [*DossierSerializer.Meta.fields, "checklist", "snapshot", "events"]

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_checklist(self, dossier):
        user = self.context["request"].user
        if dossier.status not in EDITABLE_STATUSES or not is_dossier_member(user, dossier):
            return None
        return [{"key": item.key, "label": item.label, "ok": item.ok, "message": item.message}
                for item in dossier_checklist(dossier)]


class DossierDepositSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        required=False, min_value=1,
        help_text=_("Version relue avant le dépôt : un dossier modifié depuis est refusé "
                    "(409)."))
