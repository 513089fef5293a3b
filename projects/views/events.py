"""Events (step 5 of the method): the cluster's list, the pages that organise an event,
its public page with registrations, and the signed link that cancels a registration."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from cluster.breadcrumbs import cluster_trail
from cluster.errors import DomainError
from projects.breadcrumbs import event_trail, events_trail
from projects.forms import AttendanceForm, EventDeleteForm, EventForm, RegistrationForm
from projects.models import Event, Registration
from projects.permissions import (
    RegistrationThrottle,
    access_to_projects,
    projects_access,
    visible_events,
)
from projects.selectors import events_with_counts, upcoming_first, waiting_position
from projects.services import (
    EVENT_FIELDS,
    event_create,
    event_delete,
    event_update,
    registration_cancel,
    registration_create,
    registration_from_cancel_token,
    registration_set_attendance,
)
from territories.locking import VERSION
from territories.pages import (
    add_refusal,
    confirm_page,
    form_page,
    form_status,
    render_form,
    run_action,
)

EVENTS_PER_PAGE = 20


def _posted(request):
    """Return the form data of a POST, even an empty one (no box ticked), else None."""
    return request.POST if request.method == "POST" else None


def _get_event_for_managing(user, cluster_pk, pk):
    """Return the event of a cluster the person organises: 404 when they may not read the
    cluster, 403 when they read it without organising its events."""
    cluster = projects_access(user, cluster_pk).require("manage_events").cluster
    event = get_object_or_404(Event.objects.select_related("place"), pk=pk, cluster=cluster)
    event.cluster = cluster
    return event


@login_required
def event_list(request, cluster_pk):
    access = projects_access(request.user, cluster_pk)
    cluster = access.cluster
    now = timezone.now()
    events = upcoming_first(events_with_counts(cluster.events.select_related("place")), now)
    page = Paginator(events, EVENTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "projects/event_list.html", {
        "breadcrumbs": cluster_trail(cluster, _("Évènements"), from_list=True),
        "cluster": cluster, "access": access, "page": page, "now": now,
    })


@login_required
@require_http_methods(["GET", "POST"])
def event_create_view(request, cluster_pk):
    cluster = projects_access(request.user, cluster_pk).require("manage_events").cluster
    form = EventForm(_posted(request), instance=Event(cluster=cluster), cluster=cluster)
    return form_page(
        request, form,
        action=lambda data: event_create(cluster=cluster, projects=data["projects"],
                                         **{name: data[name] for name in EVENT_FIELDS}),
        success=lambda event: _("L'évènement « %(title)s » est créé.") % {"title": event.title},
        next=lambda event: reverse("projects:event_manage", args=[cluster.pk, event.pk]),
        template="projects/event_form.html", context={
            "cluster": cluster, "form": form, "event": None,
            "breadcrumbs": events_trail(cluster, _("Nouvel évènement")),
        })


@login_required
@require_http_methods(["GET", "POST"])
def event_update_view(request, cluster_pk, pk):
    event = _get_event_for_managing(request.user, cluster_pk, pk)
    cluster = event.cluster
    form = EventForm(_posted(request), instance=event, cluster=cluster)
    status = form_status(request)
    if request.method == "POST" and form.is_valid():
        try:
            event, promoted = event_update(
                event=event, projects=form.cleaned_data["projects"],
                version=form.cleaned_data[VERSION],
                **{name: form.cleaned_data[name] for name in EVENT_FIELDS})
        except DomainError as error:
            status = add_refusal(form, error, current=lambda: EventForm(
                instance=Event.objects.get(pk=event.pk), cluster=cluster))
        else:
            messages.success(request, _("L'évènement est enregistré."))
            if promoted:
                messages.info(request, ngettext(
                    "%(count)d personne de la liste d'attente a obtenu une place ; elle en "
                    "est prévenue par e-mail.",
                    "%(count)d personnes de la liste d'attente ont obtenu une place ; elles "
                    "en sont prévenues par e-mail.", len(promoted)) % {"count": len(promoted)})
            return redirect("projects:event_manage", cluster_pk=cluster.pk, pk=event.pk)
    return render(request, "projects/event_form.html", {
        "cluster": cluster, "form": form, "event": event,
        "breadcrumbs": event_trail(cluster, event, _("Modifier")),
    }, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def event_delete_view(request, cluster_pk, pk):
    event = _get_event_for_managing(request.user, cluster_pk, pk)
    cluster = event.cluster
    counts = events_with_counts(Event.objects.filter(pk=event.pk)).values(
        "confirmed_count", "waiting_count").get()
    form = EventDeleteForm(_posted(request))
    return form_page(
        request, form,
        action=lambda data: event_delete(
            event=event, confirmed_registrations_acknowledged=data["acknowledge"]),
        success=_("L'évènement « %(title)s » est supprimé.") % {"title": event.title},
        next=reverse("projects:event_list", args=[cluster.pk]),
        template="projects/event_confirm_delete.html", context={
            "cluster": cluster, "event": event, "form": form, **counts,
            "breadcrumbs": event_trail(cluster, event, _("Supprimer")),
        })


@login_required
@require_http_methods(["GET", "POST"])
def event_manage(request, cluster_pk, pk):
    """The organiser's page: who is registered, who came, who waits, in order."""
    event = _get_event_for_managing(request.user, cluster_pk, pk)
    form = AttendanceForm(_posted(request), event=event)
    if request.method == "POST":
        if form.is_valid():
            if run_action(request, lambda: registration_set_attendance(
                    event=event, attended_ids=[r.pk for r in form.cleaned_data["attended"]]),
                    success=lambda count: ngettext(
                        "Présence enregistrée : %(count)d personne est venue.",
                        "Présences enregistrées : %(count)d personnes sont venues.", count)
                    % {"count": count}):
                return redirect("projects:event_manage", cluster_pk=event.cluster.pk,
                                pk=event.pk)
        else:
            messages.error(request, _("Cochez seulement des personnes inscrites."))
    registrations = list(event.registrations.order_by("created_at", "pk"))
    confirmed = sorted((r for r in registrations if r.status == Registration.Status.CONFIRMED),
                       key=lambda registration: (registration.name.lower(), registration.pk))
    waiting = [r for r in registrations if r.status == Registration.Status.WAITING]
    cancelled = [r for r in registrations if r.status == Registration.Status.CANCELLED]
    today = timezone.localdate()
    return render_form(request, "projects/event_manage.html", {
        "breadcrumbs": events_trail(event.cluster, event.title),
        "cluster": event.cluster, "event": event, "confirmed": confirmed, "waiting": waiting,
        "cancelled_count": len(cancelled),
        "attended_count": sum(1 for r in confirmed if r.attended),
        "attendance_open": today >= timezone.localtime(event.starts_at).date(),
        "projects": event.projects.order_by("title"),
    })


