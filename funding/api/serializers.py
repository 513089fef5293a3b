from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.plumbing import resolve_type_hint
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cluster.api.cluster_serializers import VisibleRelatedField
from cluster.models import Cluster
from funding.models import (
    BudgetLine,
    Call,
    CallState,
    Contribution,
    Criterion,
    Dossier,
    DossierEvent,
    Funder,
    FundingPlan,
    FundingSource,
)
from funding.permissions import DossierAccess, visible_calls
from funding.selectors import dossier_checklist
from funding.snapshot import Snapshot, snapshot_read
from projects.models import Project
from territories.api.serializers import FixedParentsMixin
from territories.locking import version_field

# Catalogue and funding plans -------------------------------------------------------------

MONEY = {"max_digits": 14, "decimal_places": 2}


@extend_schema_field({**resolve_type_hint(Snapshot), "nullable": True})
class SnapshotField(serializers.JSONField):
    """A dossier's frozen contents, in the current shape whatever format they were frozen in
    (see funding/snapshot.py)."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, value):
        return None if value is None else snapshot_read(value)


class OptionalURLField(serializers.URLField):
    """A site address that may be missing: null, never an empty string posing as a URI."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, allow_null=True, **kwargs)

    def to_representation(self, value):
        return value or None


class FunderSerializer(serializers.ModelSerializer):
    is_public = serializers.BooleanField(read_only=True, help_text=_(
        "Argent public (collectivités, CAF, État, banques publiques, Union européenne)."))
    website = OptionalURLField(help_text=_("Site du financeur, s'il en a un."))

    class Meta:
        model = Funder
        fields = ["slug", "name", "kind", "is_public", "website"]
        read_only_fields = fields


class SourceSerializer(serializers.ModelSerializer):
    funder = FunderSerializer(read_only=True)
    themes = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    open_today = serializers.SerializerMethodField()
    website = OptionalURLField(help_text=_("Page de la source, s'il y en a une."))

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


class PlanSerializer(FixedParentsMixin, serializers.ModelSerializer):
    cluster = VisibleRelatedField(queryset=Cluster.objects.all(), cluster_path="")
    project = VisibleRelatedField(
        queryset=Project.objects.all(), cluster_path="cluster", required=False,
        allow_null=True, help_text=_("Vide pour le plan d'ensemble du cluster."))
    budget_total = serializers.DecimalField(**MONEY, read_only=True)
    contribution_total = serializers.DecimalField(**MONEY, read_only=True)
    version = version_field()

    class Meta:
        model = FundingPlan
        fields = ["id", "cluster", "project", "title", "first_year", "last_year",
                  "budget_total", "contribution_total", "version", "created_at"]
        read_only_fields = ["id", "created_at"]
        # funding_plan_save checks the one-plan rules and answers 409, as for the pages.
        validators = []

    fixed_parents = {"cluster": _("Un plan ne change pas de cluster.")}


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
    state = serializers.ChoiceField(choices=CallState.choices, read_only=True, help_text=(
        "Où en est l'appel maintenant : brouillon, à venir, ouvert ou clos."))

    class Meta:
        model = Call
        fields = ["id", "slug", "title", "kind", "funder", "funder_name", "description",
                  "eligibility", "opens_at", "deadline", "max_amount", "wave", "state",
                  "criteria"]
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


# What a reviewer who has not declared their conflicts of interest does not read of a
# dossier yet, and what stands in its place: an empty value of the field's own type, so
# the response keeps to the schema (`must_declare` says why it is empty, as in the
# funders' list). The ids,
# dates and version stay: they name nobody (reviewers read no cluster by its id).
HIDDEN_UNTIL_DECLARED = {
    "territory": "", "collective": "", "summary": "", "strategic_plan": "",
    "requested_amount": None, "pdf": None, "checklist": [], "snapshot": None, "events": [],
}


class DossierSerializer(FixedParentsMixin, serializers.ModelSerializer):
    """A dossier as its collective edits it; reviewers read the same fields."""

    fixed_parents = dict.fromkeys(
        ("call", "cluster"), _("L'appel et le cluster d'un dossier ne changent pas."))

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
    must_declare = serializers.SerializerMethodField(
        help_text=_("Vrai tant que l'instructeur·rice n'a pas déclaré ses conflits "
                    "d'intérêts : le territoire, le collectif et les textes sont alors vides."))

    class Meta:
        model = Dossier
        fields = ["id", "call", "call_title", "cluster", "territory", "collective", "title",
                  "summary", "strategic_plan", "requested_amount", "status", "submitted_at",
                  "version", "pdf", "created_at", "updated_at", "must_declare"]
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

    def get_must_declare(self, dossier) -> bool:
        return bool(getattr(dossier, "must_declare", False))

    def to_representation(self, dossier):
        data = super().to_representation(dossier)
        if getattr(dossier, "must_declare", False):
            # A reviewer who has not declared their conflicts reads no contents yet.
            data.update({key: value for key, value in HIDDEN_UNTIL_DECLARED.items()
                         if key in data})
        return data


class ChecklistItemSerializer(serializers.Serializer):
    """One condition of a complete dossier, met or not (`funding.selectors.ChecklistItem`)."""

    key = serializers.CharField()
    label = serializers.CharField()
    ok = serializers.BooleanField()
    message = serializers.CharField()


class DossierDetailSerializer(DossierSerializer):
    """Adds the checklist (for the collective, while it edits), the frozen contents and
    the history."""

    checklist = serializers.SerializerMethodField(allow_null=True, help_text=_(
        "Ce que l'appel demande, rempli ou non (membres du collectif, tant que le dossier se "
        "modifie) ; null sinon."))
    snapshot = SnapshotField(allow_null=True, help_text=_(
        "Le contenu figé au dépôt : collectif, territoire, défis, entreprises engagées, textes, "
        "appel et grille."))
    events = DossierEventSerializer(many=True, read_only=True)

    class Meta(DossierSerializer.Meta):
        fields = [*DossierSerializer.Meta.fields, "checklist", "snapshot", "events"]

    @extend_schema_field(ChecklistItemSerializer(many=True))
    def get_checklist(self, dossier) -> list[dict]:
        user = self.context["request"].user
        if not DossierAccess.of(user, dossier).can_edit:
            return None
        return [{"key": item.key, "label": item.label, "ok": item.ok, "message": item.message}
                for item in dossier_checklist(dossier)]


class DossierDepositSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        required=False, min_value=1,
        help_text=_("Version relue avant le dépôt : un dossier modifié depuis est refusé "
                    "(409)."))
