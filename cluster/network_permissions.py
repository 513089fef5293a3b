"""Who may see or change what in the network between territories: one access helper per
object type, used by the pages and the API alike (see cluster.permissions).

- savoir-faire and besoins: read with the territory (public once it is published); the
  facilitators of the cluster's collective (and staff) add and remove them;
- transfers of expertise: see below;
- regulatory blockers: raised by the facilitators of the cluster's collective, read by its
  members and the national team, tracked by the national team only; once lifted, their
  public summary is anyone's (for published territories);
- national masterclasses: read by anyone, joined and left by members of any collective,
  organised (created, edited, cancelled) by the national team;
- company networks: read by anyone, kept by the national team.
"""

from dataclasses import dataclass

from django.db.models import OuterRef, Q, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from cluster.models import Blocker, Collective, KnowHow, Membership, Transfer
from cluster.permissions import (
    FACILITATOR,
    STAFF,
    RoleAccess,
    _signed_in,
    access_to_cluster,
    cluster_access,
    visible_clusters,
    with_role,
)
from territories.permissions import Access, national_access, visible_territories
from territories.token_scope import narrow_to_token_scope

# Transfers of expertise --------------------------------------------------------------------
# A transfer is read by the members of both collectives and staff; once accepted or held
# between two published territories, by anyone (it shows on both territories' pages). The
# peer's facilitators (and staff) answer it; either side's facilitators record it as held.

TRANSFER_MESSAGES = {
    "decide": _("Seuls les animateur·rices du territoire sollicité répondent à une demande "
                "de transfert."),
    "record": _("Seuls les animateur·rices des deux territoires enregistrent le transfert "
                "réalisé."),
}
PUBLIC_TRANSFER_STATUSES = (Transfer.Status.ACCEPTED, Transfer.Status.HELD)
TRANSFER_COLLECTIVES = ("requester__collective", "provider__collective")


def visible_transfers(user):
    """Return the transfers the person reads: those of their collectives (all for staff),
    and accepted or held ones between published territories."""
    public = Q(status__in=PUBLIC_TRANSFER_STATUSES, requester__territory__is_published=True,
               provider__territory__is_published=True)
    if not _signed_in(user):
        return Transfer.objects.filter(public)
    transfers = Transfer.objects.all()
    if not user.is_staff:
        mine = Collective.objects.filter(memberships__user=user)
        transfers = transfers.filter(public | Q(requester__collective__in=mine)
                                     | Q(provider__collective__in=mine))
    return narrow_to_token_scope(transfers, user, collective_path=TRANSFER_COLLECTIVES)


@dataclass(frozen=True)
class TransferAccess(Access):
    """A transfer and the person's role on each side ("staff", "facilitator", "member",
    None)."""

    transfer: Transfer
    requester_role: str | None
    provider_role: str | None

    messages = TRANSFER_MESSAGES

    @property
    def is_party(self):
        return self.requester_role is not None or self.provider_role is not None

    @property
    def can_decide(self):
        return self.provider_role in (STAFF, FACILITATOR)

    @property
    def can_record(self):
        return (self.requester_role in (STAFF, FACILITATOR)
                or self.provider_role in (STAFF, FACILITATOR))


def _transfer_roles(user, transfer):
    if not _signed_in(user):
        return None, None
    if user.is_staff:
        return STAFF, STAFF
    return transfer.requester_role, transfer.provider_role


def transfer_access(user, pk):
    """Return the access to the transfer `pk`, in one query; 404 when the person may not
    read it."""
    transfers = visible_transfers(user).select_related(
        "requester__territory", "provider__territory", "requester__collective",
        "provider__collective", "theme", "asked_by", "decided_by").filter(pk=pk)
    if _signed_in(user) and not user.is_staff:
        transfers = transfers.annotate(**{
            f"{side}_role": Subquery(Membership.objects.filter(
                collective=OuterRef(f"{side}__collective"), user=user).values("role")[:1])
            for side in ("requester", "provider")})
    transfer = transfers.first()
    if transfer is None:
        raise Http404(_("Transfert introuvable."))
    return access_to_transfer(user, transfer)


def access_to_transfer(user, transfer):
    """Return the access to a transfer already loaded (roles read when not annotated)."""
    if _signed_in(user) and not user.is_staff and not hasattr(transfer, "provider_role"):
        roles = dict(Membership.objects.filter(
            user=user, collective__in=[transfer.requester.collective_id,
                                       transfer.provider.collective_id],
        ).values_list("collective_id", "role"))
        transfer.requester_role = roles.get(transfer.requester.collective_id)
        transfer.provider_role = roles.get(transfer.provider.collective_id)
    requester_role, provider_role = _transfer_roles(user, transfer)
    return TransferAccess(transfer=transfer, requester_role=requester_role,
                          provider_role=provider_role)


