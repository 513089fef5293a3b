"""Calls and dossiers: the public calls, and a collective's dossiers from draft to review.

Calls are public once open. A dossier is read through `dossier_access` (others get a
404), which says at once what the person may do on it; the templates read it too.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cluster.errors import DomainError
from cluster.files import stored_file_response
from funding.breadcrumbs import calls_trail, dossier_trail, dossiers_trail
from funding.forms import (
    CallFilterForm,
    DecisionForm,
    DossierForm,
    DossierStartForm,
    MoreInfoForm,
    ReviewForm,
)
from funding.models import Call, Decision, Dossier
from funding.permissions import (
    Right,
    dossier_access,
    funding_access,
    get_call_for_reading,
    visible_calls,
)
from funding.selectors import (
    calls_for_list,
    dossier_checklist,
    dossier_reviews,
    member_clusters_with_dossier,
)
from funding.services import (
    dossier_request_more_info,
    dossier_save,
    dossier_start,
    dossier_start_review,
    dossier_submit,
)
from funding.snapshot import dossier_contents, snapshot_display
from funding.views.reviews import declaration_page, refused
from territories.breadcrumbs import trail
from territories.choices import with_labels
from territories.pages import add_refusal, confirm_page, form_page, render_form, run_action
from territories.paging import page_of

PAGE_SIZE = 20

# Calls and dossiers ------------------------------------------------------------------------


@require_GET
def call_list(request):
    """Open calls then closed ones, each page by page (`ouverts`, `page`)."""
    form = CallFilterForm(request.GET or None)
    calls = visible_calls(request.user)
    kind = form.cleaned_data["kind"] if form.is_valid() else ""
    if kind:
        calls = calls.filter(kind=kind)
    open_calls, past_calls = calls_for_list(calls, now=timezone.now())
    page = page_of(request, past_calls, per_page=PAGE_SIZE)
    open_page = page_of(request, open_calls, per_page=PAGE_SIZE, param="ouverts")
    for calls_page in (page, open_page):
        with_labels(calls_page, "kind", Call.Kind.choices)
    return render(request, "funding/call_list.html", {
        "form": form, "open_calls": list(open_page), "open_page": open_page, "page": page,
        "query": urlencode({"kind": kind}) if kind else "",
    })


@require_GET
def call_detail(request, slug):
    call = get_call_for_reading(request.user, slug)
    now = timezone.now()
    return render(request, "funding/call_detail.html", {
        "breadcrumbs": calls_trail(call.title),
        "call": call, "criteria": list(call.criteria.order_by("position", "pk")),
        "is_open": call.opens_at <= now < call.deadline, "is_closed": call.deadline <= now,
        "clusters": member_clusters_with_dossier(request.user, call),
    })


@login_required
@require_GET
def cluster_dossier_list(request, cluster_pk):
    access = funding_access(request.user, cluster_pk)
    cluster = access.cluster
    dossiers = cluster.dossiers.select_related("call__funder").order_by("-updated_at", "pk")
    page = Paginator(dossiers, PAGE_SIZE).get_page(request.GET.get("page"))
    # The annual follow-up is no call to choose: the dashboard of a labelled cluster starts it.
    open_calls = visible_calls(request.user).filter(
        deadline__gt=timezone.now(), is_draft=False).exclude(
        pk__in=cluster.dossiers.values("call")).exclude(kind=Call.Kind.FOLLOW_UP) \
        .select_related("funder").order_by("deadline")
    return render(request, "funding/dossier_list.html", {
        "breadcrumbs": dossiers_trail(cluster),
        "cluster": cluster, "page": page, "open_calls": list(open_calls[:PAGE_SIZE]),
        "access": access,
    })


@login_required
@require_http_methods(["GET", "POST"])
def dossier_create(request, cluster_pk):
    access = funding_access(request.user, cluster_pk)
    access.require(Right.START_DOSSIER)
    cluster = access.cluster
    call = get_call_for_reading(request.user, request.GET.get("appel", ""))
    if call.kind == Call.Kind.FOLLOW_UP:
        return redirect("funding:follow_up_start", cluster.pk)
    existing = cluster.dossiers.filter(call=call).first()
    if existing is not None:
        messages.info(request, _("Ce cluster a déjà un dossier pour cet appel : le voici."))
        return redirect(existing)
    form = DossierStartForm(request.POST or None)
    return form_page(
        request, form,
        action=lambda data: dossier_start(call=call, cluster=cluster, by=request.user,
                                          title=data["title"]),
        success=_("Le dossier est créé. Complétez-le avec le collectif : chaque membre peut le "
                  "modifier jusqu'au dépôt."),
        next=lambda dossier: reverse("funding:dossier_edit", args=[dossier.pk]),
        template="funding/dossier_start.html", context={
            "breadcrumbs": dossiers_trail(cluster, _("Nouveau dossier")),
            "cluster": cluster, "call": call, "form": form,
            "is_closed": call.deadline <= timezone.now(),
        })


def _contents_for(access):
    """Return what the page shows: the live contents while the collective edits, else the
    frozen ones. Reviewers only ever see what was submitted."""
    dossier = access.dossier
    if access.can_edit:
        contents = dossier_contents(dossier)
        return contents, dossier_checklist(dossier, contents=contents), True
    if dossier.snapshot:
        return dossier.snapshot, None, False
    return None, None, False


@login_required
@require_GET
def dossier_detail(request, pk):
    access = dossier_access(request.user, pk)
    dossier = access.dossier
    if access.must_declare:
        return declaration_page(request, dossier)
    contents, checklist, live = _contents_for(access)
    events = list(dossier.events.select_related("by").order_by("at", "pk"))
    more_info_request = (events[-1] if dossier.status == Dossier.Status.MORE_INFO and events
                         else None)
    return render(request, "funding/dossier_detail.html", {
        "breadcrumbs": (dossiers_trail(dossier.cluster, dossier.title) if access.is_member
                        else calls_trail(
            (dossier.call.title, dossier.call.get_absolute_url()), dossier.title)),
        "dossier": dossier, "cluster": dossier.cluster, "call": dossier.call,
        "access": access,
        "s": snapshot_display(contents) if contents else None, "live": live,
        "checklist": checklist,
        "complete": checklist is not None and all(item.ok for item in checklist),
        "events": events, "more_info_request": more_info_request,
        "is_late": dossier.status == Dossier.Status.DRAFT
        and dossier.call.deadline <= timezone.now(),
        **_review_context(access),
    })


def _review_context(access):
    """What the funder's side adds to the page: reviews, forms, decision, attestation."""
    dossier = access.dossier
    if dossier.status == Dossier.Status.DRAFT:
        return {}
    decision = Decision.objects.filter(dossier=dossier).select_related("decided_by").first()
    # The reviews are for those who judge the dossier, never for its own collective.
    reviews = dossier_reviews(dossier) if access.may_act else []
    return {
        "decision": decision, "reviews": reviews,
        "review_form": (ReviewForm(criteria=dossier.call.criteria.order_by("position", "pk"))
                        if access.can_write_review else None),
        "decision_form": DecisionForm() if decision is None and access.can_decide else None,
        "can_download_attestation": bool(decision and decision.attestation)
        and access.can_download_attestation,
    }


