from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from funding.api.filters import PlanApiFilter, SourceApiFilter
from funding.api.serializers import (
    BudgetLineSerializer,
    ContributionSerializer,
    PlanDetailSerializer,
    PlanSerializer,
    SourceSerializer,
)
from funding.models import BudgetLine, Contribution, FundingPlan
from funding.permissions import can_change_plans, visible_plans
from funding.selectors import plan_detail, plans_with_totals, sources_for_catalogue
from funding.services import (
    budget_line_delete,
    budget_line_save,
    contribution_delete,
    contribution_save,
    plan_delete,
    plan_save,
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
    """The collective's members read its plans; its facilitators and staff change them."""

    message = _("Seuls les animateur·rices du collectif modifient ses plans de financement.")

    def has_permission(self, request, view):
        return request.user.is_authenticated

    def has_object_permission(self, request, view, plan):
        if request.method in permissions.SAFE_METHODS:
            return True
        return can_change_plans(request.user, plan.cluster)


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
        detail = plan_detail(plan)
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
        if not can_change_plans(request.user, cluster):
            raise PermissionDenied(PlanPermission.message)
        plan = plan_save(plan=FundingPlan(cluster=cluster), fields=data, by=request.user)
        return Response(self._detail(plan), status=status.HTTP_201_CREATED)

    def update(self, request, *args, partial=False, **kwargs):
        plan = self.get_object()
        serializer = self.get_serializer(plan, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("cluster", None)
        plan = plan_save(plan=plan, fields=data, by=request.user)
        return Response(self._detail(plan))

    def perform_destroy(self, plan):
        plan_delete(plan=plan, by=self.request.user)

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
