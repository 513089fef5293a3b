from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cluster.breadcrumbs import cluster_trail
from cluster.forms import (
    ChallengeForm,
    MeasurementForm,
    ObjectiveForm,
)
from cluster.history import history_entries
from cluster.models import Challenge, Objective
from cluster.permissions import cluster_access, visible_clusters
from cluster.selectors import (
    challenge_cards,
    challenges_for_cards,
    dashboard,
    objectives_with_latest,
    with_counts,
)
from cluster.services import (
    measurement_record,
    objective_save,
)
from territories.labels import follow_up_due
from territories.locking import VERSION
from territories.pages import form_page
from territories.paging import page_of

# Clusters: list, dashboard, défis, objectives, measurements (the roadmap: views/roadmap.py)

@login_required
def cluster_list(request):
    clusters = with_counts(visible_clusters(request.user), timezone.localdate()) \
        .select_related("collective", "territory").order_by("territory__name")
    page = Paginator(clusters, 20).get_page(request.GET.get("page"))
    return render(request, "cluster/cluster_list.html", {"page": page})


@login_required
def cluster_dashboard(request, pk):
    access = cluster_access(request.user, pk)
    cluster = access.cluster
    today = timezone.localdate()
    label = getattr(cluster.territory, "label", None)  # loaded with the cluster
    return render(request, "cluster/dashboard.html", {
        "breadcrumbs": cluster_trail(cluster, from_list=True),
        "cluster": cluster, "today": today, "access": access,
        "label": label, "follow_up_due": follow_up_due(label, today),
        **dashboard(cluster, today),
    })


CHALLENGES_PAGE = 20


@login_required
def challenge_list(request, pk):
    """Every défi of the cluster with its objectives, a page at a time."""
    access = cluster_access(request.user, pk)
    cluster = access.cluster
    page = page_of(request, challenges_for_cards(cluster), per_page=CHALLENGES_PAGE)
    return render(request, "cluster/challenge_list.html", {
        "breadcrumbs": cluster_trail(cluster, _("Défis et objectifs")),
        "cluster": cluster, "access": access, "page": page,
        "challenges": challenge_cards(page),
    })


@login_required
@require_http_methods(["GET", "POST"])
def challenge_edit(request, pk, challenge_pk=None):
    access = cluster_access(request.user, pk).require("steer")
    cluster = access.cluster
    challenge = (get_object_or_404(Challenge, pk=challenge_pk, cluster=cluster)
                 if challenge_pk else Challenge(cluster=cluster,
                                                position=cluster.challenges.count()))
    form = ChallengeForm(request.POST or None, instance=challenge)
    return form_page(
        request, form, action=lambda _data: form.save(),
        success=_("Le défi est enregistré."),
        next=reverse("cluster_dashboard", args=[cluster.pk]),
        template="cluster/challenge_form.html", context={
            "breadcrumbs": cluster_trail(
                cluster, challenge.title if challenge.pk else _("Nouveau défi")),
            "cluster": cluster, "form": form, "challenge": challenge,
            "history": history_entries(challenge),
        })


@login_required
@require_http_methods(["GET", "POST"])
def objective_edit(request, pk, challenge_pk=None, objective_pk=None):
    access = cluster_access(request.user, pk).require("steer")
    cluster = access.cluster
    if objective_pk:
        objective = get_object_or_404(Objective, pk=objective_pk, challenge__cluster=cluster)
    else:
        objective = Objective(challenge=get_object_or_404(Challenge, pk=challenge_pk,
                                                          cluster=cluster))
    form = ObjectiveForm(request.POST or None, instance=objective)
    return form_page(
        request, form,
        action=lambda data: objective_save(
            objective=objective, fields={name: data[name] for name in form.Meta.fields},
            version=data[VERSION]),
        current=lambda: ObjectiveForm(instance=Objective.objects.get(pk=objective.pk)),
        success=_("L'objectif est enregistré."),
        next=lambda saved: reverse("objective_detail", args=[cluster.pk, saved.pk]),
        template="cluster/objective_form.html", context={
            "breadcrumbs": cluster_trail(cluster, objective.challenge.title),
            "cluster": cluster, "form": form, "objective": objective,
        })


MEASUREMENTS_PAGE = 50
CHART_POINTS = 120


@login_required
@require_http_methods(["GET", "POST"])
def objective_detail(request, pk, objective_pk):
    access = cluster_access(request.user, pk)
    cluster = access.cluster
    objective = get_object_or_404(objectives_with_latest().select_related("challenge"),
                                  pk=objective_pk, challenge__cluster=cluster)
    form = MeasurementForm(request.POST or None)
    if request.method == "POST":
        access.require("measure")
    measurements = page_of(request, objective.measurements.select_related("created_by"),
                           per_page=MEASUREMENTS_PAGE, param="mesures")
    # The chart draws the latest CHART_POINTS measurements, in date order.
    points = list(objective.measurements.order_by("-measured_on", "-pk").values_list(
        "measured_on", "value")[:CHART_POINTS])[::-1]
    return form_page(
        request, form,
        action=lambda data: measurement_record(objective=objective, by=request.user, **data),
        success=_("La mesure est enregistrée."),
        next=reverse("objective_detail", args=[cluster.pk, objective.pk]),
        template="cluster/objective_detail.html", context={
            "breadcrumbs": cluster_trail(cluster, objective.title),
            "cluster": cluster, "objective": objective, "form": form,
            "measurements": measurements.object_list, "measurement_page": measurements,
            "chart_is_partial": measurements.paginator.count > len(points),
            "history": history_entries(objective, limit=20),
            "progress": objective.progress(objective.latest_value),
            "chart": {
                "labels": [measured_on.isoformat() for measured_on, _value in points],
                "values": [float(value) for _measured_on, value in points],
                "baseline": float(objective.baseline), "target": float(objective.target),
                "unit": objective.unit,
            },
            "access": access,
        })
