"""State changes of the network: savoir-faire and besoins, transfers of expertise between
peer territories, masterclasses, regulatory blockers. Shared by the pages and the API."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cluster.errors import DomainError
from cluster.mailing import queue_emails
from cluster.models import Blocker, Cluster, KnowHow, Membership, Transfer, User
from territories.links import absolute_reverse

TransferStatus = Transfer.Status
BlockerStatus = Blocker.Status

# The allowed changes of a transfer's status: an answer, then the transfer held.
TRANSFER_TRANSITIONS = {
    TransferStatus.ASKED: {TransferStatus.ACCEPTED, TransferStatus.REFUSED},
    TransferStatus.ACCEPTED: {TransferStatus.HELD},
    TransferStatus.REFUSED: set(),
    TransferStatus.HELD: set(),
}

# The allowed changes of a blocker's status, as the national team tracks it.
BLOCKER_TRANSITIONS = {
    BlockerStatus.RAISED: {BlockerStatus.EXAMINED, BlockerStatus.DROPPED},
    BlockerStatus.EXAMINED: {BlockerStatus.SPONSORED, BlockerStatus.LIFTED,
                             BlockerStatus.DROPPED},
    BlockerStatus.SPONSORED: {BlockerStatus.LIFTED, BlockerStatus.DROPPED},
    BlockerStatus.LIFTED: set(),
    BlockerStatus.DROPPED: set(),
}


def _required(value, message, field):
    value = (value or "").strip()
    if not value:
        raise DomainError(message, code=f"{field}_required", field=field)
    return value


def _national(theme):
    if theme is None or not theme.is_national:
        raise DomainError(_("Choisissez l'un des cinq thèmes nationaux du réseau."),
                          code="theme_not_national", field="theme")
    return theme


# Savoir-faire and besoins -------------------------------------------------------------------

@transaction.atomic
def know_how_add(*, cluster: Cluster, kind: str, theme, text: str) -> KnowHow:
    """Add a line to the cluster's savoir-faire or besoins, on a national theme."""
    if kind not in KnowHow.Kind.values:
        raise DomainError(_("Choisissez savoir-faire ou besoin."), code="invalid_kind",
                          field="kind")
    text = _required(text, _("Dites en quelques mots ce que vous partagez ou cherchez."),
                     "text")
    return KnowHow.objects.create(cluster=cluster, kind=kind, theme=_national(theme), text=text)


@transaction.atomic
def know_how_delete(*, item: KnowHow) -> None:
    item.delete()


# Transfers of expertise ---------------------------------------------------------------------

@transaction.atomic
def transfer_ask(*, requester: Cluster, provider: Cluster, theme, subject: str, format: str,
                 by, source: str = "") -> Transfer:
    """Ask a peer cluster to share its know-how, on a national theme or across them (None);
    its facilitators are told by e-mail. Refused towards one's own territory, and when the
    same transfer (same pair, same theme) is still open."""
    if provider.territory_id == requester.territory_id:
        raise DomainError(_("Un transfert d'expertise se demande à un autre territoire que le "
                            "vôtre."), code="own_territory", field="provider")
    if theme is not None:
        _national(theme)
    subject = _required(subject, _("Dites ce que vous attendez de ce transfert."), "subject")
    if format not in Transfer.Format.values:
        raise DomainError(_("Choisissez un format : visite, atelier, mentorat ou documents."),
                          code="invalid_format", field="format")
    already = DomainError(
        _("Un transfert sur ce thème avec ce territoire est déjà en cours : suivez-le plutôt "
          "que d'en demander un second."), code="already_asked", status=409)
    open_statuses = [TransferStatus.ASKED, TransferStatus.ACCEPTED]
    if Transfer.objects.filter(requester=requester, provider=provider, theme=theme,
                               status__in=open_statuses).exists():
        raise already
    try:
        with transaction.atomic():
            transfer = Transfer.objects.create(
                requester=requester, provider=provider, theme=theme, subject=subject,
                format=format, asked_by=by, source=source)
    except IntegrityError:
        raise already from None
    _notify(transfer, "transfer_asked", [provider])
    return transfer


def _lock(transfer):
    return Transfer.objects.select_for_update(of=("self",)).select_related(
        "requester__territory", "provider__territory", "theme").get(pk=transfer.pk)


def _move(transfer, status):
    if status not in TRANSFER_TRANSITIONS[transfer.status]:
        raise DomainError(
            _("Ce transfert est %(status)s : ce changement n'est plus possible.")
            % {"status": transfer.get_status_display()}, code="wrong_status", status=409)


@transaction.atomic
def transfer_decide(*, transfer: Transfer, accept: bool, by, answer: str = "") -> Transfer:
    """Accept or refuse an asked transfer (the peer's facilitators); the asking cluster's
    facilitators and the person who asked are told by e-mail."""
    transfer = _lock(transfer)
    status = TransferStatus.ACCEPTED if accept else TransferStatus.REFUSED
    _move(transfer, status)
    transfer.status, transfer.answer = status, (answer or "").strip()
    transfer.decided_by, transfer.decided_at = by, timezone.now()
    transfer.save(update_fields=["status", "answer", "decided_by", "decided_at"])
    _notify(transfer, "transfer_decided", [transfer.requester], asker=True)
    return transfer


