"""Pages of the roadmap: creating a cluster, its steps, milestones, deliverables, calendar."""

from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from icalendar import Calendar, Event

from cluster.breadcrumbs import cluster_trail, clusters_trail, step_trail
from cluster.credentials import ical_token_user
from cluster.files import stored_file_response
from cluster.forms import ClusterCreateForm, DeliverableForm, MilestoneForm, StepForm
from cluster.history import history_entries
from cluster.models import Milestone, RoadmapStep
from cluster.onboarding import cluster_launch
from cluster.permissions import (
    cluster_access,
    collectives_for_new_cluster,
    get_deliverable,
    person_access,
)
from cluster.services import (
    DELIVERABLE_TYPES,
    deliverable_add,
    deliverable_delete,
    deliverable_extension,
    milestone_add,
    milestone_complete,
    milestone_delete,
    milestone_move,
    milestone_reopen,
    milestone_update,
    step_update,
)
from territories.grammar import le
from territories.pages import form_page, run_action
from territories.paging import page_of
from territories.permissions import visible_territories

# Creating a cluster ------------------------------------------------------------------------

def _started_message(started):
    if started.request is not None:
        return _("Une demande a été envoyée aux animateur·rices du collectif « %(name)s » "
                 "qui anime ce territoire. Vous recevrez leur réponse par e-mail.") % {
            "name": started.steward.name}
    return _("Le cluster est créé avec sa feuille de route en sept étapes. Ajustez leurs "
             "dates au besoin.")


def _started_next(started):
    if started.request is not None:
        return started.request
    return reverse("cluster_dashboard", args=[started.cluster.pk])


def cluster_start_page(request, form, *, arguments, template, context):
    """A page that starts a cluster through cluster_launch, with the valid form's
    `arguments(data)`; it leads to the cluster's dashboard, or to the request sent to the
    collective that stewards the territory."""
    return form_page(request, form,
                     action=lambda data: cluster_launch(by=request.user, **arguments(data)),
                     success=_started_message, next=_started_next, template=template,
                     context=context)


@login_required
@require_http_methods(["GET", "POST"])
def cluster_create_view(request):
    person_access(request.user).require("create_cluster")
    form = ClusterCreateForm(request.POST or None,
                             collectives=collectives_for_new_cluster(request.user),
                             territories=visible_territories(request.user))
    return cluster_start_page(request, form, arguments=dict, template="cluster/cluster_form.html",
                              context={"form": form,
                                       "breadcrumbs": clusters_trail(_("Créer un cluster"))})


# Steps --------------------------------------------------------------------------------------

def _get_step(cluster, step_pk):
    return get_object_or_404(RoadmapStep, pk=step_pk, cluster=cluster)


MILESTONES_PAGE = 50


def _step_page(request, access, step, *, milestone_form=None, deliverable_form=None,
               status=200):
    today = timezone.localdate()
    milestones = page_of(request, step.milestones.order_by("position", "due_date", "pk"),
                         per_page=MILESTONES_PAGE, param="jalons")
    for milestone in milestones:
        milestone.late = milestone.is_late(today)
    deliverables = page_of(request, step.deliverables.select_related("uploaded_by")
                           .order_by("-uploaded_at", "-pk"), per_page=20)
    for deliverable in deliverables:
        deliverable.filename = deliverable.file.name.rsplit("/", 1)[-1]
    steer, upload = access.can_steer, access.can_upload
    if steer and milestone_form is None:
        milestone_form = MilestoneForm(prefix="milestone",
                                       initial={"due_date": step.end_date})
    if upload and deliverable_form is None:
        deliverable_form = DeliverableForm(max_mb=settings.DELIVERABLE_MAX_MB)
    return render(request, "cluster/step_detail.html", {
        "breadcrumbs": cluster_trail(access.cluster, str(step), from_list=True),
        "cluster": access.cluster, "access": access, "step": step, "today": today,
        "milestones": milestones.object_list, "milestone_page": milestones,
        "late_count": step.milestones.filter(done_on=None, due_date__lt=today).count(),
        "page": deliverables, "deliverables": deliverables.object_list,
        "history": history_entries(step),
        "milestone_form": milestone_form if steer else None,
        "deliverable_form": deliverable_form if upload else None,
    }, status=status)


@login_required
@require_GET
def step_detail(request, pk, step_pk):
    access = cluster_access(request.user, pk)
    cluster = access.cluster
    return _step_page(request, access, _get_step(cluster, step_pk))


