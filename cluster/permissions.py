"""Who may see or change what in the cluster app: one access object per object type.

A cluster is read by the members of its collective and by staff; facilitators
of the collective (and staff) change its roadmap and défis; every member
records measurements. Anyone else gets a 404: they must not learn it exists.

Pages, API views and templates ask the access object (`cluster_access(user, pk)`,
`collective_access`, `cluster_request_access`, `person_access`): it is read in one query
and `access.require("steer")` refuses with the message of the tables below.
"""

from dataclasses import dataclass
from functools import cached_property

from django.db.models import Exists, OuterRef, Q, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from knox.models import AuthToken

from cluster.models import (
    Cluster,
    ClusterRequest,
    Collective,
    Deliverable,
    JoinRequest,
    MasterPlanVersion,
    Membership,
)
from territories.permissions import Access, get_territory_for_reading, visible_territories
from territories.token_scope import narrow_to_token_scope, within_token_scope

STAFF = "staff"
FACILITATOR = Membership.Role.FACILITATOR

# What a person is told when refused, one line per right of the access objects below.
CLUSTER_MESSAGES = {
    "steer": _("Seuls les animateur·rices du collectif modifient la feuille de route et les "
               "défis."),
    "steer_commitments": _("Seuls les animateur·rices du collectif modifient les entreprises "
                           "engagées et le comité de pilotage."),
    "measure": _("Seuls les membres du collectif enregistrent des mesures."),
    "upload": _("Seuls les membres du collectif déposent des livrables."),
    "write_master_plan": _("Seuls les membres du collectif rédigent le schéma directeur."),
    "adopt_master_plan": _("Seuls les animateur·rices du collectif valident les sections, "
                           "génèrent et publient le schéma directeur."),
    "share": _("Seuls les animateur·rices du collectif tiennent ses savoir-faire et ses "
               "besoins."),
    "raise_blocker": _("Seuls les animateur·rices du collectif remontent un frein "
                       "réglementaire."),
}
COLLECTIVE_MESSAGES = {
    "manage": _("Seuls les animateur·rices du collectif gèrent ses membres, ses invitations "
                "et ses acteurs."),
    "start_cluster": _("Seuls les animateur·rices du collectif créent ses clusters."),
}
CLUSTER_REQUEST_MESSAGES = {
    "decide": _("Seuls les animateur·rices du collectif qui anime ce territoire et l'équipe "
                "nationale répondent aux demandes de cluster."),
}
PERSON_MESSAGES = {
    "create_cluster": _("Seuls les animateur·rices d'un collectif et l'équipe nationale créent "
                        "des clusters ici. Pour lancer un cluster avec un nouveau collectif, "
                        "passez par « Je lance un cluster sur mon territoire » depuis "
                        "l'accueil."),
    "found_collective": _("Connectez-vous avec un compte actif pour lancer un cluster."),
    "join_collective": _("Connectez-vous avec un compte actif pour rejoindre un collectif."),
    "name_steward": _("Seule l'équipe nationale désigne le collectif qui anime un "
                      "territoire."),
}


def _signed_in(user):
    return user.is_authenticated and user.is_active


def with_role(queryset, user, collective_path):
    """Annotate each row with the person's role in the collective at `collective_path`."""
    return queryset.annotate(person_role=Subquery(Membership.objects.filter(
        collective=OuterRef(collective_path), user=user).values("role")[:1]))


def _role(user, row):
    return STAFF if user.is_staff else row.person_role


@dataclass(frozen=True)
class RoleAccess(Access):
    """Rights that follow the person's role in a collective: "staff", "facilitator",
    "member" or None (then they may not even read)."""

    role: str | None

    @property
    def can_read(self):
        return self.role is not None

    @property
    def leads(self):
        """Whether the person facilitates the collective, or is staff."""
        return self.role in (STAFF, FACILITATOR)


