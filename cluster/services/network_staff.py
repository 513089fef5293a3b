"""State changes the national team makes to the network: it organises the masterclasses
and keeps the list of company networks. Shared by the back-office pages and the API."""

from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from cluster.errors import DomainError, deletion_blocked_message
from cluster.mailing import queue_emails
from cluster.models import CompanyNetwork, Masterclass
from cluster.services.network import _national, _required
from territories.links import absolute_reverse

# Masterclasses ------------------------------------------------------------------------------

def _started():
    return DomainError(_("Cette masterclass a déjà eu lieu : elle reste dans l'historique "
                         "du réseau."), code="started", status=409)


@transaction.atomic
def masterclass_save(*, masterclass: Masterclass | None = None, title: str, starts_at,
                     place: str, theme=None, description: str = "") -> Masterclass:
    """Create a national masterclass, or change one still to come; its start is in the
    future, its theme one of the national themes (or none)."""
    now = timezone.now()
    if masterclass is not None:
        masterclass = Masterclass.objects.select_for_update().get(pk=masterclass.pk)
        if masterclass.starts_at <= now:
            raise _started()
    else:
        masterclass = Masterclass()
    if starts_at is None or starts_at <= now:
        raise DomainError(_("Choisissez une date et une heure à venir."),
                          code="starts_at_past", field="starts_at")
    if theme is not None:
        _national(theme)
    masterclass.title = _required(title, _("Donnez un titre à la masterclass."), "title")
    masterclass.place = _required(place, _("Indiquez le lieu ou le lien de connexion."),
                                  "place")
    masterclass.starts_at, masterclass.theme = starts_at, theme
    masterclass.description = (description or "").strip()
    masterclass.save()
    return masterclass


@transaction.atomic
def masterclass_cancel(*, masterclass: Masterclass) -> int:
    """Cancel a masterclass still to come: its participants are told by e-mail, then it is
    deleted. Return the number of participants told."""
    masterclass = Masterclass.objects.select_for_update().filter(pk=masterclass.pk).first()
    if masterclass is None:
        raise DomainError(_("Cette masterclass est déjà annulée."), code="gone", status=409)
    if masterclass.starts_at <= timezone.now():
        raise _started()
    emails = list(masterclass.participants.filter(is_active=True)
                  .values_list("email", flat=True))
    queue_emails("masterclass_cancelled", {
        "title": masterclass.title, "starts_at": masterclass.starts_at,
        "link": absolute_reverse("masterclass_list")}, emails)
    masterclass.delete()
    return len(emails)


# Company networks ---------------------------------------------------------------------------

@transaction.atomic
def company_network_save(*, network: CompanyNetwork | None = None, name: str,
                         description: str = "") -> CompanyNetwork:
    """Create or rename a national company network; two networks never share a name."""
    network = network or CompanyNetwork()
    network.name = _required(name, _("Donnez le nom du réseau."), "name")
    network.description = (description or "").strip()
    taken = DomainError(_("Un réseau porte déjà ce nom."), code="name_taken", field="name")
    if CompanyNetwork.objects.filter(name__iexact=network.name).exclude(
            pk=network.pk).exists():
        raise taken
    try:
        with transaction.atomic():
            network.save()
    except IntegrityError:
        raise taken from None
    return network


@transaction.atomic
def company_network_delete(*, network: CompanyNetwork) -> None:
    """Delete a company network no engaged company is linked to; refused (409) otherwise,
    with the companies that still are: unlink them from their clusters' pages first."""
    try:
        with transaction.atomic():
            CompanyNetwork.objects.filter(pk=network.pk).delete()
    except ProtectedError as error:
        raise DomainError(deletion_blocked_message(error), code="protected",
                          status=409) from None
