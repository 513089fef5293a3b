from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cluster.errors import DomainError
from cluster.forms import (
    ChallengeForm,
    MeasurementForm,
    MilestoneForm,
    ObjectiveForm,
    StepForm,
)
from cluster.history import history_entries
from cluster.models import Challenge, Milestone, Objective, RoadmapStep
from cluster.permissions import (
    can_measure,
    can_steer,
    get_cluster_for_reading,
    require_steering,
    visible_clusters,
)
from cluster.selectors import (
    dashboard,
    objectives_with_latest,
    with_counts,
)
from cluster.services import (
    measurement_record,
    milestone_complete,
    objective_save,
    step_set_status,
)

# Clusters: list, dashboard, défis, objectives, measurements, roadmap ------------------------

@login_required
def cluster_list(request):
    clusters = with_counts(visible_clusters(request.user), timezone.localdate()) \
        .select_related("collective", "territory").order_by("territory__name")
    page = Paginator(clusters, 20).get_page(request.GET.get("page"))
    return render(request, "cluster/cluster_list.html", {"page": page})


@login_required
def cluster_dashboard(request, pk):
    cluster = get_cluster_for_reading(request.user, pk)
    today = timezone.localdate()
    return render(request, "cluster/dashboard.html", {
        "cluster": cluster, "today": today, "can_steer": can_steer(request.user, cluster),
        **dashboard(cluster, today),
    })


@login_required
@require_http_methods(["GET", "POST"])
def challenge_edit(request, pk, challenge_pk=None):
    cluster = get_cluster_for_reading(request.user, pk)
    require_steering(request.user, cluster)
    challenge = (get_object_or_404(Challenge, pk=challenge_pk, cluster=cluster)
                 if challenge_pk else Challenge(cluster=cluster,
                                                position=cluster.challenges.count()))
    form = ChallengeForm(request.POST or None, instance=challenge)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Le défi est enregistré."))
        return redirect("cluster_dashboard", pk=cluster.pk)
    return render(request, "cluster/challenge_form.html", {
        "cluster": cluster, "form": form, "challenge": challenge,
        "history": history_entries(challenge),
    }, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def objective_edit(request, pk, challenge_pk=None, objective_pk=None):
    cluster = get_cluster_for_reading(request.user, pk)
    require_steering(request.user, cluster)
    if objective_pk:
        objective = get_object_or_404(Objective, pk=objective_pk, challenge__cluster=cluster)
    else:
        objective = Objective(challenge=get_object_or_404(Challenge, pk=challenge_pk,
                                                          cluster=cluster))
    form = ObjectiveForm(request.POST or None, instance=objective)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        version = form.cleaned_data["version"] or objective.version
        try:
            objective = objective_save(objective=objective, fields=fields, version=version)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("L'objectif est enregistré."))
            return redirect("objective_detail", pk=cluster.pk, objective_pk=objective.pk)
    return render(request, "cluster/objective_form.html", {
        "cluster": cluster, "form": form, "objective": objective,
    }, status=400 if request.method == "POST" else 200)


@login_required
@require_http_methods(["GET", "POST"])
def objective_detail(request, pk, objective_pk):
    cluster = get_cluster_for_reading(request.user, pk)
    objective = get_object_or_404(objectives_with_latest().select_related("challenge"),
                                  pk=objective_pk, challenge__cluster=cluster)
    form = MeasurementForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not can_measure(request.user, cluster):
            raise PermissionDenied
        if form.is_valid():
            try:
                measurement_record(objective=objective, by=request.user, **form.cleaned_data)
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("La mesure est enregistrée."))
                return redirect("objective_detail", pk=cluster.pk, objective_pk=objective.pk)
        status = 400
    measurements = list(objective.measurements.select_related("created_by"))
    history = history_entries(objective, limit=20)
    return render(request, "cluster/objective_detail.html", {
        "cluster": cluster, "objective": objective, "form": form,
        "measurements": measurements, "history": history,
        "progress": objective.progress(objective.latest_value),
        "chart": {
            "labels": [m.measured_on.isoformat() for m in measurements],
            "values": [float(m.value) for m in measurements],
            "baseline": float(objective.baseline), "target": float(objective.target),
            "unit": objective.unit,
        },
        "can_steer": can_steer(request.user, cluster),
        "can_measure": can_measure(request.user, cluster),
    }, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def step_edit(request, pk, step_pk):
    cluster = get_cluster_for_reading(request.user, pk)
    require_steering(request.user, cluster)
    step = get_object_or_404(RoadmapStep, pk=step_pk, cluster=cluster)
    form = StepForm(request.POST or None, instance=step)
    milestone_form = MilestoneForm(request.POST or None, prefix="milestone")
    if request.method == "POST" and "add_milestone" in request.POST:
        if milestone_form.is_valid():
            milestone = milestone_form.save(commit=False)
            milestone.step, milestone.position = step, step.milestones.count()
            milestone.save()
            messages.success(request, _("Jalon ajouté."))
            return redirect("step_edit", pk=cluster.pk, step_pk=step.pk)
        form = StepForm(instance=step)
    elif request.method == "POST":
        milestone_form = MilestoneForm(prefix="milestone")
        if form.is_valid():
            with transaction.atomic():
                status = form.cleaned_data["status"]
                step = form.save()
                step_set_status(step=step, status=status)
            messages.success(request, _("L'étape est enregistrée."))
            return redirect("cluster_dashboard", pk=cluster.pk)
    return render(request, "cluster/step_form.html", {
        "cluster": cluster, "step": step, "form": form, "milestone_form": milestone_form,
        "milestones": step.milestones.all(), "history": history_entries(step),
    }, status=400 if request.method == "POST" else 200)


@login_required
@require_POST
def milestone_done(request, pk, milestone_pk):
    cluster = get_cluster_for_reading(request.user, pk)
    require_steering(request.user, cluster)
    milestone = get_object_or_404(Milestone, pk=milestone_pk, step__cluster=cluster)
    try:
        milestone_complete(milestone=milestone, on=timezone.localdate())
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Jalon « %(title)s » atteint.") % {"title": milestone.title})
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("cluster_dashboard", args=[cluster.pk])
    return redirect(target)
