from django.core.exceptions import ValidationError as ModelValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from cluster.api.schema import ErrorSerializer
from funding.api.filters import CallApiFilter, DossierApiFilter, PlanApiFilter, SourceApiFilter
from funding.api.serializers import (
    BudgetLineSerializer,
    CallSerializer,
    ContributionSerializer,
    DossierDepositSerializer,
    DossierDetailSerializer,
    DossierSerializer,
    PlanDetailSerializer,
    PlanSerializer,
    SourceSerializer,
)
from funding.models import BudgetLine, Contribution, Criterion, DossierEvent, FundingPlan
from funding.permissions import (
    DossierAccess,
    FundingAccess,
    Right,
    visible_calls,
    visible_dossiers,
    visible_plans,
    with_access,
)
from funding.selectors import (
    funding_plan_detail,
    plans_with_totals,
    sources_for_catalogue,
    with_declaration_state,
)
from funding.services import (
    DOSSIER_FIELDS,
    budget_line_delete,
    budget_line_save,
    contribution_delete,
    contribution_save,
    dossier_save,
    dossier_start,
    dossier_submit,
    funding_plan_delete,
    funding_plan_save,
)

# Catalogue and funding plans -------------------------------------------------------------


@extend_schema(tags=["financements"])
@extend_schema_view(
    list=extend_schema(summary="Catalogue des sources de financement"),
    retrieve=extend_schema(summary="Une source de financement du catalogue"),
)
class SourceViewSet(viewsets.ReadOnlyModelViewSet):
    """The catalogue of hybrid funding sources, public: the same filters as its page."""

    serializer_class = SourceSerializer
    permission_classes = [permissions.AllowAny]
    filterset_class = SourceApiFilter
    lookup_field = "slug"

    def get_queryset(self):
        return sources_for_catalogue()


class PlanPermission(permissions.BasePermission):
    """The collective's members read its plans; its facilitators and staff change them.

    A refusal says why, from the access object (`FundingAccess`).
    """

    def has_permission(self, request, view):
        return request.user.is_authenticated

    def has_object_permission(self, request, view, plan):
        if request.method not in permissions.SAFE_METHODS:
            FundingAccess.of(request.user, plan.cluster, plan).require(Right.CHANGE_PLANS)
        return True


ROW_ID = OpenApiParameter("row_pk", int, OpenApiParameter.PATH,
                          description="Identifiant de la dépense ou de la contribution.")


