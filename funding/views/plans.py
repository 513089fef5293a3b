"""Pages of the catalogue of hybrid funding (public) and of the clusters' funding plans."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from funding.breadcrumbs import funding_plan_trail, plans_trail
from funding.filters import SourceFilter
from funding.forms import BudgetLineForm, ContributionForm, PlanForm
from funding.models import BudgetLine, Contribution, FundingPlan, FundingSource
from funding.permissions import Right, funding_access, funding_plan_access
from funding.plan_page import plan_page
from funding.selectors import plans_of, sources_for_catalogue
from funding.services import (
    budget_line_delete,
    budget_line_save,
    contribution_delete,
    contribution_save,
    funding_plan_delete,
    funding_plan_save,
)
from territories.breadcrumbs import trail
from territories.locking import VERSION
from territories.pages import form_page

# Catalogue -------------------------------------------------------------------------------


def source_list(request):
    """The catalogue of hybrid funding sources, for everybody."""
    filters = SourceFilter(request.GET or None, queryset=FundingSource.objects.all())
    page = Paginator(sources_for_catalogue(filters.qs), 20).get_page(request.GET.get("page"))
    today = timezone.localdate()
    for source in page.object_list:
        source.open_today = source.is_open_on(today)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "funding/source_list.html", {
        "filters": filters, "page": page, "query": query.urlencode(), "today": today,
    })


def source_detail(request, slug):
    source = get_object_or_404(sources_for_catalogue(), slug=slug)
    today = timezone.localdate()
    return render(request, "funding/source_detail.html", {
        "breadcrumbs": trail((_("Catalogue des financements"), reverse("funding:source_list")),
                             source.name),
        "source": source, "themes": list(source.themes.all()), "today": today,
        "is_open": source.is_open_on(today),
    })


# Funding plans ---------------------------------------------------------------------------

@login_required
def plan_list(request, cluster_pk):
    access = funding_access(request.user, cluster_pk)
    cluster = access.cluster
    page = Paginator(plans_of(cluster), 20).get_page(request.GET.get("page"))
    for plan in page.object_list:
        plan.gap_total = plan.budget_total - plan.contribution_total
    return render(request, "funding/plan_list.html", {
        "breadcrumbs": plans_trail(cluster),
        "cluster": cluster, "page": page, "access": access,
    })


@login_required
def plan_detail_view(request, cluster_pk, plan_pk):
    access = funding_plan_access(request.user, cluster_pk, plan_pk)
    cluster, plan = access.cluster, access.plan
    detail = plan_page(request, plan)
    mix = detail["mix"]
    return render(request, "funding/plan_detail.html", {
        "breadcrumbs": funding_plan_trail(cluster, plan),
        "cluster": cluster, "plan": plan, **detail, "access": access,
        "chart": {
            # Chart.js takes numbers: floats here only, the page's figures stay Decimal.
            "years": [str(row["year"]) for row in mix["years"]],
            "budget": [float(row["budget"]) for row in mix["years"]],
            "secured": [float(row["secured"]) for row in mix["years"]],
            "uncertain": [float(row["uncertain"]) for row in mix["years"]],
            "public": {"labels": [part.label for part in mix["public"]],
                       "values": [float(part.amount) for part in mix["public"]]},
            "scopes": {"labels": [part.label for part in mix["scopes"]],
                       "values": [float(part.amount) for part in mix["scopes"]]},
            "labels": {"budget": _("Budget"), "secured": _("Acquis (accordé, versé)"),
                       "uncertain": _("Incertain (envisagé, demandé)")},
        },
    })


def _fields(form):
    return {name: form.cleaned_data[name] for name in form.Meta.fields}


@login_required
@require_http_methods(["GET", "POST"])
def plan_edit(request, cluster_pk, plan_pk=None):
    if plan_pk is None:
        access = funding_access(request.user, cluster_pk)
        cluster = access.cluster
        year = timezone.localdate().year
        plan = FundingPlan(cluster=cluster)
        needs_project = cluster.funding_plans.filter(project__isnull=True).exists()
        initial = {"title": _("Plan de financement du projet") if needs_project
                   else _("Plan de financement du cluster"),
                   "first_year": year, "last_year": year + 2}
    else:
        access = funding_plan_access(request.user, cluster_pk, plan_pk)
        cluster, plan = access.cluster, access.plan
        initial, needs_project = None, False
    access.require(Right.CHANGE_PLANS)
    form = PlanForm(request.POST or None, instance=plan, cluster=cluster, initial=initial,
                    needs_project=needs_project)
    return form_page(
        request, form,
        action=lambda data: funding_plan_save(plan=plan, fields=_fields(form), by=request.user,
                                      version=data[VERSION]),
        current=lambda: PlanForm(instance=FundingPlan.objects.get(pk=plan.pk), cluster=cluster),
        success=_("Le plan de financement est enregistré."),
        next=lambda saved: reverse("funding:plan_detail", args=[cluster.pk, saved.pk]),
        template="funding/plan_form.html", context={
            "breadcrumbs": funding_plan_trail(cluster, plan, _("Modifier")) if plan.pk
            else plans_trail(cluster, _("Nouveau plan")),
            "cluster": cluster, "plan": plan, "form": form,
            "lacks_projects": form.fields["project"].required
            and not form.fields["project"].queryset.exists(),
        })


@login_required
@require_http_methods(["GET", "POST"])
def plan_delete_view(request, cluster_pk, plan_pk):
    access = funding_plan_access(request.user, cluster_pk, plan_pk)
    access.require(Right.CHANGE_PLANS)
    cluster, plan = access.cluster, access.plan
    if request.method == "POST":
        funding_plan_delete(plan=plan, by=request.user)
        messages.success(request, _("Le plan de financement est supprimé."))
        return redirect("funding:plan_list", cluster_pk=cluster.pk)
    return render(request, "confirm.html", _confirm_delete(
        cluster, plan, question=_("Supprimer le plan « %(title)s » ?") % {"title": plan.title},
        text=_("Ses dépenses et ses contributions seront effacées avec lui. Cette action est "
               "définitive.")))


def _row_edit(request, cluster_pk, plan_pk, row_pk, *, model, form_class, save, template,
              saved_message, crumbs):
    """Create or edit one row of a plan (a budget line or a contribution)."""
    access = funding_plan_access(request.user, cluster_pk, plan_pk)
    access.require(Right.CHANGE_PLANS)
    cluster, plan = access.cluster, access.plan
    row = get_object_or_404(model, pk=row_pk, plan=plan) if row_pk else model(plan=plan)
    row.plan = plan
    form = form_class(request.POST or None, instance=row, plan=plan)
    return form_page(
        request, form, action=lambda _data: save(row, _fields(form), request.user),
        success=saved_message, next=reverse("funding:plan_detail", args=[cluster.pk, plan.pk]),
        template=template, context={
            "cluster": cluster, "plan": plan, "row": row, "form": form,
            "breadcrumbs": funding_plan_trail(cluster, plan, crumbs[1] if row.pk else crumbs[0]),
        })


def _row_delete(request, cluster_pk, plan_pk, row_pk, *, model, delete, title, done):
    access = funding_plan_access(request.user, cluster_pk, plan_pk)
    access.require(Right.CHANGE_PLANS)
    cluster, plan = access.cluster, access.plan
    row = get_object_or_404(model, pk=row_pk, plan=plan)
    if request.method == "POST":
        delete(row, request.user)
        messages.success(request, done)
        return redirect("funding:plan_detail", cluster_pk=cluster.pk, plan_pk=plan.pk)
    return render(request, "confirm.html", _confirm_delete(
        cluster, plan, question=title(row),
        text=_("Le plan de financement sera recalculé sans elle. Cette action est définitive.")))


def _confirm_delete(cluster, plan, *, question, text):
    plan_url = reverse("funding:plan_detail", args=[cluster.pk, plan.pk])
    return {"cluster": cluster, "plan": plan, "question": question, "text": text,
            "button": _("Supprimer définitivement"), "cancel_url": plan_url,
            "breadcrumbs": funding_plan_trail(cluster, plan, _("Supprimer"))}


@login_required
@require_http_methods(["GET", "POST"])
def line_edit(request, cluster_pk, plan_pk, line_pk=None):
    return _row_edit(
        request, cluster_pk, plan_pk, line_pk, model=BudgetLine, form_class=BudgetLineForm,
        save=lambda line, fields, by: budget_line_save(line=line, fields=fields, by=by),
        template="funding/line_form.html", saved_message=_("La dépense est enregistrée."),
        crumbs=(_("Nouvelle dépense"), _("Modifier la dépense")))


@login_required
@require_http_methods(["GET", "POST"])
def line_delete(request, cluster_pk, plan_pk, line_pk):
    return _row_delete(
        request, cluster_pk, plan_pk, line_pk, model=BudgetLine,
        delete=lambda line, by: budget_line_delete(line=line, by=by),
        title=lambda line: _("Supprimer la dépense « %(label)s » (%(year)s) ?") % {
            "label": line.label, "year": line.year},
        done=_("La dépense est supprimée."))


@login_required
@require_http_methods(["GET", "POST"])
def contribution_edit(request, cluster_pk, plan_pk, contribution_pk=None):
    return _row_edit(
        request, cluster_pk, plan_pk, contribution_pk, model=Contribution,
        form_class=ContributionForm,
        save=lambda contribution, fields, by: contribution_save(contribution=contribution,
                                                                fields=fields, by=by),
        template="funding/contribution_form.html",
        saved_message=_("La contribution est enregistrée."),
        crumbs=(_("Nouvelle contribution"), _("Modifier la contribution")))


@login_required
@require_http_methods(["GET", "POST"])
def contribution_delete_view(request, cluster_pk, plan_pk, contribution_pk):
    return _row_delete(
        request, cluster_pk, plan_pk, contribution_pk, model=Contribution,
        delete=lambda contribution, by: contribution_delete(contribution=contribution, by=by),
        title=lambda contribution: _("Supprimer la contribution de « %(source)s » (%(year)s) ?")
        % {"source": contribution.source.name, "year": contribution.year},
        done=_("La contribution est supprimée."))
