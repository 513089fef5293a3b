from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from cluster.api.cluster_serializers import VisibleRelatedField
from cluster.models import Cluster
from funding.models import BudgetLine, Contribution, Funder, FundingPlan, FundingSource
from projects.models import Project

# Catalogue and funding plans -------------------------------------------------------------

MONEY = {"max_digits": 14, "decimal_places": 2}


class FunderSerializer(serializers.ModelSerializer):
    is_public = serializers.BooleanField(read_only=True, help_text=_(
        "Argent public (collectivités, CAF, État, banques publiques, Union européenne)."))

    class Meta:
        model = Funder
        fields = ["slug", "name", "kind", "is_public", "website"]
        read_only_fields = fields


class SourceSerializer(serializers.ModelSerializer):
    funder = FunderSerializer(read_only=True)
    themes = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    open_today = serializers.SerializerMethodField()

    class Meta:
        model = FundingSource
        fields = ["id", "slug", "name", "funder", "kind", "scope", "description", "themes",
                  "typical_min", "typical_max", "opens_on", "closes_on", "open_today",
                  "website"]
        read_only_fields = fields

    def get_open_today(self, source) -> bool:
        """Whether the source is open today (no date means no limit on that side)."""
        return source.is_open_on(timezone.localdate())


class BudgetLineSerializer(serializers.ModelSerializer):
    # No minimum here: the service refuses zero and negative amounts with a clear message.
    amount = serializers.DecimalField(**MONEY, help_text=_("En euros, par exemple 12500.50."))

    class Meta:
        model = BudgetLine
        fields = ["id", "label", "year", "amount"]
        read_only_fields = ["id"]


class ContributionSerializer(serializers.ModelSerializer):
    source = serializers.SlugRelatedField(
        slug_field="slug", queryset=FundingSource.objects.all(),
        help_text=_("Identifiant de la source dans le catalogue (/api/sources/)."))
    source_name = serializers.CharField(source="source.name", read_only=True)
    funder = serializers.CharField(source="source.funder.name", read_only=True)
    amount = serializers.DecimalField(**MONEY, help_text=_("En euros, par exemple 12500.50."))

    class Meta:
        model = Contribution
        fields = ["id", "source", "source_name", "funder", "year", "amount", "status", "note"]
        read_only_fields = ["id"]
        extra_kwargs = {"status": {"required": False}}


class PlanSerializer(serializers.ModelSerializer):
    cluster = VisibleRelatedField(queryset=Cluster.objects.all(), cluster_path="")
    project = VisibleRelatedField(
        queryset=Project.objects.all(), cluster_path="cluster", required=False,
        allow_null=True, help_text=_("Vide pour le plan d'ensemble du cluster."))
    budget_total = serializers.DecimalField(**MONEY, read_only=True)
    contribution_total = serializers.DecimalField(**MONEY, read_only=True)

    class Meta:
        model = FundingPlan
        fields = ["id", "cluster", "project", "title", "first_year", "last_year",
                  "budget_total", "contribution_total", "created_at"]
        read_only_fields = ["id", "created_at"]
        # plan_save checks the one-plan rules and answers 409, as for the pages.
        validators = []

    def validate(self, attrs):
        if self.instance is not None and attrs.get("cluster", self.instance.cluster) \
                != self.instance.cluster:
            raise serializers.ValidationError(_("Un plan ne change pas de cluster."))
        return attrs


class YearSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    budget = serializers.DecimalField(**MONEY)
    contributions = serializers.DecimalField(**MONEY)
    secured = serializers.DecimalField(**MONEY, help_text=_("Accordé ou versé."))
    uncertain = serializers.DecimalField(**MONEY, help_text=_("Envisagé ou demandé."))
    gap = serializers.DecimalField(**MONEY, help_text=_(
        "Reste à financer : budget moins contributions (négatif en cas d'excédent)."))


class PartSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    amount = serializers.DecimalField(**MONEY)
    share = serializers.DecimalField(max_digits=9, decimal_places=6, help_text=_(
        "Part exacte du total, de 0 à 1, arrondie à six décimales."))
    percent = serializers.IntegerField(help_text=_(
        "Pourcentage arrondi pour l'affichage ; les pourcentages d'une répartition font 100."))


class MixSerializer(serializers.Serializer):
    years = YearSerializer(many=True)
    budget_total = serializers.DecimalField(**MONEY)
    contribution_total = serializers.DecimalField(**MONEY)
    secured_total = serializers.DecimalField(**MONEY)
    uncertain_total = serializers.DecimalField(**MONEY)
    gap_total = serializers.DecimalField(**MONEY)
    uncertain_share = serializers.DecimalField(max_digits=9, decimal_places=6, allow_null=True,
                                               help_text=_("Envisagé et demandé sur le total "
                                                           "des contributions, de 0 à 1."))
    public = PartSerializer(many=True, help_text=_("Public et privé."))
    scopes = PartSerializer(many=True, help_text=_("Local, régional, national, européen."))
    statuses = PartSerializer(many=True)
    funders = PartSerializer(many=True, help_text=_("Par financeur, du premier au dernier."))
    hhi = serializers.DecimalField(max_digits=7, decimal_places=2, allow_null=True, help_text=_(
        "Indice de Herfindahl-Hirschman des parts des financeurs, de 0 à 10 000."))
    hhi_level = serializers.ChoiceField(
        choices=["diversified", "moderate", "concentrated"], allow_null=True,
        help_text=_("Moins de 1 500 : diversifié ; de 1 500 à 2 500 : modéré ; au-delà : "
                    "concentré."))
    hhi_reading = serializers.CharField()
    top_funder = PartSerializer(allow_null=True)


class PlanDetailSerializer(PlanSerializer):
    lines = BudgetLineSerializer(many=True, read_only=True, source="detail_lines")
    contributions = ContributionSerializer(many=True, read_only=True,
                                           source="detail_contributions")
    mix = MixSerializer(read_only=True, source="detail_mix")

    class Meta(PlanSerializer.Meta):
        fields = [*PlanSerializer.Meta.fields, "lines", "contributions", "mix"]
