"""The schéma directeur (step 7): sections written together, versions, PDFs, public page.

Members of the collective read and write the sections; facilitators and staff
validate them, generate versions and publish one (cluster.permissions). The
public page of a territory shows its published version.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cluster.breadcrumbs import master_plan_trail
from cluster.errors import DomainError
from cluster.files import stored_file_response
from cluster.forms import MasterPlanCompareForm, MasterPlanSectionForm
from cluster.history import history_entries
from cluster.masterplan import (
    SECTIONS_BY_KEY,
    STALE_AFTER,
    compare_snapshots,
    master_plan_sections,
    preview_snapshot,
)
from cluster.masterplan_document import document_context
from cluster.models import MasterPlanSection, MasterPlanVersion
from cluster.permissions import (
    cluster_access,
    get_master_plan_version,
    get_published_master_plan,
)
from cluster.services import (
    master_plan_generate,
    master_plan_publish,
    master_plan_requeue,
    master_plan_section_save,
    master_plan_section_unvalidate,
    master_plan_section_validate,
    master_plan_unpublish,
)
from territories.breadcrumbs import territory_trail
from territories.grammar import de
from territories.pages import add_refusal, render_form, run_action

VERSIONS_PER_PAGE = 20
LATEST_VERSIONS = 5


def _versions(cluster):
    return MasterPlanVersion.objects.filter(plan__cluster=cluster).select_related(
        "created_by").defer("snapshot", "html").order_by("-number")


def _versions_context(request, access, *, short):
    cluster = access.cluster
    size = LATEST_VERSIONS if short else VERSIONS_PER_PAGE
    page = Paginator(_versions(cluster), size).get_page(
        None if short else request.GET.get("page"))
    now = timezone.now()
    for version in page.object_list:
        version.is_stale = (version.status == MasterPlanVersion.Status.FAILED or (
            version.status == MasterPlanVersion.Status.PENDING
            and (version.queued_at is None or version.queued_at <= now - STALE_AFTER)))
    return {
        "cluster": cluster, "page": page, "short": short,
        "any_pending": any(version.status == MasterPlanVersion.Status.PENDING
                           for version in page.object_list),
        "access": access,
    }


@login_required
@require_GET
def master_plan_page(request, pk):
    access = cluster_access(request.user, pk)
    cluster = access.cluster
    sections = master_plan_sections(cluster)
    validated = sum(1 for _section, row in sections if row.validated_at)
    return render(request, "cluster/masterplan/page.html", {
        "breadcrumbs": master_plan_trail(access.cluster),
        **_versions_context(request, access, short=True),
        "sections": sections,
        "validated_count": validated,
        "published": MasterPlanVersion.objects.filter(plan__cluster=cluster,
                                                      published_at__isnull=False).exists(),
    })


def _section_row(cluster, key):
    if key not in SECTIONS_BY_KEY:
        raise Http404(_("Section inconnue."))
    row = MasterPlanSection.objects.filter(plan__cluster=cluster, key=key).select_related(
        "validated_by").first()
    return row or MasterPlanSection(key=key)


@login_required
@require_http_methods(["GET", "POST"])
def master_plan_section_edit(request, pk, key):
    access = cluster_access(request.user, pk).require("write_master_plan")
    cluster = access.cluster
    row = _section_row(cluster, key)
    form = MasterPlanSectionForm(request.POST or None,
                                 initial={"text": row.text, "version": row.version})
    if request.method == "POST" and form.is_valid():
        was_validated = row.validated_at is not None
        try:
            row = master_plan_section_save(cluster=cluster, key=key,
                                           text=form.cleaned_data["text"],
                                           version=form.cleaned_data["version"],
                                           by=request.user)
        except DomainError as error:
            add_refusal(form, error)
        else:
            if was_validated and row.validated_at is None:
                messages.warning(request, _("La section est enregistrée. Son texte a changé : "
                                            "elle devra être validée à nouveau."))
            else:
                messages.success(request, _("La section est enregistrée."))
            return redirect(f"{reverse('master_plan', args=[cluster.pk])}#section-{key}")
    return render_form(request, "cluster/masterplan/section_form.html", {
        "cluster": cluster, "form": form, "section": SECTIONS_BY_KEY[key], "row": row,
        "breadcrumbs": master_plan_trail(cluster, SECTIONS_BY_KEY[key].title),
        "history": history_entries(row),
    })


@login_required
@require_POST
def master_plan_section_validate_view(request, pk, key):
    access = cluster_access(request.user, pk).require("adopt_master_plan")
    cluster = access.cluster
    row = _section_row(cluster, key)
    if row.pk is None:
        messages.error(request, _("Rédigez la section avant de la faire valider."))
    else:
        run_action(request, lambda: master_plan_section_validate(section=row, by=request.user),
                   success=_("Section « %(title)s » validée.")
                   % {"title": SECTIONS_BY_KEY[key].title})
    return redirect(f"{reverse('master_plan', args=[cluster.pk])}#section-{key}")


@login_required
@require_POST
def master_plan_section_unvalidate_view(request, pk, key):
    access = cluster_access(request.user, pk).require("adopt_master_plan")
    cluster = access.cluster
    row = _section_row(cluster, key)
    if row.pk is None:
        messages.error(request, _("Cette section n'est pas validée."))
    else:
        run_action(request, lambda: master_plan_section_unvalidate(section=row, by=request.user),
                   success=_("La validation de la section « %(title)s » est retirée.")
                   % {"title": SECTIONS_BY_KEY[key].title})
    return redirect(f"{reverse('master_plan', args=[cluster.pk])}#section-{key}")


@login_required
@require_GET
def master_plan_preview(request, pk):
    """The document as a version generated now would show it; nothing is saved."""
    access = cluster_access(request.user, pk)
    cluster = access.cluster
    context = document_context(preview_snapshot(cluster), draft=True)
    return render(request, "cluster/masterplan/read.html", {
        **context, "cluster": cluster, "version": None,
        "breadcrumbs": master_plan_trail(cluster, _("Aperçu")),
    })


@login_required
@require_POST
def master_plan_generate_view(request, pk):
    access = cluster_access(request.user, pk).require("adopt_master_plan")
    cluster = access.cluster
    try:
        version = master_plan_generate(cluster=cluster, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("master_plan", pk=cluster.pk)
    version.refresh_from_db(fields=["status"])
    if version.status == MasterPlanVersion.Status.READY:
        messages.success(request, _("La version %(number)s est prête.")
                         % {"number": version.number})
    elif version.status == MasterPlanVersion.Status.FAILED:
        messages.error(request, _("La génération de la version %(number)s a échoué : "
                                  "relancez-la depuis la liste des versions.")
                       % {"number": version.number})
    else:
        messages.info(request, _("La version %(number)s est en cours de génération : elle "
                                 "apparaîtra prête dans la liste ci-dessous.")
                      % {"number": version.number})
    return redirect(f"{reverse('master_plan', args=[cluster.pk])}#versions")


@login_required
@require_GET
def master_plan_versions(request, pk):
    access = cluster_access(request.user, pk)
    short = request.GET.get("court") == "1"
    context = _versions_context(request, access, short=short)
    if request.htmx:
        return render(request, "cluster/masterplan/includes/versions_table.html", context)
    return render(request, "cluster/masterplan/versions.html", {
        **context, "breadcrumbs": master_plan_trail(access.cluster, _("Versions"))})


@login_required
@require_GET
def master_plan_version_detail(request, pk, number):
    access = cluster_access(request.user, pk)
    cluster = access.cluster
    version = get_master_plan_version(access, number)
    author = (version.created_by.get_full_name() or version.created_by.email) \
        if version.created_by else ""
    context = document_context(version.snapshot, number=version.number, author=author,
                               created_at=version.created_at)
    return render(request, "cluster/masterplan/read.html", {
        **context, "cluster": cluster, "version": version,
        "breadcrumbs": master_plan_trail(
            access.cluster, _("Version %(number)s") % {"number": version.number}),
        "access": access,
    })


def pdf_response(version, filename):
    if version.status != MasterPlanVersion.Status.READY or not version.pdf:
        raise Http404(_("Le PDF de cette version n'est pas encore prêt."))
    # Shown in the browser; only a published version may be kept by shared caches.
    return stored_file_response(
        version.pdf, filename=filename, content_type="application/pdf",
        missing_message=_("Le PDF de cette version est introuvable."),
        as_attachment=False, private=version.published_at is None)


def pdf_filename(version):
    slug = version.snapshot.get("cluster", {}).get("territory_slug", "territoire")
    return f"schema-directeur-{slug}-v{version.number}.pdf"


@login_required
@require_GET
def master_plan_version_pdf(request, pk, number):
    access = cluster_access(request.user, pk)
    version = get_master_plan_version(access, number)
    response = pdf_response(version, pdf_filename(version))
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def master_plan_version_requeue(request, pk, number):
    access = cluster_access(request.user, pk).require("adopt_master_plan")
    cluster = access.cluster
    version = get_master_plan_version(access, number)
    try:
        version = master_plan_requeue(version=version, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        version.refresh_from_db(fields=["status"])
        if version.status == MasterPlanVersion.Status.READY:
            messages.success(request, _("La version %(number)s est prête.")
                             % {"number": version.number})
        else:
            messages.info(request, _("La génération de la version %(number)s est relancée.")
                          % {"number": version.number})
    return redirect("master_plan_versions", pk=cluster.pk)


def _confirm(request, cluster, version, *, action, title, text, button, danger=False):
    return render(request, "confirm.html", {
        "cluster": cluster, "version": version, "question": title, "text": text,
        "button": button, "danger": danger, "action": action,
        "cancel_url": reverse("master_plan_version", args=[cluster.pk, version.number]),
        "breadcrumbs": master_plan_trail(
            cluster, _("Version %(number)s") % {"number": version.number}),
    })


@login_required
@require_http_methods(["GET", "POST"])
def master_plan_version_publish(request, pk, number):
    access = cluster_access(request.user, pk).require("adopt_master_plan")
    cluster = access.cluster
    version = get_master_plan_version(access, number)
    if request.method == "POST":
        run_action(request, lambda: master_plan_publish(version=version, by=request.user),
                   success=_("La version %(number)s est publiée sur la page publique du "
                             "territoire.") % {"number": version.number})
        return redirect("master_plan_version", pk=cluster.pk, number=version.number)
    return _confirm(
        request, cluster, version, action="publish",
        title=_("Publier la version %(number)s ?") % {"number": version.number},
        text=_("Tout le monde pourra lire cette version et télécharger son PDF depuis la page "
               "publique %(of_territory)s. Une autre version déjà publiée sera retirée.")
        % {"of_territory": de(cluster.territory.name)},
        button=_("Publier"))


@login_required
@require_http_methods(["GET", "POST"])
def master_plan_version_unpublish(request, pk, number):
    access = cluster_access(request.user, pk).require("adopt_master_plan")
    cluster = access.cluster
    version = get_master_plan_version(access, number)
    if request.method == "POST":
        run_action(request, lambda: master_plan_unpublish(version=version, by=request.user),
                   success=_("La version %(number)s n'est plus publique.")
                   % {"number": version.number})
        return redirect("master_plan_version", pk=cluster.pk, number=version.number)
    return _confirm(
        request, cluster, version, action="unpublish",
        title=_("Retirer la version %(number)s de la page publique ?")
        % {"number": version.number},
        text=_("La page publique %(of_territory)s n'affichera plus de schéma directeur tant "
               "qu'aucune autre version n'est publiée.")
        % {"of_territory": de(cluster.territory.name)},
        button=_("Retirer de la page publique"), danger=True)


@login_required
@require_GET
def master_plan_compare(request, pk):
    access = cluster_access(request.user, pk)
    cluster = access.cluster
    numbers = list(MasterPlanVersion.objects.filter(plan__cluster=cluster)
                   .order_by("-number").values_list("number", flat=True))
    if len(numbers) < 2:
        return render(request, "cluster/masterplan/compare.html", {
            "cluster": cluster, "form": None, "comparisons": None,
            "breadcrumbs": master_plan_trail(cluster, _("Comparer"))})
    data = request.GET if "de" in request.GET or "a" in request.GET else {
        "de": numbers[1], "a": numbers[0]}
    form = MasterPlanCompareForm(data, numbers=numbers)
    comparisons, old, new = None, None, None
    if form.is_valid():
        versions = {version.number: version for version in MasterPlanVersion.objects.filter(
            plan__cluster=cluster, number__in=[form.cleaned_data["de"], form.cleaned_data["a"]])}
        old, new = versions[form.cleaned_data["de"]], versions[form.cleaned_data["a"]]
        comparisons = compare_snapshots(old.snapshot, new.snapshot)
    return render(request, "cluster/masterplan/compare.html", {
        "cluster": cluster, "form": form, "comparisons": comparisons, "old": old, "new": new,
        "breadcrumbs": master_plan_trail(cluster, _("Comparer")),
    }, status=200 if form.is_valid() else 400)


# The public page of a territory's published schéma directeur ----------------------------------

@require_GET
def territory_master_plan(request, slug):
    territory, version = get_published_master_plan(request.user, slug)
    author = (version.created_by.get_full_name() or version.created_by.email) \
        if version.created_by_id else ""
    context = document_context(version.snapshot, number=version.number, author=author,
                               created_at=version.created_at)
    return render(request, "cluster/masterplan/public.html", {
        **context, "cluster": version.plan.cluster, "territory": territory, "version": version,
        "breadcrumbs": territory_trail(territory, _("Schéma directeur")),
    })


@require_GET
def territory_master_plan_pdf(request, slug):
    _territory, version = get_published_master_plan(request.user, slug)
    return pdf_response(version, pdf_filename(version))