# Savoir-faire and besoins -------------------------------------------------------------------

def visible_know_how(user):
    """Return the savoir-faire and besoins the person reads: those of the territories they
    read (published ones for the public)."""
    return KnowHow.objects.filter(cluster__territory__in=visible_territories(user))


def know_how_access(user, cluster_pk, pk=None):
    """Return the access to the cluster `cluster_pk` (its right "share" adds and removes
    lines) and, with `pk`, its line `pk`: 404 for anyone who may not read the cluster."""
    access = cluster_access(user, cluster_pk)
    if pk is None:
        return access, None
    return access, get_object_or_404(KnowHow.objects.select_related("theme"), pk=pk,
                                     cluster=access.cluster)


def access_to_know_how(user, item):
    """Return the access to the cluster of a line already loaded (with its cluster)."""
    return access_to_cluster(user, item.cluster)


# Regulatory blockers ------------------------------------------------------------------------

BLOCKER_MESSAGES = {
    "track": _("Seule l'équipe nationale instruit les freins réglementaires et change leur "
               "état."),
}
BLOCKER_RELATIONS = ("cluster__territory", "cluster__collective", "challenge")


def visible_blockers(user):
    """Return the blockers the person reads in full: those of their collectives' clusters,
    and all of them for the national team."""
    if national_access(user).can_coordinate:
        return Blocker.objects.all()
    return Blocker.objects.filter(cluster__in=visible_clusters(user))


def lifted_blockers():
    """Return the lifted blockers of published territories: their public summary is
    anyone's."""
    return Blocker.objects.filter(status=Blocker.Status.LIFTED,
                                  cluster__territory__is_published=True)


@dataclass(frozen=True)
class BlockerAccess(RoleAccess):
    """A blocker, the person's role in its cluster's collective, and whether they are the
    national team."""

    blocker: Blocker
    national: bool

    messages = BLOCKER_MESSAGES

    @property
    def can_track(self):
        return self.national


def blocker_access(user, pk):
    """Return the access to the blocker `pk`, in one query; 404 when the person may not
    read it in full."""
    blockers = visible_blockers(user).select_related(*BLOCKER_RELATIONS, "raised_by") \
        .filter(pk=pk)
    if _signed_in(user) and not user.is_staff:
        blockers = with_role(blockers, user, "cluster__collective")
    blocker = blockers.first()
    if blocker is None:
        raise Http404(_("Frein introuvable."))
    return access_to_blocker(user, blocker)


def access_to_blocker(user, blocker):
    """Return the access to a blocker already loaded (its role read when not annotated)."""
    national = national_access(user).can_coordinate
    if not _signed_in(user):
        role = None
    elif user.is_staff:
        role = STAFF
    elif hasattr(blocker, "person_role"):
        role = blocker.person_role
    else:
        role = access_to_cluster(user, blocker.cluster).role
    return BlockerAccess(blocker=blocker, role=role, national=national)


# National masterclasses ---------------------------------------------------------------------

MASTERCLASS_MESSAGES = {
    "join": _("Connectez-vous avec un compte actif pour vous inscrire à une masterclass."),
    "organise": _("Seule l'équipe nationale organise les masterclasses."),
}


@dataclass(frozen=True)
class MasterclassAccess(Access):
    """What a person may do with the masterclasses: anyone reads them, anyone signed in
    asks to join (the service checks they belong to a collective), the national team
    organises them."""

    user: object

    messages = MASTERCLASS_MESSAGES

    @property
    def can_join(self):
        return _signed_in(self.user)

    @property
    def can_organise(self):
        return national_access(self.user).can_coordinate


def masterclass_access(user):
    return MasterclassAccess(user=user)


# Company networks ---------------------------------------------------------------------------

COMPANY_NETWORK_MESSAGES = {
    "manage": _("Seule l'équipe nationale tient la liste des réseaux d'entreprises."),
}


@dataclass(frozen=True)
class CompanyNetworkAccess(Access):
    """Anyone reads the company networks (counts only); the national team keeps them."""

    user: object

    messages = COMPANY_NETWORK_MESSAGES

    @property
    def can_manage(self):
        return national_access(self.user).can_coordinate


def company_network_access(user):
    return CompanyNetworkAccess(user=user)
