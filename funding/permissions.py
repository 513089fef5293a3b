"""Who may see or change what in the funding app: one helper per object type.

Catalogue and funding plans: the catalogue of sources is public; staff change it
through the admin. A cluster's funding plans are read by the members of its
collective and by staff; the collective's facilitators and staff change them
(create a plan, its budget lines and contributions): a plan commits the collective
towards its funders, so the people who steer the cluster keep it. Anyone else gets
a 404: they must not learn the plan exists.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from cluster.permissions import can_steer, get_cluster_for_reading, visible_clusters
from funding.models import FundingPlan

# Catalogue and funding plans -------------------------------------------------------------


def visible_plans(user):
    """Return the plans the person may read: those of the clusters they may read."""
    return FundingPlan.objects.filter(cluster__in=visible_clusters(user))


def get_plan_for_reading(user, cluster_pk, plan_pk):
    """Return the cluster (the person may read it) and its plan, or 404."""
    cluster = get_cluster_for_reading(user, cluster_pk)
    plan = FundingPlan.objects.select_related("project").filter(
        cluster=cluster, pk=plan_pk).first()
    if plan is None:
        raise Http404("Plan de financement introuvable.")
    plan.cluster = cluster
    return cluster, plan


def can_change_plans(user, cluster):
    """Facilitators of the cluster's collective and staff change its funding plans."""
    return can_steer(user, cluster)


def require_plan_changes(user, cluster):
    if not can_change_plans(user, cluster):
        raise PermissionDenied("Seuls les animateur·rices du collectif modifient ses plans de "
                               "financement.")
