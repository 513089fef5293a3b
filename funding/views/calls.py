"""The back office of calls, outside the Django admin: the national team (staff) manages
every funder's calls, a funder's administrator its own (funding.call_permissions).

Every page asks `calls_access` and calls one service of funding.services.calls.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from funding.call_forms import (
    CallForm,
    CallOpenForm,
    CriterionFormSet,
    DossierFilterForm,
    grid_lines,
)
from funding.call_permissions import FunderRight, calls_access
from funding.history import call_history
from funding.models import Dossier
from funding.services import (
    CALL_FIELDS,
    call_close,
    call_copy,
    call_grid_save,
    call_open,
    call_save,
)
from territories.errors import DomainError
from territories.pages import confirm_page, form_page, render_form

PAGE_SIZE = 25


def _managed(request, pk=None):
    access = calls_access(request.user, pk)
    access.require(FunderRight.MANAGE_CALLS)
    return access


def _call_page(call):
    return reverse("funding:manage_call", args=[call.pk])


def with_dossier_counts(calls):
    """Annotate each call with its number of dossiers in each status, in one query."""
    return calls.annotate(**{
        f"count_{status}": Count("dossiers", filter=Q(dossiers__status=status))
        for status in Dossier.Status.values})


def _counts(call):
    return [(label, getattr(call, f"count_{value}")) for value, label in Dossier.Status.choices]


@login_required
@require_GET
def manage_call_list(request):
    """The calls the person manages, with their state and their dossiers by status."""
    access = _managed(request)
    calls = with_dossier_counts(access.calls.select_related("funder")).order_by(
        "-deadline", "pk")
    page = Paginator(calls, PAGE_SIZE).get_page(request.GET.get("page"))
    for call in page:
        call.counts = _counts(call)
    return render(request, "funding/manage/call_list.html", {
        "page": page, "statuses": Dossier.Status.choices, "access": access})


@login_required
@require_GET
def manage_call(request, pk):
    """One call: its settings, its grid, its dossiers by status, and what may be done."""
    access = _managed(request, pk)
    call = with_dossier_counts(access.calls.filter(pk=pk)).get()
    return render(request, "funding/manage/call_detail.html", {
        "call": call, "counts": _counts(call), "criteria": call.criteria.all(),
        "total_weight": sum(criterion.weight for criterion in call.criteria.all()),
        "history": call_history(call, viewer=request.user)})


def _call_form(request, access, call=None):
    initial = {name: getattr(call, name) for name in CALL_FIELDS} if call else {}
    form = CallForm(request.POST or None, initial=initial, funders=access.funders)
    return form_page(
        request, form,
        action=lambda data: call_save(by=request.user, call=call, **data),
        success=_("L'appel est enregistré.") if call else _(
            "L'appel est créé en brouillon : composez sa grille, puis ouvrez-le."),
        next=_call_page, template="funding/manage/call_form.html",
        context={"form": form, "call": call,
                 "heading": _("Modifier l'appel") if call else _("Nouvel appel")})


@login_required
@require_http_methods(["GET", "POST"])
def call_create(request):
    return _call_form(request, _managed(request))


@login_required
@require_http_methods(["GET", "POST"])
def call_edit(request, pk):
    access = _managed(request, pk)
    return _call_form(request, access, access.call)


@login_required
@require_http_methods(["GET", "POST"])
def call_grid(request, pk):
    """The call's scoring grid: one line per criterion, with its weight."""
    call = _managed(request, pk).call
    initial = list(call.criteria.values("label", "description", "weight", "max_score"))
    formset = CriterionFormSet(request.POST or None, initial=initial, prefix="criteria")
    if request.method == "POST" and formset.is_valid():
        try:
            call_grid_save(call=call, by=request.user, criteria=grid_lines(formset))
        except DomainError as refusal:
            # A refused grid is shown again above the formset, with the refusal's status
            # (409 once dossiers were submitted).
            return render(request, "funding/manage/call_grid.html", {
                "call": call, "formset": formset, "error": refusal.message},
                status=refusal.status if refusal.status == 409 else 400)
        else:
            messages.success(request, _("La grille de l'appel est enregistrée."))
            return redirect(_call_page(call))
    return render_form(request, "funding/manage/call_grid.html",
                       {"call": call, "formset": formset})


@login_required
@require_http_methods(["GET", "POST"])
def call_open_view(request, pk):
    call = _managed(request, pk).call
    form = CallOpenForm(request.POST or None,
                        initial={"opens_at": call.opens_at, "deadline": call.deadline})
    return form_page(
        request, form,
        action=lambda data: call_open(call=call, by=request.user, **data),
        success=_("L'appel est ouvert aux dossiers."), next=_call_page(call),
        template="funding/manage/call_form.html",
        context={"form": form, "call": call, "heading": _("Ouvrir l'appel")})


@login_required
@require_http_methods(["GET", "POST"])
def call_close_view(request, pk):
    call = _managed(request, pk).call
    return confirm_page(
        request, action=lambda: call_close(call=call, by=request.user),
        success=_("L'appel est clos : il ne reçoit plus de dossiers."), next=_call_page(call),
        template="funding/manage/call_confirm.html",
        context={"call": call, "heading": _("Clore l'appel"),
                 "question": _("Clore cet appel maintenant ? Il ne recevra plus de dossiers."),
                 "button": _("Clore l'appel")})


@login_required
@require_http_methods(["GET", "POST"])
def call_copy_view(request, pk):
    call = _managed(request, pk).call
    return confirm_page(
        request, action=lambda: call_copy(call=call, by=request.user),
        success=_("La copie est créée en brouillon : revoyez ses dates avant de l'ouvrir."),
        next=_call_page, template="funding/manage/call_confirm.html",
        context={"call": call, "heading": _("Copier l'appel"),
                 "question": _("Créer un nouvel appel en brouillon, avec les mêmes réglages "
                               "et la même grille ?"),
                 "button": _("Copier l'appel")})


@login_required
@require_GET
def manage_dossier_list(request):
    """Every dossier (a funder's administrator: those submitted to its calls), by status."""
    access = _managed(request)
    form = DossierFilterForm(request.GET or None, calls=access.calls)
    dossiers = access.dossiers(request.user).select_related(
        "call__funder", "cluster__territory", "cluster__collective").order_by(
        "call", "status", "-updated_at", "pk")
    if form.is_valid():
        if form.cleaned_data["call"]:
            dossiers = dossiers.filter(call=form.cleaned_data["call"])
        if form.cleaned_data["status"]:
            dossiers = dossiers.filter(status=form.cleaned_data["status"])
    page = Paginator(dossiers, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "funding/manage/dossier_list.html", {
        "form": form, "page": page, "query": query.urlencode()})
