"""Who may see or change what in the cluster app: one helper per object type.

A cluster is read by the members of its collective and by staff; facilitators
of the collective (and staff) change its roadmap and défis; every member
records measurements. Anyone else gets a 404: they must not learn it exists.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from knox.models import AuthToken

from cluster.models import (
    Cluster,
    ClusterRequest,
    Collective,
    Deliverable,
    MasterPlanVersion,
    Membership,
)
from territories.permissions import get_territory_for_reading, visible_territories
from territories.token_scope import narrow_to_token_scope


def get_api_token_for(user, digest):
    """Return the user's own API token, or 404: nobody reaches another person's token."""
    return get_object_or_404(AuthToken, user=user, digest=digest)


def visible_clusters(user):
    if not user.is_authenticated or not user.is_active:
        return Cluster.objects.none()
    if user.is_staff:
        return narrow_to_token_scope(Cluster.objects.all(), user, collective_path="collective")
    return narrow_to_token_scope(Cluster.objects.filter(collective__memberships__user=user)
                                 .distinct(), user, collective_path="collective")


def steered_clusters(user):
    """Return the clusters whose roadmap and défis the person changes (facilitator, staff)."""
    if not user.is_authenticated or not user.is_active:
        return Cluster.objects.none()
    if user.is_staff:
        return narrow_to_token_scope(Cluster.objects.all(), user, collective_path="collective")
    return narrow_to_token_scope(Cluster.objects.filter(
        collective__memberships__user=user,
        collective__memberships__role=Membership.Role.FACILITATOR), user,
        collective_path="collective")


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


# Roadmap: cluster creation, deliverables, calendar feed ------------------------------------

def collectives_for_new_cluster(user):
    """Return the collectives for which the person may start a cluster: those they facilitate
    (every collective for staff)."""
    if not user.is_authenticated or not user.is_active:
        return Collective.objects.none()
    if user.is_staff:
        return narrow_to_token_scope(Collective.objects.all(), user, collective_path="pk")
    return narrow_to_token_scope(Collective.objects.filter(
        memberships__user=user, memberships__role=Membership.Role.FACILITATOR), user,
        collective_path="pk")


def can_create_cluster(user):
    return collectives_for_new_cluster(user).exists()


def require_cluster_creator(user):
    if not can_create_cluster(user):
        raise PermissionDenied("Seuls les animateur·rices d'un collectif et l'équipe nationale "
                               "créent des clusters.")


def can_upload_deliverable(user, cluster):
    """Facilitators and members of the collective (and staff) upload deliverables."""
    return role_in(user, cluster) is not None


def require_uploader(user, cluster):
    if not can_upload_deliverable(user, cluster):
        raise PermissionDenied("Seuls les membres du collectif déposent des livrables.")


def get_deliverable_for_reading(user, cluster_pk, pk):
    """Return the deliverable of a cluster the person reads, or 404."""
    cluster = get_cluster_for_reading(user, cluster_pk)
    return get_object_or_404(Deliverable.objects.select_related("step"), pk=pk,
                             step__cluster=cluster)


# A calendar app fetches the milestones feed without a session: the link carries a signed
# (person, cluster) pair. It grants nothing by itself: the feed still checks that the
# person may read the cluster, so leaving the collective ends the subscription.
# Collectives ------------------------------------------------------------------------------
# A collective is read by its members and by staff; its facilitators (and staff) invite,
# remove and name people, and choose its member actors. Anyone else gets a 404.

def visible_collectives(user):
    if not user.is_authenticated or not user.is_active:
        return Collective.objects.none()
    if user.is_staff:
        return narrow_to_token_scope(Collective.objects.all(), user, collective_path="pk")
    return narrow_to_token_scope(Collective.objects.filter(memberships__user=user), user,
                                 collective_path="pk")


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


# Schéma directeur --------------------------------------------------------------------------
# The schéma directeur is the collective's: every member of the collective (and staff) reads
# it, its versions and their PDFs, and writes its sections. The comité de pilotage adopts it:
# its facilitators (and staff) validate sections, generate versions, publish one on the
# territory's public page and withdraw it. A published version is public (read by anyone
# who may read the territory); unpublished ones stay the collective's: 404 for others.

def can_write_master_plan(user, cluster):
    """Every member of the collective writes the sections."""
    return role_in(user, cluster) is not None


def require_master_plan_writer(user, cluster):
    if not can_write_master_plan(user, cluster):
        raise PermissionDenied("Seuls les membres du collectif rédigent le schéma directeur.")


def can_adopt_master_plan(user, cluster):
    """Facilitators and staff validate sections, generate and publish versions."""
    return can_steer(user, cluster)


def require_master_plan_adopter(user, cluster):
    if not can_adopt_master_plan(user, cluster):
        raise PermissionDenied("Seuls les animateur·rices du collectif valident les sections, "
                               "génèrent et publient le schéma directeur.")


def readable_master_plan_versions(user):
    """Return the versions the person reads: all those of their clusters, and published ones
    of the territories they may read (the public's)."""
    return MasterPlanVersion.objects.filter(
        Q(plan__cluster__in=visible_clusters(user))
        | Q(published_at__isnull=False,
            plan__cluster__territory__in=visible_territories(user)))


def get_master_plan_version(cluster, number):
    """Return the version `number` of a cluster, or 404; the caller checked the person reads
    the cluster (get_cluster_for_reading)."""
    return get_object_or_404(
        MasterPlanVersion.objects.select_related("created_by", "published_by", "plan"),
        plan__cluster=cluster, number=number)


def get_published_master_plan(user, slug):
    """Return the territory and its latest published version, or 404."""
    territory = get_territory_for_reading(user, slug)
    version = MasterPlanVersion.objects.filter(
        plan__cluster__territory=territory, published_at__isnull=False,
        status=MasterPlanVersion.Status.READY,
    ).select_related("plan__cluster__collective", "created_by").order_by(
        "-published_at", "-pk").first()
    if version is None:
        raise Http404("Aucun schéma directeur publié pour ce territoire.")
    return territory, version


# Stewardship of territories -----------------------------------------------------------------
# A request for a cluster is read by the members of the requesting collective, by the
# facilitators of the territory's steward and by staff; the steward's facilitators and staff
# decide it. Anyone else gets a 404. Staff alone name a territory's steward.

# A request concerns the requesting collective and the territory's steward.
REQUEST_COLLECTIVES = ("collective", "territory__stewardship__collective")


def _facilitated_by(user):
    return {"memberships__user": user, "memberships__role": Membership.Role.FACILITATOR}


def visible_cluster_requests(user):
    if not user.is_authenticated or not user.is_active:
        return ClusterRequest.objects.none()
    if user.is_staff:
        return narrow_to_token_scope(ClusterRequest.objects.all(), user,
                                     collective_path=REQUEST_COLLECTIVES)
    stewards = Collective.objects.filter(**_facilitated_by(user))
    return narrow_to_token_scope(ClusterRequest.objects.filter(
        Q(collective__memberships__user=user)
        | Q(territory__stewardship__collective__in=stewards)
    ).distinct(), user, collective_path=REQUEST_COLLECTIVES)


def decidable_cluster_requests(user):
    """Return the requests the person may accept or refuse, whatever their status."""
    if not user.is_authenticated or not user.is_active:
        return ClusterRequest.objects.none()
    if user.is_staff:
        return narrow_to_token_scope(ClusterRequest.objects.all(), user,
                                     collective_path="territory__stewardship__collective")
    return narrow_to_token_scope(ClusterRequest.objects.filter(
        territory__stewardship__collective__in=Collective.objects.filter(
            **_facilitated_by(user))), user,
        collective_path="territory__stewardship__collective")


def get_cluster_request_for_reading(user, pk):
    cluster_request = visible_cluster_requests(user).select_related(
        "collective", "territory", "requested_by", "decided_by", "cluster").filter(
        pk=pk).first()
    if cluster_request is None:
        raise Http404("Demande introuvable.")
    return cluster_request


def can_decide_cluster_request(user, cluster_request):
    return decidable_cluster_requests(user).filter(pk=cluster_request.pk).exists()


def require_cluster_request_decider(user, cluster_request):
    if not can_decide_cluster_request(user, cluster_request):
        raise PermissionDenied("Seuls les animateur·rices du collectif qui anime ce territoire "
                               "et l'équipe nationale répondent aux demandes de cluster.")


def require_steward_naming(user):
    if not (user.is_authenticated and user.is_active and user.is_staff):
        raise PermissionDenied("Seule l'équipe nationale désigne le collectif qui anime un "
                               "territoire.")
