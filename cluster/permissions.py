"""Who may see or change what in the cluster app: one helper per object type.

A cluster is read by the members of its collective and by staff; facilitators
of the collective (and staff) change its roadmap and défis; every member
records measurements. Anyone else gets a 404: they must not learn it exists.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from knox.models import AuthToken

from cluster.models import Cluster, Membership


def get_api_token_for(user, digest):
    """Return the user's own API token, or 404: nobody reaches another person's token."""
    return get_object_or_404(AuthToken, user=user, digest=digest)


def visible_clusters(user):
    if not user.is_authenticated or not user.is_active:
        return Cluster.objects.none()
    if user.is_staff:
        return Cluster.objects.all()
    return Cluster.objects.filter(collective__memberships__user=user).distinct()


def role_in(user, cluster):
    """Return "staff", "facilitator", "member" or None for the person and the cluster."""
    if not user.is_authenticated or not user.is_active:
        return None
    if user.is_staff:
        return "staff"
    membership = cluster.collective.memberships.filter(user=user).first()
    return membership.role if membership else None


def get_cluster_for_reading(user, pk):
    cluster = visible_clusters(user).select_related("collective", "territory").filter(
        pk=pk).first()
    if cluster is None:
        raise Http404("Cluster introuvable.")
    return cluster


def can_steer(user, cluster):
    """Facilitators of the cluster's collective and staff change its roadmap and défis."""
    return role_in(user, cluster) in ("staff", Membership.Role.FACILITATOR)


def require_steering(user, cluster):
    if not can_steer(user, cluster):
        raise PermissionDenied("Seuls les animateur·rices du collectif modifient la feuille de "
                               "route et les défis.")


def can_measure(user, cluster):
    """Every member of the collective records measurements."""
    return role_in(user, cluster) is not None


# Engaged companies, comité de pilotage, measurements in bulk ------------------------------
# Members of the collective read them; facilitators and staff change the engagements and
# the comité de pilotage (can_steer); every member records measurements (can_measure).

def require_steering_commitments(user, cluster):
    if not can_steer(user, cluster):
        raise PermissionDenied("Seuls les animateur·rices du collectif modifient les "
                               "entreprises engagées et le comité de pilotage.")


def require_measuring(user, cluster):
    if not can_measure(user, cluster):
        raise PermissionDenied("Seuls les membres du collectif enregistrent des mesures.")