@extend_schema(tags=["financements"])
@extend_schema_view(
    list=extend_schema(summary="Plans de financement des clusters de mes collectifs"),
    retrieve=extend_schema(summary="Un plan : ses dépenses, ses contributions et son mix"),
    create=extend_schema(summary="Créer un plan (animateur·rices)"),
    update=extend_schema(summary="Modifier un plan (animateur·rices)"),
    partial_update=extend_schema(summary="Modifier un plan (animateur·rices)"),
    destroy=extend_schema(summary="Supprimer un plan et ses lignes (animateur·rices)"),
)
class PlanViewSet(viewsets.ModelViewSet):
    """Funding plans: read by the collective's members, changed by its facilitators and staff.

    Budget lines and contributions are written under the plan (`lignes/`,
    `contributions/`), through the same services as the pages: an amount must be more
    than zero, a year inside the plan, a source open that year.
    """

    permission_classes = [PlanPermission]
    filterset_class = PlanApiFilter

    def get_queryset(self):
        return plans_with_totals(visible_plans(self.request.user)).select_related(
            "cluster", "project").order_by("pk")

    def get_serializer_class(self):
        return PlanDetailSerializer if self.action == "retrieve" else PlanSerializer

    def _detail(self, plan):
        plan = self.get_queryset().get(pk=plan.pk)
        detail = funding_plan_detail(plan)
        plan.detail_lines = detail["lines"]
        plan.detail_contributions = detail["contributions"]
        plan.detail_mix = detail["mix"]
        return PlanDetailSerializer(plan, context=self.get_serializer_context()).data

    def retrieve(self, request, *args, **kwargs):
        return Response(self._detail(self.get_object()))

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        cluster = data.pop("cluster")
        data.pop("version", None)
        FundingAccess.of(request.user, cluster).require(Right.CHANGE_PLANS)
        plan = funding_plan_save(plan=FundingPlan(cluster=cluster), fields=data, by=request.user)
        return Response(self._detail(plan), status=status.HTTP_201_CREATED)

    def update(self, request, *args, partial=False, **kwargs):
        plan = self.get_object()
        serializer = self.get_serializer(plan, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("cluster", None)
        version = data.pop("version", None)
        plan = funding_plan_save(plan=plan, fields=data, by=request.user, version=version)
        return Response(self._detail(plan))

    def perform_destroy(self, plan):
        funding_plan_delete(plan=plan, by=self.request.user)

    # Budget lines ----------------------------------------------------------------------

    def _save_row(self, request, *, model, serializer_class, save, row_pk=None):
        plan = self.get_object()
        row = get_object_or_404(model, pk=row_pk, plan=plan) if row_pk else model(plan=plan)
        serializer = serializer_class(row if row_pk else None, data=request.data,
                                      partial=request.method == "PATCH")
        serializer.is_valid(raise_exception=True)
        row.plan = plan
        row = save(row, dict(serializer.validated_data), request.user)
        return Response(serializer_class(row).data,
                        status=status.HTTP_200_OK if row_pk else status.HTTP_201_CREATED)

    def _delete_row(self, *, model, delete, row_pk):
        plan = self.get_object()
        delete(get_object_or_404(model, pk=row_pk, plan=plan), self.request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=BudgetLineSerializer, responses={201: BudgetLineSerializer},
                   summary="Ajouter une dépense au plan")
    @action(detail=True, methods=["post"], url_path="lignes")
    def add_line(self, request, pk=None):
        return self._save_row(request, model=BudgetLine, serializer_class=BudgetLineSerializer,
                              save=lambda line, fields, by: budget_line_save(
                                  line=line, fields=fields, by=by))

    @extend_schema(request=BudgetLineSerializer, responses=BudgetLineSerializer,
                   parameters=[ROW_ID], summary="Modifier une dépense du plan")
    @action(detail=True, methods=["patch"], url_path=r"lignes/(?P<row_pk>[0-9]+)")
    def change_line(self, request, pk=None, row_pk=None):
        return self._save_row(request, model=BudgetLine, serializer_class=BudgetLineSerializer,
                              row_pk=row_pk, save=lambda line, fields, by: budget_line_save(
                                  line=line, fields=fields, by=by))

    @extend_schema(parameters=[ROW_ID], responses={204: None},
                   summary="Supprimer une dépense du plan")
    @change_line.mapping.delete
    def delete_line(self, request, pk=None, row_pk=None):
        return self._delete_row(model=BudgetLine, row_pk=row_pk,
                                delete=lambda line, by: budget_line_delete(line=line, by=by))

    # Contributions ---------------------------------------------------------------------

    @extend_schema(request=ContributionSerializer, responses={201: ContributionSerializer},
                   summary="Ajouter une contribution au plan")
    @action(detail=True, methods=["post"], url_path="contributions")
    def add_contribution(self, request, pk=None):
        return self._save_row(
            request, model=Contribution, serializer_class=ContributionSerializer,
            save=lambda row, fields, by: contribution_save(contribution=row, fields=fields,
                                                           by=by))

    @extend_schema(request=ContributionSerializer, responses=ContributionSerializer,
                   parameters=[ROW_ID], summary="Modifier une contribution du plan")
    @action(detail=True, methods=["patch"], url_path=r"contributions/(?P<row_pk>[0-9]+)")
    def change_contribution(self, request, pk=None, row_pk=None):
        return self._save_row(
            request, model=Contribution, serializer_class=ContributionSerializer,
            row_pk=row_pk, save=lambda row, fields, by: contribution_save(
                contribution=row, fields=fields, by=by))

    @extend_schema(parameters=[ROW_ID], responses={204: None},
                   summary="Supprimer une contribution du plan")
    @change_contribution.mapping.delete
    def delete_contribution(self, request, pk=None, row_pk=None):
        return self._delete_row(
            model=Contribution, row_pk=row_pk,
            delete=lambda row, by: contribution_delete(contribution=row, by=by))


# Calls and dossiers ------------------------------------------------------------------------


@extend_schema(tags=["appels-et-dossiers"])
@extend_schema_view(
    list=extend_schema(summary="Les appels ouverts et clos, avec leur grille"),
    retrieve=extend_schema(summary="Un appel et sa grille d'évaluation"),
)
class CallViewSet(viewsets.ReadOnlyModelViewSet):
    """Calls of funders and labelling bodies, public once open, with their scoring grid."""

    serializer_class = CallSerializer
    permission_classes = [permissions.AllowAny]
    lookup_field = "slug"
    filterset_class = CallApiFilter

    def get_queryset(self):
        return visible_calls(self.request.user).select_related("funder").prefetch_related(
            Prefetch("criteria", queryset=Criterion.objects.order_by("position", "pk"))
        ).order_by("-deadline", "pk")


class DossierPermission(permissions.BasePermission):
    """Ask the dossier's access object for the right the view's action needs
    (`view.rights`, reading otherwise): a refusal says why, 403 or 409."""

    def has_permission(self, request, view):
        return request.user.is_authenticated

    def has_object_permission(self, request, view, obj):
        DossierAccess.of(request.user, obj).require(view.rights.get(view.action, Right.READ))
        return True


@extend_schema(tags=["appels-et-dossiers"])
@extend_schema_view(
    list=extend_schema(summary="Les dossiers que vous lisez", description=(
        "Membres d'un collectif : les dossiers de ses clusters, brouillons compris. "
        "Instructeur·rices : les dossiers déposés aux appels de leur financeur, jamais les "
        "brouillons. Équipe nationale : tous.")),
    retrieve=extend_schema(
        summary="Un dossier, sa liste de complétude, son contenu déposé",
        responses={200: DossierDetailSerializer, 403: OpenApiResponse(
            ErrorSerializer, description="Instructeur·rice : conflits d'intérêts pas encore "
                                         "déclarés (« declaration_required »).")}),
    create=extend_schema(summary="Préparer un dossier", description=(
        "Réservé aux animateur·rices du collectif du cluster et à l'équipe nationale ; un "
        "dossier par appel et par cluster (409 sinon), jamais après la date limite."),
        responses={201: DossierDetailSerializer}),
    update=extend_schema(summary="Modifier un dossier en brouillon", description=(
        "Chaque membre du collectif modifie le dossier tant qu'il est en brouillon ou qu'un "
        "complément est demandé. `version` est obligatoire : 409 si quelqu'un l'a modifié "
        "entre-temps."), responses=DossierDetailSerializer),
    partial_update=extend_schema(summary="Modifier une partie d'un dossier en brouillon",
                                 responses=DossierDetailSerializer),
)
class DossierViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin,
                     viewsets.ReadOnlyModelViewSet):
    """A collective's dossiers: the same rules as the pages, through the same services."""

    permission_classes = [DossierPermission]
    filterset_class = DossierApiFilter
    rights = {"update": Right.EDIT, "partial_update": Right.EDIT, "deposer": Right.SUBMIT}

    def get_serializer_class(self):
        return DossierSerializer if self.action == "list" else DossierDetailSerializer

    def get_queryset(self):
        dossiers = with_declaration_state(visible_dossiers(self.request.user).select_related(
            "call__funder", "cluster__territory", "cluster__collective",
        ), self.request.user).order_by("-updated_at", "pk")
        if self.action != "list":
            dossiers = with_access(dossiers, self.request.user).prefetch_related(Prefetch(
                "events", queryset=DossierEvent.objects.select_related("by").order_by("at",
                                                                                     "pk")))
        return dossiers

    def _fresh(self, dossier):
        return self.get_queryset().get(pk=dossier.pk)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        call, cluster = data.pop("call"), data.pop("cluster")
        data.pop("version", None)
        FundingAccess.of(request.user, cluster).require(Right.START_DOSSIER)
        with transaction.atomic():
            dossier = dossier_start(call=call, cluster=cluster, by=request.user,
                                    title=data.pop("title", ""))
            fields = {name: value for name, value in data.items() if name in DOSSIER_FIELDS}
            if fields:
                dossier = self._save(dossier, fields, dossier.version)
        return Response(self.get_serializer(self._fresh(dossier)).data,
                        status=status.HTTP_201_CREATED)

    def update(self, request, *args, partial=False, **kwargs):
        dossier = self.get_object()
        serializer = self.get_serializer(dossier, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if "version" not in data:
            raise serializers.ValidationError({"version": [_(
                "Indiquez la version du dossier lue avant la modification.")]})
        fields = {name: value for name, value in data.items() if name in DOSSIER_FIELDS}
        dossier = self._save(dossier, fields, data["version"])
        return Response(self.get_serializer(self._fresh(dossier)).data)

    def _save(self, dossier, fields, version):
        try:
            return dossier_save(dossier=dossier, fields=fields, version=version)
        except ModelValidationError as error:
            raise serializers.ValidationError(error.message_dict) from None

    @extend_schema(
        summary="Déposer le dossier",
        description=("Réservé aux animateur·rices du collectif et à l'équipe nationale. Dépose "
                     "un brouillon complet avant la date limite, ou dépose à nouveau un dossier "
                     "dont un complément est demandé. Le contenu est figé et le PDF produit. "
                     "400 si le dossier est incomplet (`code` « incomplete ») ou la date limite "
                     "passée (« deadline_passed ») ; 409 s'il n'est pas à déposer ou a changé "
                     "depuis la `version` indiquée."),
        request=DossierDepositSerializer, responses=DossierDetailSerializer)
    @action(detail=True, methods=["post"], url_path="deposer")
    def deposer(self, request, pk=None):
        dossier = self.get_object()
        serializer = DossierDepositSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        dossier = dossier_submit(dossier=dossier, by=request.user,
                                 version=serializer.validated_data.get("version"))
        return Response(DossierDetailSerializer(self._fresh(dossier),
                                                context=self.get_serializer_context()).data)
