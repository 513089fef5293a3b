"""The funder's side of a dossier: declare conflicts, review, decide, the attestation.

A reviewer reaches the dossiers through `dossiers_for_reviewer` (a declared conflict
hides a dossier: 404); until they declare, a dossier's page shows the declaration
form only, with a 403. Every page asks `dossier_access` what the person may do, and
answers its refusals through `refused`.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from cluster.errors import DomainError
from cluster.files import stored_file_response
from funding.breadcrumbs import review_trail
from funding.forms import ConflictDeclarationForm, DecisionForm, ReviewFilterForm, ReviewForm
from funding.models import Call, Funder, FunderMember, Review
from funding.permissions import (
    AccessDenied,
    Right,
    dossier_access,
    dossiers_for_reviewer,
)
from funding.selectors import with_declaration_state, with_review_figures
from funding.services import conflict_declare, decision_record, review_submit
from territories.pages import add_refusal, form_page, form_status

PAGE_SIZE = 20

# Reviews, conflicts of interest, decisions -------------------------------------------------


@login_required
@require_GET
def review_list(request):
    """The dossiers submitted to the calls of the person's funders, newest first."""
    user = request.user
    dossiers = dossiers_for_reviewer(user)
    calls = Call.objects.filter(pk__in=dossiers.values("call")).order_by("-deadline", "pk")
    form = ReviewFilterForm(request.GET or None, calls=calls)
    filters = form.cleaned_data if form.is_valid() else {}
    if filters.get("call"):
        dossiers = dossiers.filter(call__slug=filters["call"])
    if filters.get("status"):
        dossiers = dossiers.filter(status=filters["status"])
    if filters.get("todo"):
        dossiers = dossiers.exclude(reviews__reviewer=user)
    dossiers = with_declaration_state(with_review_figures(dossiers), user).annotate(
        reviewed_by_me=Exists(Review.objects.filter(dossier=OuterRef("pk"), reviewer=user)),
    ).order_by("-submitted_at", "pk")
    page = Paginator(dossiers, PAGE_SIZE).get_page(request.GET.get("page"))
    query = {key: value for key, value in filters.items() if value}
    return render(request, "funding/review_list.html", {
        "form": form, "page": page, "query": urlencode(query),
        "is_reviewer": user.is_staff or user.funder_memberships.exists(),
        # Their funders' pages: webhooks and their log.
        "own_funders": Funder.objects.filter(members__user=user).order_by("name"),
        # The funders whose people they manage (admin members).
        "admin_funders": Funder.objects.filter(members__user=user,
                                               members__role=FunderMember.Role.ADMIN),
    })


def declaration_page(request, dossier, form=None, status=403):
    """The dossier's page for a reviewer who has not declared yet: the declaration only."""
    return render(request, "funding/dossier_declare.html", {
        "breadcrumbs": review_trail(dossier.title),
        "dossier": dossier, "call": dossier.call,
        "form": form or ConflictDeclarationForm(),
    }, status=status)


def refused(request, access, right):
    """Return the answer that refuses `right` to the person, or None to go on.

    A reviewer who has not declared yet is sent to the declaration; a refusal for who
    the person is raises (403, or 404 where they must not learn more); a refusal for the
    dossier's state goes back to the dossier with its message. The API asks the same
    access object.
    """
    error = access.denial(right)
    if error is None:
        return None
    if isinstance(error, AccessDenied) and error.reason == "declaration_required":
        # The declaration page says why the person lands there.
        return redirect("funding:dossier_declare", pk=access.dossier.pk)
    if isinstance(error, DomainError) and not isinstance(error, AccessDenied):
        messages.error(request, error.message)
        return redirect(access.dossier)
    raise error


@login_required
@require_http_methods(["GET", "POST"])
def dossier_declare(request, pk):
    access = dossier_access(request.user, pk)
    dossier = access.dossier
    if refusal := refused(request, access, Right.DECLARE):
        return refusal
    # Bound even when empty: an empty POST must say that a choice is missing.
    form = ConflictDeclarationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            declaration = conflict_declare(
                dossier=dossier, reviewer=request.user,
                has_conflict=form.cleaned_data["has_conflict"],
                explanation=form.cleaned_data["explanation"])
        except DomainError as error:
            add_refusal(form, error)
        else:
            if declaration.has_conflict:
                messages.info(request, _("Votre conflit d'intérêts est enregistré : ce dossier "
                                         "ne vous est plus présenté."))
                return redirect("funding:review_list")
            messages.success(request, _("Déclaration enregistrée : vous pouvez instruire le "
                                        "dossier."))
            return redirect(dossier)
    return declaration_page(request, dossier, form, status=form_status(request))


@login_required
@require_http_methods(["GET", "POST"])
def dossier_review(request, pk):
    access = dossier_access(request.user, pk)
    dossier = access.dossier
    if refusal := refused(request, access, Right.WRITE_REVIEW):
        return refusal
    criteria = dossier.call.criteria.order_by("position", "pk")
    form = ReviewForm(request.POST or None, criteria=criteria)
    return form_page(
        request, form,
        action=lambda data: review_submit(
            dossier=dossier, reviewer=request.user, scores=form.scores(),
            comment=data["comment"], recommendation=data["recommendation"]),
        success=_("Votre avis est enregistré."), next=dossier,
        template="funding/review_form.html", context={
            "breadcrumbs": review_trail((dossier.title, dossier.get_absolute_url()),
                                        _("Mon avis")),
            "dossier": dossier, "call": dossier.call, "form": form,
        })


@login_required
@require_http_methods(["GET", "POST"])
def dossier_decide(request, pk):
    access = dossier_access(request.user, pk)
    dossier = access.dossier
    if refusal := refused(request, access, Right.DECIDE):
        return refusal
    form = DecisionForm(request.POST or None)
    return form_page(
        request, form,
        action=lambda data: decision_record(dossier=dossier, by=request.user,
                                            outcome=data["outcome"], comment=data["comment"],
                                            granted_amount=data["granted_amount"]),
        success=_("La décision est enregistrée ; le collectif est prévenu par e-mail."),
        next=dossier, template="funding/decision_form.html", context={
            "breadcrumbs": review_trail((dossier.title, dossier.get_absolute_url()),
                                        _("Décision")),
            "dossier": dossier, "call": dossier.call, "form": form,
        })


def attestation_response(dossier):
    """Send the acceptance's attestation PDF, privately; 404 while there is none."""
    decision = getattr(dossier, "decision", None)
    if decision is None or not decision.attestation:
        raise Http404(_("Ce dossier n'a pas d'attestation."))
    name = slugify(f"attestation {dossier.cluster.territory.name}")[:80] or "attestation"
    return stored_file_response(
        decision.attestation, filename=f"{name}.pdf", content_type="application/pdf",
        missing_message=_("L'attestation de ce dossier est introuvable."))


@login_required
@require_GET
def dossier_attestation(request, pk):
    access = dossier_access(request.user, pk)
    if refusal := refused(request, access, Right.DOWNLOAD_ATTESTATION):
        return refusal
    return attestation_response(access.dossier)
