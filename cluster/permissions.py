"""Who may see or change what in the cluster app: one helper per object type.

A cluster is read by the members of its collective and by staff; facilitators
of the collective (and staff) change its roadmap and défis; every member
records measurements. Anyone else gets a 404: they must not learn it exists.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from knox.models import AuthToken

from cluster.models import Cluster, Collective, Membership


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


# Collectives ------------------------------------------------------------------------------
# A collective is read by its members and by staff; its facilitators (and staff) invite,
# remove and name people, and choose its member actors. Anyone else gets a 404.

def visible_collectives(user):
    if not user.is_authenticated or not user.is_active:
        return Collective.objects.none()
    if user.is_staff:
        return Collective.objects.all()
    return Collective.objects.filter(memberships__user=user)


def get_collective_for_reading(user, slug):
    collective = visible_collectives(user).filter(slug=slug).first()
    if collective is None:
        raise Http404("Collectif introuvable.")
    return collective


def collective_role(user, collective):
    """Return "staff", "facilitator", "member" or None for the person and the collective."""
    if not user.is_authenticated or not user.is_active:
        return None
    if user.is_staff:
        return "staff"
    membership = collective.memberships.filter(user=user).first()
    return membership.role if membership else None


def can_manage_collective(user, collective):
    """Facilitators of the collective and staff manage its people and member actors."""
    return collective_role(user, collective) in ("staff", Membership.Role.FACILITATOR)


def require_collective_management(user, collective):
    if not can_manage_collective(user, collective):
        raise PermissionDenied("Seuls les animateur·rices du collectif gèrent ses membres, ses "
                               "invitations et ses acteurs.")