def _showcased(event):
    """Return the event's projects, each with the link to its public page when it has one."""
    return [{"title": project.title,
             "url": project.get_absolute_url() if project.is_published else None}
            for project in event.projects.order_by("title")]


@require_http_methods(["GET", "POST"])
def event_public(request, slug):
    """The event's public page: anyone reads a published event and registers to it."""
    event = visible_events(request.user).select_related(
        "place", "cluster__territory", "cluster__collective").filter(slug=slug).first()
    if event is None:
        raise Http404(_("Évènement introuvable."))
    form = RegistrationForm(_posted(request))
    if request.method == "POST" and form.is_valid() \
            and not RegistrationThrottle().allow_request(request, None):
        form.add_error(None, _("Trop d'inscriptions depuis votre connexion : réessayez dans "
                               "une heure."))
    elif request.method == "POST" and form.is_valid():
        try:
            registration = registration_create(event=event, **form.cleaned_data)
        except DomainError as error:
            add_refusal(form, error)
        else:
            if registration.status == Registration.Status.CONFIRMED:
                messages.success(request, _(
                    "Votre inscription est confirmée. Un e-mail de confirmation est envoyé à "
                    "%(email)s, avec un lien pour annuler si vous ne pouvez plus venir.")
                    % {"email": registration.email})
            else:
                messages.info(request, _(
                    "L'évènement est complet : vous êtes n°%(position)d sur la liste "
                    "d'attente. Vous recevrez un e-mail à %(email)s si une place se libère.")
                    % {"position": waiting_position(registration), "email": registration.email})
            return redirect(event.get_absolute_url())
    confirmed = event.registrations.filter(status=Registration.Status.CONFIRMED).count()
    now = timezone.now()
    return render_form(request, "projects/event_public.html", {
        "event": event, "form": form, "projects": _showcased(event),
        "remaining": max(event.capacity - confirmed, 0),
        "is_open": event.is_published and event.starts_at > now,
        "has_started": event.starts_at <= now,
        "access": access_to_projects(request.user, event.cluster),
    })


@require_http_methods(["GET", "POST"])
def registration_cancel_view(request, token):
    """The link of the confirmation e-mail: GET asks to confirm, POST cancels."""
    registration = registration_from_cancel_token(token)
    if registration is None:
        raise Http404(_("Ce lien d'annulation n'est pas valide."))
    return confirm_page(
        request, action=lambda: registration_cancel(registration=registration),
        success=_("Votre inscription est annulée. Merci d'avoir libéré votre place."),
        next=reverse("projects:registration_cancel", args=[token]),
        template="projects/registration_cancel.html", context={
            "registration": registration, "event": registration.event,
            "has_started": registration.event.starts_at <= timezone.now(),
        })
