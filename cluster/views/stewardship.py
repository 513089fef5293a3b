"""Pages of territory stewardship: requests for a cluster and who stewards a territory."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cluster.breadcrumbs import clusters_trail, trail
from cluster.forms import ClusterRequestDecisionForm, StewardForm
from cluster.models import ClusterRequest
from cluster.permissions import (
    cluster_request_access,
    decidable_cluster_requests,
    person_access,
    visible_cluster_requests,
)
from cluster.stewardship import cluster_request_accept, cluster_request_refuse, steward_name
from territories.breadcrumbs import territory_trail
from territories.pages import form_page, run_action
from territories.permissions import steward_of, territory_access


@login_required
def cluster_request_list(request):
    requests = visible_cluster_requests(request.user).select_related(
        "collective", "territory", "requested_by")
    to_decide = decidable_cluster_requests(request.user).filter(
        status=ClusterRequest.Status.PENDING).select_related("collective", "territory")
    return render(request, "cluster/cluster_request_list.html", {
        "breadcrumbs": clusters_trail(_("Demandes de cluster")),
        "to_decide": to_decide,
        "others": requests.exclude(pk__in=to_decide.values("pk"))[:100],
    })


def _detail_page(request, access, form=None, status=200):
    cluster_request = access.cluster_request
    return render(request, "cluster/cluster_request_detail.html", {
        "breadcrumbs": trail((_("Demandes de cluster"), reverse("cluster_request_list")),
                             cluster_request.collective.name),
        "cluster_request": cluster_request, "steward": steward_of(cluster_request.territory),
        "access": access, "form": form or ClusterRequestDecisionForm(),
    }, status=status)


@login_required
def cluster_request_detail(request, pk):
    return _detail_page(request, cluster_request_access(request.user, pk))


@login_required
@require_POST
def cluster_request_decide(request, pk):
    access = cluster_request_access(request.user, pk).require("decide")
    cluster_request = access.cluster_request
    form = ClusterRequestDecisionForm(request.POST)
    if not form.is_valid():
        return _detail_page(request, access, form, status=400)
    decide = (cluster_request_accept if form.cleaned_data["decision"] == "accept"
              else cluster_request_refuse)
    run_action(request, lambda: decide(cluster_request=cluster_request, by=request.user,
                                       answer=form.cleaned_data["answer"]),
               success=_decision_message)
    return redirect(cluster_request)


def _decision_message(cluster_request):
    if cluster_request.cluster is not None:
        return _("Demande acceptée : le cluster du collectif « %(name)s » est créé.") \
            % {"name": cluster_request.collective.name}
    return _("Demande refusée. Le collectif « %(name)s » en est informé.") \
        % {"name": cluster_request.collective.name}


@login_required
@require_http_methods(["GET", "POST"])
def territory_steward(request, slug):
    """Name the collective that stewards a territory (staff: the national coordinator)."""
    person_access(request.user).require("name_steward")
    territory = territory_access(request.user, slug).territory
    steward = steward_of(territory)
    form = StewardForm(request.POST or None, initial={"collective": steward})
    return form_page(
        request, form,
        action=lambda data: steward_name(territory=territory, collective=data["collective"],
                                         by=request.user),
        success=lambda _named: _("Le collectif « %(name)s » anime désormais le territoire "
                                 "« %(territory)s ».")
        % {"name": form.cleaned_data["collective"].name, "territory": territory.name},
        next=territory, template="cluster/territory_steward.html", context={
            "breadcrumbs": territory_trail(territory, _("Collectif animateur")),
            "territory": territory, "steward": steward, "form": form,
        })
