"""Engaged companies, the comité de pilotage, and measurements imported in bulk.

Members of the collective read; facilitators and staff change the engagements
and the comité; every member imports measurements, like they record them.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Sum
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cluster.breadcrumbs import cluster_trail
from cluster.errors import DomainError
from cluster.forms import (
    EngagementForm,
    MeasurementImportForm,
    SteeringDecisionFormSet,
    SteeringMeetingForm,
)
from cluster.history import history_entries
from cluster.measurement_import import measurements_preview, sign_rows, unsign_rows
from cluster.models import Engagement, Objective, SteeringMeeting
from cluster.permissions import cluster_access
from cluster.services import (
    engagement_delete,
    engagement_save,
    measurements_import,
    steering_meeting_delete,
    steering_meeting_save,
)
from territories.csvfiles import ImportFileError
from territories.pages import add_refusal, form_page, render_form

PAGE_SIZE = 20
PREVIEW_ROWS = 100


# Engaged companies ------------------------------------------------------------------------

@login_required
def engagement_list(request, pk):
    access = cluster_access(request.user, pk)
    cluster = access.cluster
    engagements = cluster.engagements.select_related("company", "network").order_by(
        "company__name", "pk")
    page = Paginator(engagements, PAGE_SIZE).get_page(request.GET.get("page"))
    kinds = dict(Engagement.Kind.choices)
    by_kind = [
        {"label": kinds.get(row["kind"], row["kind"]), "count": row["count"],
         "total": row["total"]}
        for row in cluster.engagements.values("kind").annotate(
            count=Count("pk"), total=Sum("value")).order_by("kind")
    ]
    sizes = dict(Engagement.Size.choices)
    size_counts = {row["size"]: row["count"] for row in cluster.engagements.values("size")
                   .annotate(count=Count("pk")).order_by()}
    by_size = [{"label": label, "count": size_counts.get(value, 0)}
               for value, label in sizes.items()]
    return render(request, "cluster/engagement_list.html", {
        "breadcrumbs": cluster_trail(cluster, _("Entreprises engagées")),
        "cluster": cluster, "page": page, "by_kind": by_kind, "by_size": by_size,
        "total_count": page.paginator.count,
        "total_value": sum((row["total"] or 0) for row in by_kind),
        "access": access,
    })


@login_required
@require_http_methods(["GET", "POST"])
def engagement_edit(request, pk, engagement_pk=None):
    access = cluster_access(request.user, pk).require("steer_commitments")
    cluster = access.cluster
    engagement = (get_object_or_404(Engagement.objects.select_related("company"),
                                    pk=engagement_pk, cluster=cluster)
                  if engagement_pk else Engagement(cluster=cluster))
    engagement.cluster = cluster
    form = EngagementForm(request.POST or None, instance=engagement,
                          territory=cluster.territory)
    return form_page(
        request, form,
        action=lambda data: engagement_save(engagement=engagement, fields=data, by=request.user),
        success=lambda _saved: _("L'engagement de « %(company)s » est enregistré.")
        % {"company": engagement.company.name},
        next=reverse("engagement_list", args=[cluster.pk]),
        template="cluster/engagement_form.html", context={
            "breadcrumbs": cluster_trail(
                cluster, (_("Entreprises engagées"), reverse("engagement_list",
                                                             args=[cluster.pk])),
                engagement.company.name if engagement.pk else _("Nouvel engagement")),
            "cluster": cluster, "form": form, "engagement": engagement,
            "history": history_entries(engagement),
        })


@login_required
@require_http_methods(["GET", "POST"])
def engagement_delete_view(request, pk, engagement_pk):
    access = cluster_access(request.user, pk).require("steer_commitments")
    cluster = access.cluster
    engagement = get_object_or_404(Engagement.objects.select_related("company"),
                                   pk=engagement_pk, cluster=cluster)
    if request.method == "POST":
        engagement_delete(engagement=engagement, by=request.user)
        messages.success(request, _("L'engagement de « %(company)s » est supprimé.")
                         % {"company": engagement.company.name})
        return redirect("engagement_list", pk=cluster.pk)
    return render(request, "confirm.html", {
        "cluster": cluster,
        "question": _("Supprimer l'engagement de « %(company)s » ?")
        % {"company": engagement.company.name},
        "text": _("L'engagement (%(kind)s) disparaîtra de la liste des entreprises engagées et "
                  "des totaux du cluster. Son historique reste conservé.")
        % {"kind": engagement.get_kind_display()},
        "button": _("Supprimer définitivement"),
        "cancel_url": reverse("engagement_update", args=[cluster.pk, engagement.pk]),
        "breadcrumbs": cluster_trail(cluster, (_("Entreprises engagées"),
                                               reverse("engagement_list", args=[cluster.pk])),
                                     _("Supprimer")),
    })


# Comité de pilotage ------------------------------------------------------------------------

@login_required
def steering_list(request, pk):
    access = cluster_access(request.user, pk)
    cluster = access.cluster
    meetings = cluster.steering_meetings.annotate(decision_count=Count("decisions")) \
        .order_by("-held_on", "-pk")
    page = Paginator(meetings, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "cluster/steering_list.html", {
        "breadcrumbs": cluster_trail(cluster, _("Comité de pilotage")),
        "cluster": cluster, "page": page, "today": timezone.localdate(),
        "access": access,
    })


@login_required
def steering_detail(request, pk, meeting_pk):
    access = cluster_access(request.user, pk)
    cluster = access.cluster
    meeting = get_object_or_404(SteeringMeeting.objects.select_related("created_by"),
                                pk=meeting_pk, cluster=cluster)
    return render(request, "cluster/steering_detail.html", {
        "breadcrumbs": cluster_trail(
            cluster, (_("Comité de pilotage"), reverse("steering_list", args=[cluster.pk])),
            meeting.title),
        "cluster": cluster, "meeting": meeting, "decisions": list(meeting.decisions.all()),
        "participants": [line.strip() for line in meeting.participants.splitlines()
                         if line.strip()],
        "history": history_entries(meeting), "today": timezone.localdate(),
        "access": access,
    })


@login_required
@require_http_methods(["GET", "POST"])
def steering_edit(request, pk, meeting_pk=None):
    access = cluster_access(request.user, pk).require("steer_commitments")
    cluster = access.cluster
    meeting = (get_object_or_404(SteeringMeeting, pk=meeting_pk, cluster=cluster)
               if meeting_pk else SteeringMeeting(cluster=cluster))
    form = SteeringMeetingForm(request.POST or None, instance=meeting)
    decisions = SteeringDecisionFormSet(request.POST or None, instance=meeting,
                                        prefix="decisions")
    if request.method == "POST" and form.is_valid() and decisions.is_valid():
        kept = [{"id": decision.instance.pk, "text": decision.cleaned_data["text"]}
                for decision in decisions.forms
                if decision.cleaned_data.get("text")
                and not decision.cleaned_data.get("DELETE")]
        try:
            meeting = steering_meeting_save(meeting=meeting, data=form.cleaned_data,
                                            decisions=kept, by=request.user)
        except DomainError as error:
            add_refusal(form, error)
        else:
            messages.success(request, _("Le comité de pilotage est enregistré."))
            return redirect("steering_detail", pk=cluster.pk, meeting_pk=meeting.pk)
    return render_form(request, "cluster/steering_form.html", {
        "breadcrumbs": cluster_trail(
            cluster, (_("Comité de pilotage"), reverse("steering_list", args=[cluster.pk])),
            meeting.title if meeting.pk else _("Nouveau comité")),
        "cluster": cluster, "form": form, "decisions": decisions, "meeting": meeting,
    })


@login_required
@require_http_methods(["GET", "POST"])
def steering_delete(request, pk, meeting_pk):
    access = cluster_access(request.user, pk).require("steer_commitments")
    cluster = access.cluster
    meeting = get_object_or_404(SteeringMeeting, pk=meeting_pk, cluster=cluster)
    if request.method == "POST":
        steering_meeting_delete(meeting=meeting, by=request.user)
        messages.success(request, _("Le comité « %(title)s » est supprimé.")
                         % {"title": meeting.title})
        return redirect("steering_list", pk=cluster.pk)
    return render(request, "confirm.html", {
        "cluster": cluster,
        "question": _("Supprimer le comité « %(title)s » ?") % {"title": meeting.title},
        "text": _("Le comité et ses %(count)s décision(s) disparaîtront. Cette action est "
                  "définitive.") % {"count": meeting.decisions.count()},
        "button": _("Supprimer définitivement"),
        "cancel_url": reverse("steering_detail", args=[cluster.pk, meeting.pk]),
        "breadcrumbs": cluster_trail(cluster, (_("Comité de pilotage"),
                                               reverse("steering_list", args=[cluster.pk])),
                                     _("Supprimer")),
    })


# Measurements in bulk ------------------------------------------------------------------------

def _objective_for_import(request, pk, objective_pk):
    access = cluster_access(request.user, pk)
    cluster = access.cluster
    objective = get_object_or_404(Objective.objects.select_related("challenge"),
                                  pk=objective_pk, challenge__cluster=cluster)
    access.require("measure")
    return cluster, objective


def _objective_trail(cluster, objective, current):
    return cluster_trail(cluster, (objective.title, reverse(
        "objective_detail", args=[cluster.pk, objective.pk])), current)


@login_required
@require_http_methods(["GET", "POST"])
def measurement_import(request, pk, objective_pk):
    """Upload a CSV file of measurements and preview what it adds; nothing is written yet."""
    cluster, objective = _objective_for_import(request, pk, objective_pk)
    posted = request.method == "POST"
    form = MeasurementImportForm(request.POST if posted else None,
                                 request.FILES if posted else None)
    context = {"cluster": cluster, "objective": objective, "form": form,
               "breadcrumbs": _objective_trail(cluster, objective, _("Importer des mesures"))}
    if request.method == "POST" and form.is_valid():
        try:
            plan = measurements_preview(objective=objective, raw=form.cleaned_data["file"].read(),
                                        today=timezone.localdate())
        except ImportFileError as error:
            form.add_error("file", str(error))
        else:
            to_add = plan.to_add
            return render(request, "cluster/measurement_import_preview.html", {
                **context, "plan": plan, "to_add": to_add[:PREVIEW_ROWS],
                "breadcrumbs": _objective_trail(cluster, objective, _("Aperçu de l'import")),
                "to_add_count": len(to_add), "hidden_count": max(0, len(to_add) - PREVIEW_ROWS),
                "rejected": plan.rejected, "file_name": form.cleaned_data["file"].name,
                "payload": sign_rows(to_add, objective=objective, user=request.user)
                if to_add else "",
            })
    return render_form(request, "cluster/measurement_import.html", context)


@login_required
@require_POST
def measurement_import_confirm(request, pk, objective_pk):
    """Write the rows of the preview, signed in its form, in one transaction."""
    cluster, objective = _objective_for_import(request, pk, objective_pk)
    try:
        rows = unsign_rows(request.POST.get("payload", ""), objective=objective,
                           user=request.user)
    except ImportFileError as error:
        messages.error(request, str(error))
        return redirect("measurement_import", pk=cluster.pk, objective_pk=objective.pk)
    added, skipped = measurements_import(objective=objective, rows=rows, by=request.user)
    message = (_("%(added)s mesure(s) ajoutée(s).") % {"added": added} if added
               else _("Aucune mesure ajoutée."))
    if skipped:
        message += " " + _("%(skipped)s ligne(s) ignorée(s) : une mesure existait déjà à leur "
                           "date.") % {"skipped": skipped}
    messages.success(request, message)
    return redirect("objective_detail", pk=cluster.pk, objective_pk=objective.pk)