@transaction.atomic
def transfer_record_held(*, transfer: Transfer, held_on, format: str, outcome: str,
                         by) -> Transfer:
    """Record an accepted transfer as held: its date, its format and what came out of it.
    Both territories' facilitators are told."""
    transfer = _lock(transfer)
    _move(transfer, TransferStatus.HELD)
    if held_on is None:
        raise DomainError(_("Indiquez la date du transfert."), code="held_on_required",
                          field="held_on")
    if held_on > timezone.localdate():
        raise DomainError(_("Un transfert réalisé a une date passée ou d'aujourd'hui."),
                          code="held_on_future", field="held_on")
    if format not in Transfer.Format.values:
        raise DomainError(_("Choisissez un format : visite, atelier, mentorat ou documents."),
                          code="invalid_format", field="format")
    transfer.outcome = _required(outcome, _("Dites ce qui est sorti du transfert."), "outcome")
    transfer.status, transfer.held_on, transfer.format = TransferStatus.HELD, held_on, format
    transfer.save(update_fields=["status", "held_on", "format", "outcome"])
    _notify(transfer, "transfer_held", [transfer.requester, transfer.provider])
    return transfer


def _facilitator_emails(clusters):
    """Return the addresses of the active facilitators of the clusters' collectives."""
    return set(User.objects.filter(
        is_active=True, memberships__role=Membership.Role.FACILITATOR,
        memberships__collective__in=[cluster.collective_id for cluster in clusters],
    ).values_list("email", flat=True))


def _notify(transfer, template, clusters, *, asker=False):
    """Queue one e-mail per facilitator of the clusters' collectives, after the commit."""
    emails = _facilitator_emails(clusters)
    if asker and transfer.asked_by is not None and transfer.asked_by.is_active:
        emails.add(transfer.asked_by.email)
    queue_emails(template, {"transfer": transfer,
                            "link": absolute_reverse("transfer_detail", transfer.pk)}, emails)


# Masterclasses ------------------------------------------------------------------------------

@transaction.atomic
def masterclass_join(*, masterclass, user) -> None:
    """Add a member of any collective to a national masterclass."""
    if not Membership.objects.filter(user=user).exists():
        raise DomainError(_("Les masterclasses sont ouvertes aux membres des collectifs du "
                            "réseau : rejoignez d'abord un collectif."), code="not_a_member")
    if masterclass.starts_at <= timezone.now():
        raise DomainError(_("Cette masterclass a déjà commencé."), code="started", status=409)
    masterclass.participants.add(user)


@transaction.atomic
def masterclass_leave(*, masterclass, user) -> None:
    masterclass.participants.remove(user)


# Regulatory blockers ------------------------------------------------------------------------

@transaction.atomic
def blocker_raise(*, cluster: Cluster, challenge, rule: str, text: str, by) -> Blocker:
    """Raise a regulatory blocker to the national team: the rule concerned and the défi of
    the cluster it holds back."""
    rule = _required(rule, _("Indiquez la règle concernée : le texte, l'article ou la "
                             "procédure qui bloque."), "rule")
    text = _required(text, _("Décrivez le frein et ce qu'il empêche."), "text")
    if challenge is None or challenge.cluster_id != cluster.pk:
        raise DomainError(_("Choisissez le défi du cluster que ce frein retient."),
                          code="challenge_required", field="challenge")
    blocker = Blocker.objects.create(cluster=cluster, challenge=challenge, rule=rule,
                                     text=text, raised_by=by)
    # The national team: every active staff person.
    queue_emails("blocker_raised", {
        "blocker": blocker, "territory": cluster.territory,
        "link": absolute_reverse("national_blocker_track", blocker.pk),
    }, User.objects.filter(is_active=True, is_staff=True).values_list("email", flat=True))
    return blocker


@transaction.atomic
def blocker_track(*, blocker: Blocker, status: str, sponsor: str = "",
                  public_summary: str = "") -> Blocker:
    """Move a blocker on (the national team): sponsored needs the senior civil servant's
    name, lifted a public summary. The cluster's facilitators are told by e-mail."""
    blocker = Blocker.objects.select_for_update(of=("self",)).select_related(
        "cluster__territory", "challenge").get(pk=blocker.pk)
    if status not in BLOCKER_TRANSITIONS[blocker.status]:
        raise DomainError(
            _("Ce frein est %(status)s : il ne peut pas passer à cet état.")
            % {"status": blocker.get_status_display()}, code="wrong_status", status=409,
            field="status")
    sponsor, public_summary = (sponsor or "").strip(), (public_summary or "").strip()
    if status == BlockerStatus.SPONSORED and not sponsor:
        raise DomainError(_("Indiquez le haut-fonctionnaire qui parraine la levée du frein."),
                          code="sponsor_required", field="sponsor")
    if status == BlockerStatus.LIFTED:
        if not public_summary:
            raise DomainError(_("Rédigez le résumé public : il paraît dans la liste des freins "
                                "levés."), code="summary_required", field="public_summary")
        blocker.lifted_on = timezone.localdate()
    blocker.status = status
    blocker.sponsor = sponsor or blocker.sponsor
    blocker.public_summary = public_summary or blocker.public_summary
    blocker.save()
    queue_emails("blocker_tracked", {
        "blocker": blocker, "territory": blocker.cluster.territory,
        "link": absolute_reverse("cluster_network", blocker.cluster_id),
    }, _facilitator_emails([blocker.cluster]))
    return blocker