@login_required
@require_http_methods(["GET", "POST"])
def dossier_edit(request, pk):
    access = dossier_access(request.user, pk)
    dossier = access.dossier
    if refusal := refused(request, access, Right.EDIT):
        return refusal
    form = DossierForm(request.POST or None, instance=dossier)
    if request.method == "POST" and form.is_valid():
        current = Dossier.objects.select_related("call").get(pk=dossier.pk)
        try:
            dossier_save(dossier=current, fields=form.fields_to_save(),
                         version=form.cleaned_data["version"])
        except DomainError as error:
            add_refusal(form, error)
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                for message in errors:
                    form.add_error(field if field in form.fields else None, message)
        else:
            messages.success(request, _("Le dossier est enregistré."))
            return redirect(dossier)
    return render_form(request, "funding/dossier_form.html", {
        "breadcrumbs": dossier_trail(dossier, _("Modifier")),
        "dossier": dossier, "cluster": dossier.cluster, "call": dossier.call, "form": form,
    })


@login_required
@require_http_methods(["GET", "POST"])
def dossier_submit_view(request, pk):
    """Show what is about to be submitted and its checklist; submit on POST."""
    access = dossier_access(request.user, pk)
    dossier = access.dossier
    if refusal := refused(request, access, Right.SUBMIT):
        return refusal

    def submit():
        # The version read when the page was shown; without one, nothing is checked, as in
        # the API.
        raw = request.POST.get("version", "").strip()
        version = int(raw) if raw.isdigit() and len(raw) < 12 else None
        if raw and version is None:
            raise DomainError(_("La version du dossier envoyée n'est pas valide : "
                                "rechargez la page."), code="invalid_version")
        return dossier_submit(dossier=dossier, by=request.user, version=version)

    checklist = dossier_checklist(dossier, contents=dossier_contents(dossier))
    return confirm_page(
        request, action=submit,
        success=_("Le dossier est déposé. Son PDF est en cours de génération ; les membres du "
                  "collectif sont prévenus par e-mail."),
        next=dossier, template="funding/dossier_submit.html", context={
            "breadcrumbs": dossier_trail(dossier, _("Déposer")),
            "dossier": dossier, "cluster": dossier.cluster, "call": dossier.call,
            "checklist": checklist, "complete": all(item.ok for item in checklist),
            "resubmission": dossier.status == Dossier.Status.MORE_INFO,
            "access": access,
        })


