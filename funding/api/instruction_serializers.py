"""Serializers of the funders' API: the dossiers submitted to their calls, and their answers."""

from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.fields import empty
from rest_framework.settings import api_settings

from funding.api.serializers import SnapshotField
from funding.models import Decision, Dossier, Review, Score
from funding.permissions import CHOICE_REQUIRED
from territories.api.rows import RowSerializerMixin

# Reviews, conflicts of interest, decisions -------------------------------------------------

# What a reviewer who has not declared yet reads of a dossier in a list.
UNDECLARED_FIELDS = ("id", "call", "call_title", "title", "status", "submitted_at",
                     "must_declare", "url")


# The list reads its rows with `.values()` (`InstructionDossierSerializer.ROW_VALUES`).
# A sentinel primary key, replaced in the detail URL reversed once per serializer.
URL_SENTINEL = 2_147_483_647


class InstructionDossierSerializer(RowSerializerMixin, serializers.ModelSerializer):
    """A submitted dossier in the funders' list: no contents, no snapshot."""

    # (Not in the docstring, which the schema shows.) It serializes a dossier, or a row of
    # `ROW_VALUES` read with `.values()` by the list (territories.api.rows), which then
    # builds no model instance. The column of each field in a row:
    ROW_VALUES = {"id": "id", "call": "call__slug", "call_title": "call__title",
                  "title": "title", "status": "status", "submitted_at": "submitted_at",
                  "must_declare": "must_declare", "territory": "cluster__territory__name",
                  "territory_slug": "cluster__territory__slug",
                  "collective": "cluster__collective__name",
                  "requested_amount": "requested_amount", "average_score": "average_score",
                  "review_count": "review_count", "decision": "decision__outcome"}
    RAW_FIELDS = ("call", "decision")  # the slug and the outcome, as read

    call = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    call_title = serializers.CharField(source="call.title", read_only=True)
    must_declare = serializers.BooleanField(read_only=True, help_text=_(
        "Vrai tant que vous n'avez pas déclaré vos conflits d'intérêts : le dossier ne "
        "montre alors que son identifiant, son appel, son intitulé, son état et sa date "
        "de dépôt."))
    territory = serializers.CharField(source="cluster.territory.name", read_only=True,
                                      allow_null=True)
    territory_slug = serializers.CharField(source="cluster.territory.slug", read_only=True,
                                           allow_null=True)
    collective = serializers.CharField(source="cluster.collective.name", read_only=True,
                                       allow_null=True)
    average_score = serializers.DecimalField(
        max_digits=5, decimal_places=2, read_only=True, allow_null=True,
        help_text=_("Moyenne des notes pondérées des avis, sur 100 ; vide sans avis."))
    review_count = serializers.IntegerField(read_only=True, allow_null=True)
    decision = serializers.SerializerMethodField(help_text=_(
        "« accepte », « refuse », ou vide tant qu'aucune décision n'est prise."))
    url = serializers.SerializerMethodField()

    class Meta:
        model = Dossier
        fields = ["id", "call", "call_title", "title", "status", "submitted_at",
                  "must_declare", "territory", "territory_slug", "collective",
                  "requested_amount", "average_score", "review_count", "decision", "url"]
        read_only_fields = fields

    def get_decision(self, dossier) -> str | None:
        decision = getattr(dossier, "decision", None) if hasattr(dossier, "decision") else None
        return decision.outcome if decision else None

    def get_url(self, dossier) -> str:
        return self._url(dossier.pk)

    @cached_property
    def _url_parts(self):
        url = self.context["request"].build_absolute_uri(
            reverse("api:instruction-dossier-detail", args=[URL_SENTINEL]))
        return url.rsplit(str(URL_SENTINEL), 1)

    def _url(self, pk):
        start, end = self._url_parts
        return f"{start}{pk}{end}"

    def row_format(self, name, field):
        if name == "url":
            return "id", self._url
        return super().row_format(name, field)

    def to_representation(self, dossier):
        data = super().to_representation(dossier)
        if (dossier["must_declare"] if isinstance(dossier, dict)
                else getattr(dossier, "must_declare", False)):
            data = {key: (value if key in UNDECLARED_FIELDS else None)
                    for key, value in data.items()}
        return data


class ScoreSerializer(serializers.ModelSerializer):
    criterion = serializers.IntegerField(source="criterion_id", read_only=True)
    label = serializers.CharField(source="criterion.label", read_only=True)
    max_score = serializers.IntegerField(source="criterion.max_score", read_only=True)

    class Meta:
        model = Score
        fields = ["criterion", "label", "value", "max_score"]
        read_only_fields = fields


class ReviewSerializer(serializers.ModelSerializer):
    reviewer = serializers.CharField(source="reviewer.__str__", read_only=True)
    scores = ScoreSerializer(many=True, read_only=True)

    class Meta:
        model = Review
        fields = ["id", "reviewer", "recommendation", "comment", "weighted_score",
                  "submitted_at", "scores"]
        read_only_fields = fields