# Clusters -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class ClusterAccess(RoleAccess):
    """A cluster and the person's role in its collective."""

    cluster: Cluster

    messages = CLUSTER_MESSAGES

    # Facilitators of the cluster's collective and staff change its roadmap and défis.
    can_steer = RoleAccess.leads
    can_steer_commitments = RoleAccess.leads
    can_adopt_master_plan = RoleAccess.leads
    # The network: they keep its savoir-faire and besoins and raise its blockers.
    can_share = RoleAccess.leads
    can_raise_blocker = RoleAccess.leads
    # Every member of the collective records measurements, uploads deliverables and
    # writes the schéma directeur's sections.
    can_measure = RoleAccess.can_read
    can_upload = RoleAccess.can_read
    can_write_master_plan = RoleAccess.can_read


def cluster_access(user, pk, *, cls=ClusterAccess):
    """Return the access to the cluster `pk`, in one query; 404 when the person may not read
    it: they must not learn it exists."""
    if not _signed_in(user):
        raise Http404(_("Cluster introuvable."))
    # With the territory's label, which the dashboard shows (none: cached as missing).
    clusters = Cluster.objects.select_related("collective", "territory__label").filter(pk=pk)
    cluster = (clusters if user.is_staff else with_role(clusters, user, "collective")).first()
    role = None if cluster is None or not within_token_scope(
        user, cluster.collective_id) else _role(user, cluster)
    if role is None:
        raise Http404(_("Cluster introuvable."))
    return cls(cluster=cluster, role=role)


def access_to_cluster(user, cluster, *, cls=ClusterAccess):
    """Return the access to a cluster already loaded (through one of its objects)."""
    return cls(cluster=cluster, role=role_in(user, cluster))


def get_api_token_for(user, digest):
    """Return the user's own API token, or 404: nobody reaches another person's token."""
    return get_object_or_404(AuthToken, user=user, digest=digest)


def visible_clusters(user):
    if not _signed_in(user):
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
    if not _signed_in(user) or not within_token_scope(user, cluster.collective_id):
        return None
    if user.is_staff:
        return STAFF
    return cluster.collective.memberships.filter(user=user).values_list(
        "role", flat=True).first()


# Kept for the funding app until it has its own access objects.
def get_cluster_for_reading(user, pk):
    return cluster_access(user, pk).cluster


def can_steer(user, cluster):
    return access_to_cluster(user, cluster).can_steer


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


@dataclass(frozen=True)
class PersonAccess(Access):
    """What a person may do outside any one object: start a cluster, name a steward."""

    user: object

    messages = PERSON_MESSAGES

    @cached_property
    def can_create_cluster(self):
        return collectives_for_new_cluster(self.user).exists()

    @property
    def can_found_collective(self):
        """Anyone signed in may found a collective and start its first cluster."""
        return _signed_in(self.user)

    can_join_collective = can_found_collective

    @property
    def can_name_steward(self):
        return _signed_in(self.user) and self.user.is_staff


def person_access(user):
    return PersonAccess(user=user)


def get_deliverable(access, pk):
    """Return the deliverable `pk` of the access's cluster, or 404."""
    return get_object_or_404(Deliverable.objects.select_related("step"), pk=pk,
                             step__cluster=access.cluster)


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


@dataclass(frozen=True)
class CollectiveAccess(RoleAccess):
    """A collective and the person's role in it."""

    collective: Collective

    messages = COLLECTIVE_MESSAGES

    # Facilitators of the collective and staff manage its people and member actors, and
    # start its clusters.
    can_manage = RoleAccess.leads
    can_start_cluster = RoleAccess.leads


def collective_access(user, slug):
    """Return the access to the collective `slug`, in one query; 404 for anyone else."""
    if not _signed_in(user):
        raise Http404(_("Collectif introuvable."))
    collectives = Collective.objects.filter(slug=slug)
    collective = (collectives if user.is_staff else with_role(collectives, user, "pk")).first()
    role = None if collective is None or not within_token_scope(
        user, collective.pk) else _role(user, collective)
    if role is None:
        raise Http404(_("Collectif introuvable."))
    return CollectiveAccess(collective=collective, role=role)