@login_required
@require_GET
def dossier_pdf(request, pk):
    """Send the submitted dossier's PDF to those who read the dossier, never to the public."""
    access = dossier_access(request.user, pk)
    dossier = access.dossier
    if refusal := refused(request, access, Right.READ):
        return refusal
    if dossier.snapshot and not dossier.pdf:
        messages.info(request, _("Le PDF est en cours de génération : réessayez dans un "
                                 "instant."))
        return redirect(dossier)
    return dossier_pdf_response(dossier)


def dossier_pdf_response(dossier):
    """Send the submitted dossier's PDF, privately; 404 before submission."""
    if not dossier.snapshot or not dossier.pdf:
        raise Http404(_("Ce dossier n'a pas encore été déposé."))
    return stored_file_response(
        dossier.pdf, filename=f"{slugify(dossier.title)[:80] or 'dossier'}.pdf",
        content_type="application/pdf",
        missing_message=_("Le PDF de ce dossier est introuvable."))


@login_required
@require_GET
def dossier_pdf_status(request, pk):
    """The PDF's download link, or "en cours de génération": the page polls it with htmx."""
    access = dossier_access(request.user, pk)
    if refusal := refused(request, access, Right.READ):
        return refusal
    return render(request, "funding/includes/dossier_pdf_status.html",
                  {"dossier": access.dossier})


@login_required
@require_POST
def dossier_start_review_view(request, pk):
    access = dossier_access(request.user, pk)
    dossier = access.dossier
    if refusal := refused(request, access, Right.START_REVIEW):
        return refusal
    run_action(request, lambda: dossier_start_review(dossier=dossier, by=request.user),
               success=_("Le dossier est en instruction ; le collectif est prévenu."))
    return redirect(dossier)


@login_required
@require_http_methods(["GET", "POST"])
def dossier_request_more_info_view(request, pk):
    access = dossier_access(request.user, pk)
    dossier = access.dossier
    if refusal := refused(request, access, Right.ASK_COMPLEMENT):
        return refusal
    form = MoreInfoForm(request.POST or None)
    return form_page(
        request, form,
        action=lambda data: dossier_request_more_info(dossier=dossier, by=request.user,
                                                      comment=data["comment"]),
        success=_("La demande de complément est envoyée au collectif."), next=dossier,
        template="funding/dossier_more_info.html", context={
            "breadcrumbs": trail((dossier.call.title, dossier.call.get_absolute_url()),
                                 (dossier.title, dossier.get_absolute_url()),
                                 _("Demander un complément")),
            "dossier": dossier, "cluster": dossier.cluster, "call": dossier.call, "form": form,
        })
