"""The funders' API: the dossiers submitted to their calls, reviewed and decided by token.

A funder's reviewer sees, with their token, the dossiers submitted to their funder's
calls (never a draft, never another funder's, never one they declared a conflict
with: `dossiers_for_reviewer`). Until they declare, a dossier's detail answers 403.
What a person may do on a dossier comes from its access object (`DossierAccess`), as
on the pages; the actions call the same services as the pages.
"""

from decimal import Decimal

from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import permissions, renderers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from cluster.api.renderers import CsvRenderer, PdfRenderer, XlsxRenderer
from cluster.api.schema import ErrorSerializer
from funding.api.filters import InstructionDossierFilter
from funding.api.instruction_serializers import (
    ComplementInputSerializer,
    DecisionInputSerializer,
    DecisionSerializer,
    DeclarationInputSerializer,
    DeclarationSerializer,
    InstructionDossierDetailSerializer,
    InstructionDossierSerializer,
    ReviewInputSerializer,
    ReviewSerializer,
)
from funding.models import Review, Score
from funding.permissions import (
    DECLARE_FIRST,
    IN_CONFLICT,
    DossierAccess,
    Right,
    dossiers_for_reviewer,
    with_access,
)
from funding.selectors import with_declaration_state, with_review_figures
from funding.services import (
    conflict_declare,
    decision_record,
    dossier_request_more_info,
    dossier_start_review,
    review_submit,
)
from funding.views.dossiers import dossier_pdf_response
from funding.views.reviews import attestation_response
from territories.exports import csv_content, xlsx_content

# Reviews, conflicts of interest, decisions -------------------------------------------------

def _error(description, detail, code):
    return OpenApiResponse(response=ErrorSerializer, description=description, examples=[
        OpenApiExample(code, value={"detail": detail, "code": code})])


NOT_DECLARED = _error("Conflits d'intérêts pas encore déclarés", str(DECLARE_FIRST),
                      "declaration_required")
IN_CONFLICT_ERROR = _error("Conflit d'intérêts", str(IN_CONFLICT), "conflict_of_interest")
NOT_FOUND = _error("Dossier inconnu, d'un autre financeur, ou retiré par un conflit déclaré",
                   "Pas trouvé.", "not_found")

LIST_EXAMPLE = OpenApiExample("Une page de dossiers", response_only=True, value={
    "count": 1, "next": None, "previous": None, "results": [{
        "id": 42, "call": "territoire-french-impact", "call_title": "Territoire French Impact",
        "title": "Territoire French Impact — Aix-Marseille-Provence", "status": "en_instruction",
        "submitted_at": "2026-03-02T10:15:00+01:00", "must_declare": False,
        "territory": "Aix-Marseille-Provence", "territory_slug": "aix-marseille-provence",
        "collective": "Collectif Aix-Marseille-Provence", "requested_amount": None,
        "average_score": "72.50", "review_count": 2, "decision": None,
        "url": "https://exemple.fr/api/instruction/dossiers/42/"}]})


# The actions on many dossiers: they read no dossier's access object.
LIST_ACTIONS = ("list", "export_csv", "export_xlsx")

EXPORT_COLUMNS = ["id", "call", "territory", "collective", "status", "submitted_at",
                  "average_score", "review_count", "decision"]