@login_required
@require_http_methods(["GET", "POST"])
def step_edit(request, pk, step_pk):
    access = cluster_access(request.user, pk).require("steer")
    cluster = access.cluster
    step = _get_step(cluster, step_pk)
    form = StepForm(request.POST or None, instance=step)
    return form_page(
        request, form,
        action=lambda data: step_update(step=RoadmapStep.objects.select_related("cluster").get(
            pk=step.pk), by=request.user, **data),
        success=_("L'étape est enregistrée."),
        next=reverse("step_detail", args=[cluster.pk, step.pk]),
        template="cluster/step_form.html", context={
            "breadcrumbs": step_trail(cluster, step, _("Modifier")),
            "cluster": cluster, "step": step, "form": form,
        })


# Milestones ----------------------------------------------------------------------------------

def _get_milestone(cluster, milestone_pk):
    return get_object_or_404(Milestone.objects.select_related("step"), pk=milestone_pk,
                             step__cluster=cluster)


def _back_to(request, default):
    """Return the page the action came from when it is on this site, else `default`."""
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        target = default
    return redirect(target)


@login_required
@require_http_methods(["GET", "POST"])
def milestone_create(request, pk, step_pk):
    access = cluster_access(request.user, pk).require("steer")
    cluster = access.cluster
    step = _get_step(cluster, step_pk)
    form = MilestoneForm(request.POST or None, prefix="milestone",
                         initial={"due_date": step.end_date})
    return form_page(
        request, form,
        action=lambda data: milestone_add(step=step, title=data["title"],
                                          due_date=data["due_date"]),
        success=_("Jalon ajouté."), next=reverse("step_detail", args=[cluster.pk, step.pk]),
        template="cluster/milestone_form.html", context={
            "cluster": cluster, "step": step, "form": form, "milestone": None,
            "breadcrumbs": step_trail(cluster, step, _("Nouveau jalon")),
        })


@login_required
@require_http_methods(["GET", "POST"])
def milestone_edit(request, pk, milestone_pk):
    access = cluster_access(request.user, pk).require("steer")
    cluster = access.cluster
    milestone = _get_milestone(cluster, milestone_pk)
    form = MilestoneForm(request.POST or None, instance=milestone, prefix="milestone")
    return form_page(
        request, form,
        # The form fills the instance in; the service reads the date it replaces.
        action=lambda data: milestone_update(milestone=Milestone.objects.get(pk=milestone.pk),
                                             title=data["title"], due_date=data["due_date"]),
        success=_("Le jalon est enregistré."),
        next=reverse("step_detail", args=[cluster.pk, milestone.step_id]),
        template="cluster/milestone_form.html", context={
            "cluster": cluster, "step": milestone.step, "form": form, "milestone": milestone,
            "breadcrumbs": step_trail(cluster, milestone.step, _("Modifier le jalon")),
        })


@login_required
@require_POST
def milestone_move_view(request, pk, milestone_pk):
    access = cluster_access(request.user, pk).require("steer")
    cluster = access.cluster
    milestone = _get_milestone(cluster, milestone_pk)
    run_action(request, lambda: milestone_move(milestone=milestone,
                                               direction=request.POST.get("direction", "")))
    return redirect("step_detail", pk=cluster.pk, step_pk=milestone.step_id)


@login_required
@require_http_methods(["GET", "POST"])
def milestone_delete_view(request, pk, milestone_pk):
    access = cluster_access(request.user, pk).require("steer")
    cluster = access.cluster
    milestone = _get_milestone(cluster, milestone_pk)
    if request.method == "POST":
        milestone_delete(milestone=milestone)
        messages.success(request, _("Jalon « %(title)s » supprimé.") % {"title": milestone.title})
        return redirect("step_detail", pk=cluster.pk, step_pk=milestone.step_id)
    return render(request, "cluster/milestone_confirm_delete.html", {
        "cluster": cluster, "step": milestone.step, "milestone": milestone,
        "breadcrumbs": step_trail(cluster, milestone.step, _("Supprimer un jalon")),
    })


@login_required
@require_POST
def milestone_done(request, pk, milestone_pk):
    access = cluster_access(request.user, pk).require("steer")
    cluster = access.cluster
    milestone = _get_milestone(cluster, milestone_pk)
    run_action(request, lambda: milestone_complete(milestone=milestone, on=timezone.localdate()),
               success=_("Jalon « %(title)s » atteint.") % {"title": milestone.title})
    return _back_to(request, reverse("cluster_dashboard", args=[cluster.pk]))


@login_required
@require_POST
def milestone_reopen_view(request, pk, milestone_pk):
    access = cluster_access(request.user, pk).require("steer")
    cluster = access.cluster
    milestone = _get_milestone(cluster, milestone_pk)
    run_action(request, lambda: milestone_reopen(milestone=milestone),
               success=_("Jalon « %(title)s » rouvert.") % {"title": milestone.title})
    return _back_to(request, reverse("step_detail", args=[cluster.pk, milestone.step_id]))