def visible_join_requests(user):
    """Return the join requests the person reads: their own, and those sent to the
    collectives they facilitate (all of them for staff)."""
    if not _signed_in(user):
        return JoinRequest.objects.none()
    requests = JoinRequest.objects.all()
    if not user.is_staff:
        requests = requests.filter(Q(user=user) | Q(collective__in=Collective.objects.filter(
            **_facilitated_by(user))))
    return narrow_to_token_scope(requests, user, collective_path="collective")


def access_to_collective(user, collective):
    """Return the access to a collective already loaded."""
    if not _signed_in(user) or not within_token_scope(user, collective.pk):
        role = None
    elif user.is_staff:
        role = STAFF
    else:
        role = collective.memberships.filter(user=user).values_list("role", flat=True).first()
    return CollectiveAccess(collective=collective, role=role)


# Schéma directeur --------------------------------------------------------------------------
# The schéma directeur is the collective's: every member of the collective (and staff) reads
# it, its versions and their PDFs, and writes its sections. The comité de pilotage adopts it:
# its facilitators (and staff) validate sections, generate versions, publish one on the
# territory's public page and withdraw it. A published version is public (read by anyone
# who may read the territory); unpublished ones stay the collective's: 404 for others.

def readable_master_plan_versions(user):
    """Return the versions the person reads: all those of their clusters, and published ones
    of the territories they may read (the public's)."""
    return MasterPlanVersion.objects.filter(
        Q(plan__cluster__in=visible_clusters(user))
        | Q(published_at__isnull=False,
            plan__cluster__territory__in=visible_territories(user)))


def get_master_plan_version(access, number):
    """Return the version `number` of the access's cluster, or 404."""
    return get_object_or_404(
        MasterPlanVersion.objects.select_related("created_by", "published_by", "plan"),
        plan__cluster=access.cluster, number=number)


def get_published_master_plan(user, slug):
    """Return the territory and its latest published version, or 404."""
    territory = get_territory_for_reading(user, slug)
    version = MasterPlanVersion.objects.filter(
        plan__cluster__territory=territory, published_at__isnull=False,
        status=MasterPlanVersion.Status.READY,
    ).select_related("plan__cluster__collective", "created_by").order_by(
        "-published_at", "-pk").first()
    if version is None:
        raise Http404(_("Aucun schéma directeur publié pour ce territoire."))
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


@dataclass(frozen=True)
class ClusterRequestAccess(Access):
    """A request for a cluster and whether the person decides it (whatever its status)."""

    cluster_request: ClusterRequest
    decider: bool

    messages = CLUSTER_REQUEST_MESSAGES

    @property
    def can_decide(self):
        return self.decider

    @property
    def can_answer(self):
        """Whether the page offers to decide: the request still waits for an answer."""
        return self.decider and self.cluster_request.status == ClusterRequest.Status.PENDING


def cluster_request_access(user, pk):
    """Return the access to the request `pk`, in one query; 404 for anyone else."""
    cluster_request = visible_cluster_requests(user).select_related(
        "collective", "territory", "requested_by", "decided_by", "cluster").annotate(
        decider=Exists(decidable_cluster_requests(user).filter(pk=OuterRef("pk")))).filter(
        pk=pk).first()
    if cluster_request is None:
        raise Http404(_("Demande introuvable."))
    return ClusterRequestAccess(cluster_request=cluster_request,
                                decider=cluster_request.decider)


def access_to_cluster_request(user, cluster_request):
    """Return the access to a request already loaded."""
    return ClusterRequestAccess(
        cluster_request=cluster_request,
        decider=decidable_cluster_requests(user).filter(pk=cluster_request.pk).exists())