@extend_schema(tags=["instruction"])
@extend_schema_view(
    list=extend_schema(
        summary="Les dossiers déposés aux appels de votre financeur",
        description=(
            "Jamais les brouillons, jamais les dossiers d'un autre financeur, jamais ceux avec "
            "lesquels vous avez déclaré un conflit d'intérêts. Tant que vous n'avez pas "
            "déclaré, un dossier ne montre que son identifiant, son appel, son intitulé, son "
            "état et sa date de dépôt (`must_declare` vrai). Filtres : appel, état, "
            "territoire, thème d'un défi, période de dépôt, note moyenne."),
        examples=[LIST_EXAMPLE]),
    retrieve=extend_schema(
        summary="Un dossier : son contenu déposé, ses avis, sa décision",
        responses={200: InstructionDossierDetailSerializer, 403: NOT_DECLARED, 404: NOT_FOUND}),
)
class InstructionDossierViewSet(viewsets.ReadOnlyModelViewSet):
    """Dossiers under review for a funder's reviewers (and staff), by token or session."""

    permission_classes = [permissions.IsAuthenticated]
    filterset_class = InstructionDossierFilter

    def get_serializer_class(self):
        return (InstructionDossierDetailSerializer if self.action == "retrieve"
                else InstructionDossierSerializer)

    def get_queryset(self):
        user = self.request.user
        dossiers = with_declaration_state(with_review_figures(
            dossiers_for_reviewer(user), listing=self.action in LIST_ACTIONS),
            user).order_by("-submitted_at", "pk")
        if self.action not in LIST_ACTIONS:
            dossiers = with_access(dossiers, user)
        if self.action == "retrieve":
            dossiers = dossiers.prefetch_related(Prefetch(
                "reviews", queryset=Review.objects.select_related("reviewer").prefetch_related(
                    Prefetch("scores", queryset=Score.objects.select_related("criterion")
                             .order_by("criterion__position", "criterion__pk")))
                .order_by("submitted_at", "pk")))
        return dossiers

    def list(self, request, *args, **kwargs):
        # Rows, not model instances: the list reads only the columns it sends.
        rows = self.filter_queryset(self.get_queryset()).values(
            *InstructionDossierSerializer.ROW_VALUES.values())
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def _dossier(self, right=Right.READ):
        """Return the dossier of the URL if its access object grants `right`: else 403 (a
        reviewer who must declare first, or has a conflict of interest), 404 or 409 (the
        dossier's state refuses). The pages ask the same object."""
        dossier = get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])
        DossierAccess.of(self.request.user, dossier).require(right)
        return dossier

    def _detail(self, dossier, status_code=status.HTTP_200_OK):
        self.action = "retrieve"
        fresh = self._dossier()
        return Response(InstructionDossierDetailSerializer(
            fresh, context=self.get_serializer_context()).data, status=status_code)

    def retrieve(self, request, *args, **kwargs):
        return Response(self.get_serializer(self._dossier()).data)

    @extend_schema(
        summary="Déclarer ses conflits d'intérêts avec le dossier",
        description=("Une fois par dossier et par instructeur·rice, avant de l'ouvrir. Un "
                     "conflit déclaré retire le dossier : il n'apparaît plus, ni en liste ni en "
                     "détail (404). `has_conflict` est obligatoire, vrai ou faux : sans lui, "
                     "400 et rien n'est enregistré. 409 pour une seconde déclaration."),
        request=DeclarationInputSerializer,
        responses={201: DeclarationSerializer, 400: _error(
            "Conflit sans précision", "Précisez la nature du conflit d'intérêts.",
            "explanation_required"),
            409: _error("Déjà déclaré", "Vous avez déjà fait votre déclaration pour ce dossier.",
                        "already_declared"), 404: NOT_FOUND},
        examples=[
            OpenApiExample("Aucun conflit", request_only=True, value={"has_conflict": False}),
            OpenApiExample("Un conflit", request_only=True, value={
                "has_conflict": True,
                "explanation": "Je siège au conseil d'administration d'un acteur du collectif."}),
            OpenApiExample("Déclaration enregistrée", response_only=True, value={
                "dossier": 42, "has_conflict": False, "explanation": "",
                "declared_at": "2026-03-05T09:00:00+01:00"}),
        ])
    @action(detail=True, methods=["post"], url_path="declaration")
    def declaration(self, request, pk=None):
        dossier = self._dossier(Right.DECLARE)
        serializer = DeclarationInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        declaration = conflict_declare(dossier=dossier, reviewer=request.user,
                                       **serializer.validated_data)
        return Response(DeclarationSerializer(declaration).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Mettre le dossier déposé en instruction",
        description="Le collectif en est prévenu par e-mail. 409 si le dossier n'est pas déposé.",
        request=None,
        responses={200: InstructionDossierDetailSerializer, 403: NOT_DECLARED, 409: _error(
            "Pas à mettre en instruction",
            "Ce dossier est en instruction : impossible de le mettre en instruction.",
            "invalid_transition")})
    @action(detail=True, methods=["post"], url_path="instruire")
    def instruire(self, request, pk=None):
        dossier = self._dossier(Right.START_REVIEW)
        dossier_start_review(dossier=dossier, by=request.user)
        return self._detail(dossier)

    @extend_schema(
        summary="Demander un complément au collectif",
        description=("Pour les instructeur·rices du financeur qui ont déclaré n'avoir aucun "
                     "conflit d'intérêts, et l'équipe nationale, tant que le dossier est en "
                     "instruction : il passe en « complément demandé », le collectif est prévenu "
                     "par e-mail avec votre message, le complète et le dépose à nouveau. Le même "
                     "service que la page. 400 sans message, 403 sans déclaration ou avec un "
                     "conflit, 404 pour un dossier que vous ne lisez pas, 409 hors "
                     "instruction."),
        request=ComplementInputSerializer,
        responses={200: InstructionDossierDetailSerializer, 400: _error(
            "Message manquant", "Dites au collectif ce qu'il doit compléter.",
            "comment_required"), 403: NOT_DECLARED, 404: NOT_FOUND, 409: _error(
            "Pas en instruction",
            "Ce dossier est déposé : impossible de demander un complément.",
            "invalid_transition")},
        examples=[OpenApiExample("Un complément", request_only=True, value={
            "message": "Précisez les contributions attendues de la Région pour 2028."})])
    @action(detail=True, methods=["post"], url_path="complement")
    def complement(self, request, pk=None):
        dossier = self._dossier(Right.ASK_COMPLEMENT)
        serializer = ComplementInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        dossier_request_more_info(dossier=dossier, by=request.user,
                                  comment=serializer.validated_data["message"])
        return self._detail(dossier)

    @extend_schema(
        summary="Rendre son avis : une note par critère, un commentaire, une recommandation",
        description=("Pour les instructeur·rices du financeur sans conflit d'intérêts, une fois, "
                     "tant que le dossier est en instruction. `weighted_score` vaut "
                     "100 × Σ(poids × note / note maximale) / Σ poids. 400 pour une grille "
                     "incomplète ou une note hors barème (`invalid_scores`), 403 avec un conflit "
                     "ou sans déclaration, 409 hors instruction ou pour un second avis."),
        request=ReviewInputSerializer,
        responses={201: ReviewSerializer, 400: _error(
            "Notes hors de la grille", "« Défis mesurables » se note par un nombre entier de 0 "
            "à 5.", "invalid_scores"), 403: IN_CONFLICT_ERROR, 409: _error(
            "Avis déjà rendu", "Vous avez déjà rendu votre avis sur ce dossier.",
            "already_reviewed")},
        examples=[OpenApiExample("Un avis", request_only=True, value={
            "scores": {"12": 4, "13": 3, "14": 5},
            "comment": "Un collectif large, des défis mesurés ; le plan de financement reste "
                       "fragile.",
            "recommendation": "accepter"})])
    @action(detail=True, methods=["post"], url_path="avis")
    def avis(self, request, pk=None):
        dossier = self._dossier(Right.WRITE_REVIEW)
        serializer = ReviewInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        review = review_submit(dossier=dossier, reviewer=request.user,
                               **serializer.validated_data)
        review = Review.objects.select_related("reviewer").prefetch_related(
            "scores__criterion").get(pk=review.pk)
        return Response(ReviewSerializer(review).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Décider : accepter ou refuser le dossier en instruction",
        description=("Une seule décision par dossier (409 ensuite), par les instructeur·rices du "
                     "financeur sans conflit ou l'équipe nationale. Le collectif est prévenu par "
                     "e-mail ; une acceptation produit son attestation (certificat de label ou "
                     "attestation de financement) en PDF."),
        request=DecisionInputSerializer,
        responses={201: DecisionSerializer, 400: _error(
            "Montant refusé", "Le montant accordé ne peut pas être négatif.", "invalid_amount"),
            409: _error("Déjà décidé", "Ce dossier a déjà reçu sa décision.", "already_decided")},
        examples=[
            OpenApiExample("Accepter un label", request_only=True, value={
                "outcome": "accepte", "comment": "Bienvenue dans le réseau des territoires."}),
            OpenApiExample("Accorder un financement", request_only=True, value={
                "outcome": "accepte", "comment": "Financé sur deux ans.",
                "granted_amount": "25000.00"}),
        ])
    @action(detail=True, methods=["post"], url_path="decision")
    def decision(self, request, pk=None):
        dossier = self._dossier(Right.DECIDE)
        serializer = DecisionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        decision = decision_record(dossier=dossier, by=request.user,
                                   **serializer.validated_data)
        decision.refresh_from_db()
        return Response(DecisionSerializer(decision, context=self.get_serializer_context()).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(summary="Le PDF du dossier déposé",
                   responses={(200, PdfRenderer.media_type): OpenApiTypes.BINARY, 403: NOT_DECLARED,
                              404: NOT_FOUND})
    @action(detail=True, methods=["get"], url_path="pdf",
            renderer_classes=[renderers.JSONRenderer, PdfRenderer])
    def pdf(self, request, pk=None):
        return dossier_pdf_response(self._dossier())

    @extend_schema(summary="L'attestation d'un dossier accepté (PDF)",
                   responses={(200, PdfRenderer.media_type): OpenApiTypes.BINARY, 403: NOT_DECLARED,
                              404: NOT_FOUND})
    @action(detail=True, methods=["get"], url_path="attestation",
            renderer_classes=[renderers.JSONRenderer, PdfRenderer])
    def attestation(self, request, pk=None):
        return attestation_response(self._dossier(Right.DOWNLOAD_ATTESTATION))

    # Exports -----------------------------------------------------------------------------

    def _rows(self):
        dossiers = self.filter_queryset(self.get_queryset())
        for dossier in dossiers.iterator(chunk_size=500):
            hidden = dossier.must_declare
            decision = getattr(dossier, "decision", None)
            yield [dossier.pk, dossier.call.slug,
                   None if hidden else dossier.cluster.territory.name,
                   None if hidden else dossier.cluster.collective.name,
                   dossier.status,
                   timezone.localtime(dossier.submitted_at).isoformat()
                   if dossier.submitted_at else None,
                   None if hidden or dossier.average_score is None
                   else Decimal(dossier.average_score).quantize(Decimal("0.01")),
                   None if hidden else dossier.review_count,
                   decision.outcome if decision and not hidden else None]

    @extend_schema(summary="Exporter la liste filtrée en CSV",
                   description="Colonnes : " + ", ".join(EXPORT_COLUMNS) + ".",
                   filters=True, responses={(200, CsvRenderer.media_type): OpenApiTypes.BINARY})
    @action(detail=False, methods=["get"], url_path=r"export\.csv",
            renderer_classes=[renderers.JSONRenderer, CsvRenderer], pagination_class=None)
    def export_csv(self, request):
        response = HttpResponse(csv_content(EXPORT_COLUMNS, self._rows()),
                                content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="dossiers.csv"'
        return response

    @extend_schema(summary="Exporter la liste filtrée en XLSX (tableur)",
                   description="Colonnes : " + ", ".join(EXPORT_COLUMNS) + ".",
                   filters=True,
                   responses={(200, XlsxRenderer.media_type): OpenApiTypes.BINARY})
    @action(detail=False, methods=["get"], url_path=r"export\.xlsx",
            renderer_classes=[renderers.JSONRenderer, XlsxRenderer], pagination_class=None)
    def export_xlsx(self, request):
        response = HttpResponse(
            xlsx_content(EXPORT_COLUMNS, self._rows(), sheet_title=_("Dossiers")),
            content_type=XlsxRenderer.media_type)
        response["Content-Disposition"] = 'attachment; filename="dossiers.xlsx"'
        return response