# Deliverables --------------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def deliverable_upload(request, pk, step_pk):
    access = cluster_access(request.user, pk).require("upload")
    cluster = access.cluster
    step = _get_step(cluster, step_pk)
    form = DeliverableForm(request.POST or None, request.FILES or None,
                           max_mb=settings.DELIVERABLE_MAX_MB)
    return form_page(
        request, form,
        action=lambda data: deliverable_add(step=step, title=data["title"], upload=data["file"],
                                            by=request.user),
        success=lambda deliverable: _("Livrable « %(title)s » déposé.")
        % {"title": deliverable.title},
        next=reverse("step_detail", args=[cluster.pk, step.pk]),
        template="cluster/deliverable_form.html", context={
            "breadcrumbs": step_trail(cluster, step, _("Déposer un livrable")),
            "cluster": cluster, "step": step, "form": form,
        })


@login_required
@require_GET
def deliverable_download(request, pk, deliverable_pk):
    """Stream the file to a person who reads the cluster, as an attachment, never sniffed."""
    deliverable = get_deliverable(cluster_access(request.user, pk), deliverable_pk)
    name = deliverable.file.name.rsplit("/", 1)[-1]
    return stored_file_response(
        deliverable.file, filename=name,
        content_type=DELIVERABLE_TYPES.get(deliverable_extension(name),
                                           "application/octet-stream"),
        missing_message=_("Le fichier de ce livrable est introuvable."))


@login_required
@require_http_methods(["GET", "POST"])
def deliverable_delete_view(request, pk, deliverable_pk):
    access = cluster_access(request.user, pk).require("steer")
    cluster = access.cluster
    deliverable = get_deliverable(access, deliverable_pk)
    if request.method == "POST":
        deliverable_delete(deliverable=deliverable)
        messages.success(request, _("Livrable « %(title)s » supprimé.")
                         % {"title": deliverable.title})
        return redirect("step_detail", pk=cluster.pk, step_pk=deliverable.step_id)
    return render(request, "cluster/deliverable_confirm_delete.html", {
        "cluster": cluster, "step": deliverable.step, "deliverable": deliverable,
        "breadcrumbs": step_trail(cluster, deliverable.step, _("Supprimer un livrable")),
    })


# Calendar feed --------------------------------------------------------------------------------

def _ical_reader(request, pk):
    """Return who fetches the feed: the token's person, else the signed-in one; or 404."""
    token = request.GET.get("jeton")
    if token is None:
        if not request.user.is_authenticated:
            raise Http404
        return request.user
    user = ical_token_user(token, pk)
    if user is None:
        raise Http404
    return user


def milestones_calendar(cluster, milestones, *, site_url, now):
    """Return the cluster's milestones as an iCalendar document (bytes)."""
    site_url = site_url.rstrip("/")
    host = urlsplit(site_url).hostname or "localhost"
    calendar = Calendar()
    calendar.add("prodid", "-//Clusters d'innovation responsable//Jalons//FR")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", _("Jalons — %(territory)s") % {
        "territory": cluster.territory.name})
    for milestone in milestones:
        event = Event()
        event.add("uid", f"milestone-{milestone.pk}@{host}")
        event.add("dtstamp", now)
        event.add("dtstart", milestone.due_date)
        event.add("dtend", milestone.due_date + timedelta(days=1))
        event.add("summary", f"{milestone.step} — {milestone.title}")
        event.add("description", _("Cluster %(territory)s, porté par %(collective)s.\n"
                                   "Étape %(step)s, du %(start)s au %(end)s.") % {
            "territory": cluster.territory.name, "collective": le(cluster.collective.name),
            "step": milestone.step,
            "start": formats.date_format(milestone.step.start_date, "DATE_FORMAT"),
            "end": formats.date_format(milestone.step.end_date, "DATE_FORMAT")})
        event.add("url", site_url + reverse("step_detail", args=[cluster.pk,
                                                                 milestone.step_id]))
        event.add("transp", "TRANSPARENT")
        if milestone.done_on is not None:
            event.add("status", "COMPLETED")
        calendar.add_component(event)
    return calendar.to_ical()


@require_GET
def milestones_ical(request, pk):
    """The cluster's milestones for calendar apps, which fetch with a token, not a session."""
    user = _ical_reader(request, pk)
    cluster = cluster_access(user, pk).cluster
    milestones = Milestone.objects.filter(step__cluster=cluster).select_related("step") \
        .order_by("due_date", "step__number", "position", "pk")
    response = HttpResponse(milestones_calendar(cluster, milestones, site_url=settings.SITE_URL,
                                                now=timezone.now()),
                            content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="jalons-cluster-{cluster.pk}.ics"'
    response["Cache-Control"] = "private, max-age=900"
    return response