class DecisionSerializer(serializers.ModelSerializer):
    decided_by = serializers.CharField(source="decided_by.__str__", read_only=True)
    attestation = serializers.SerializerMethodField(help_text=_(
        "Lien de l'attestation (acceptation) ; vide tant qu'elle est en cours de génération."))

    class Meta:
        model = Decision
        fields = ["outcome", "granted_amount", "comment", "decided_by", "decided_at",
                  "attestation"]
        read_only_fields = fields

    def get_attestation(self, decision) -> str | None:
        if not decision.attestation:
            return None
        return self.context["request"].build_absolute_uri(
            reverse("api:instruction-dossier-attestation", args=[decision.dossier_id]))


class InstructionDossierDetailSerializer(InstructionDossierSerializer):
    """A dossier with what was submitted (the frozen snapshot), its reviews and decision."""

    snapshot = SnapshotField(allow_null=True, help_text=_(
        "Le contenu figé au dépôt : collectif et ses acteurs, territoire, défis avec leurs "
        "objectifs et leur progression, entreprises engagées, plan de financement, textes, "
        "appel et grille."))
    reviews = ReviewSerializer(many=True, read_only=True)
    decision_detail = serializers.SerializerMethodField()
    pdf = serializers.SerializerMethodField(help_text=_("Lien du PDF déposé."))

    class Meta(InstructionDossierSerializer.Meta):
        fields = [*InstructionDossierSerializer.Meta.fields, "snapshot", "reviews",
                  "decision_detail", "pdf"]
        read_only_fields = fields

    @extend_schema_field(DecisionSerializer(allow_null=True))
    def get_decision_detail(self, dossier):
        decision = getattr(dossier, "decision", None) if hasattr(dossier, "decision") else None
        return DecisionSerializer(decision, context=self.context).data if decision else None

    def get_pdf(self, dossier) -> str | None:
        if not dossier.pdf:
            return None
        return self.context["request"].build_absolute_uri(
            reverse("api:instruction-dossier-pdf", args=[dossier.pk]))


class SaidBooleanField(serializers.BooleanField):
    """A yes or a no that must be said: left out of a form, it is not a "no".

    DRF reads a boolean missing from form data as false; here it is missing.
    """

    default_empty_html = empty


class DeclarationInputSerializer(serializers.Serializer):
    has_conflict = SaidBooleanField(
        error_messages={key: CHOICE_REQUIRED for key in ("required", "invalid", "null")},
        help_text=_("Obligatoire, vrai ou faux : vrai si vous avez un lien personnel, "
                    "professionnel ou financier avec le collectif, ses acteurs ou ses "
                    "entreprises ; le dossier vous est alors retiré, définitivement."))
    explanation = serializers.CharField(required=False, allow_blank=True, max_length=2000,
                                        help_text=_("Obligatoire en cas de conflit."))

    def to_internal_value(self, data):
        try:
            return super().to_internal_value(data)
        except serializers.ValidationError as error:
            if isinstance(error.detail, dict) and "has_conflict" in error.detail:
                # The one thing to fix: say it as the error's detail, not only per field.
                raise serializers.ValidationError(
                    {api_settings.NON_FIELD_ERRORS_KEY: [CHOICE_REQUIRED], **error.detail},
                ) from None
            raise


class DeclarationSerializer(serializers.Serializer):
    dossier = serializers.IntegerField(source="dossier_id")
    has_conflict = serializers.BooleanField()
    explanation = serializers.CharField()
    declared_at = serializers.DateTimeField()


class ReviewInputSerializer(serializers.Serializer):
    scores = serializers.DictField(
        child=serializers.JSONField(), help_text=_(
            "Une note entière par critère de la grille de l'appel, de 0 à sa note maximale : "
            "{identifiant du critère: note}. Chaque critère exactement une fois."))
    comment = serializers.CharField(max_length=10000, allow_blank=True)
    recommendation = serializers.ChoiceField(
        choices=Review.Recommendation.choices,
        error_messages={"invalid_choice": _("Recommandez d'accepter, de refuser ou de demander "
                                            "un complément.")},
        help_text=_("« accepter », « refuser » ou « completer »."))


class ComplementInputSerializer(serializers.Serializer):
    message = serializers.CharField(max_length=10000, allow_blank=True, help_text=_(
        "Ce que le collectif doit compléter ; il le lit dans l'e-mail et sur la page du "
        "dossier."))


class DecisionInputSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(
        choices=Decision.Outcome.choices,
        error_messages={"invalid_choice": _("Choisissez d'accepter ou de refuser le dossier.")},
        help_text=_("« accepte » ou « refuse »."))
    comment = serializers.CharField(max_length=10000, allow_blank=True, help_text=_(
        "La motivation, que le collectif lira."))
    granted_amount = serializers.DecimalField(
        max_digits=14, decimal_places=2, required=False, allow_null=True,
        help_text=_("Montant accordé en euros, pour un financement accepté."))
