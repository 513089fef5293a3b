"""Pages of the network between territories: savoir-faire and besoins, peer suggestions,
transfers of expertise. Blockers, masterclasses and company networks: network_more.py."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from cluster.breadcrumbs import cluster_trail
from cluster.models import Blocker, Cluster, KnowHow, Transfer
from cluster.network_forms import (
    KnowHowForm,
    TransferAnswerForm,
    TransferAskForm,
    TransferHeldForm,
)
from cluster.network_permissions import (
    know_how_access,
    transfer_access,
    visible_know_how,
    visible_transfers,
)
from cluster.peers import suggest_peers
from cluster.permissions import cluster_access, visible_clusters
from cluster.services.network import (
    know_how_add,
    know_how_delete,
    transfer_ask,
    transfer_decide,
    transfer_record_held,
)
from territories.breadcrumbs import territory_trail, trail
from territories.pages import confirm_page, form_page
from territories.permissions import territory_access

PAGE_SIZE = 20
TRANSFER_RELATIONS = ("requester__territory", "provider__territory", "theme")


def _network_trail(cluster, *crumbs):
    if not crumbs:
        return cluster_trail(cluster, _("Réseau"))
    return cluster_trail(cluster, (_("Réseau"), reverse("cluster_network", args=[cluster.pk])),
                         *crumbs)


def _transfers_page(request, transfers):
    transfers = transfers.select_related(*TRANSFER_RELATIONS).order_by("-asked_at", "-pk")
    return Paginator(transfers, PAGE_SIZE).get_page(request.GET.get("page"))


@require_GET
def territory_network(request, slug):
    """A territory's place in the network, public once the territory is: what its clusters
    share and need, its transfers, the blockers lifted for it."""
    territory = territory_access(request.user, slug).territory
    clusters = list(territory.clusters.all())
    # The clusters whose own network page the person reads (members, staff).
    readable = set(visible_clusters(request.user).filter(territory=territory)
                   .values_list("pk", flat=True))
    know_how = visible_know_how(request.user).filter(cluster__territory=territory) \
        .select_related("theme").order_by("kind", "theme__name", "pk")
    return render(request, "cluster/network/territory_network.html", {
        "breadcrumbs": territory_trail(territory, _("Réseau")),
        "territory": territory,
        "readable": [cluster for cluster in clusters if cluster.pk in readable],
        "offers": [row for row in know_how if row.kind == KnowHow.Kind.OFFER],
        "needs": [row for row in know_how if row.kind == KnowHow.Kind.NEED],
        "page": _transfers_page(request, visible_transfers(request.user).filter(
            Q(requester__territory=territory) | Q(provider__territory=territory))),
        "lifted": Blocker.objects.filter(cluster__territory=territory,
                                         status=Blocker.Status.LIFTED)
        .select_related("challenge").order_by("-lifted_on", "-pk")[:PAGE_SIZE],
    })


@login_required
@require_GET
def cluster_network(request, pk):
    """The cluster's network page: its savoir-faire and besoins, suggested peers, its
    transfers and blockers."""
    access = cluster_access(request.user, pk)
    cluster = access.cluster
    return render(request, "cluster/network/cluster_network.html", {
        "breadcrumbs": _network_trail(cluster),
        "cluster": cluster, "access": access,
        "know_how": cluster.know_how.select_related("theme").order_by("kind", "theme__name",
                                                                       "pk"),
        "peers": suggest_peers(cluster),
        "page": _transfers_page(request, Transfer.objects.filter(
            Q(requester=cluster) | Q(provider=cluster))),
        "blockers": cluster.blockers.select_related("challenge").order_by("-raised_at",
                                                                          "-pk")[:PAGE_SIZE],
    })


@login_required
@require_http_methods(["GET", "POST"])
def know_how_create(request, pk):
    access = know_how_access(request.user, pk)[0].require("share")
    cluster = access.cluster
    form = KnowHowForm(request.POST or None, initial={"kind": request.GET.get("nature")})
    return form_page(
        request, form, action=lambda data: know_how_add(cluster=cluster, **data),
        success=_("C'est noté : les territoires pairs le verront sur la page réseau."),
        next=reverse("cluster_network", args=[cluster.pk]),
        template="cluster/network/form.html", context={
            "breadcrumbs": _network_trail(cluster, _("Savoir-faire ou besoin")),
            "title": _("Ajouter un savoir-faire ou un besoin"), "form": form,
            "cancel_url": reverse("cluster_network", args=[cluster.pk])})


@login_required
@require_http_methods(["GET", "POST"])
def know_how_delete_view(request, pk, item_pk):
    access, item = know_how_access(request.user, pk, item_pk)
    access.require("share")
    cluster = access.cluster
    return confirm_page(
        request, action=lambda: know_how_delete(item=item),
        success=_("La ligne est retirée."), next=reverse("cluster_network", args=[cluster.pk]),
        template="confirm.html", context={
            "breadcrumbs": _network_trail(cluster, _("Retirer")), "cluster": cluster,
            "question": _("Retirer « %(text)s » ?") % {"text": item.text},
            "text": _("Cette ligne (%(kind)s, %(theme)s) ne sera plus proposée aux territoires "
                      "pairs. Les transferts déjà demandés restent.")
            % {"kind": item.get_kind_display(), "theme": item.theme.name},
            "button": _("Retirer"),
            "cancel_url": reverse("cluster_network", args=[cluster.pk])})


@login_required
@require_http_methods(["GET", "POST"])
def transfer_create(request, pk):
    """A facilitator asks a peer territory for a transfer of expertise."""
    access = cluster_access(request.user, pk).require("steer")
    cluster = access.cluster
    peers = Cluster.objects.filter(territory__is_published=True).exclude(
        territory_id=cluster.territory_id).select_related("territory").order_by(
        "territory__name", "pk")
    initial = {"provider": request.GET.get("pair")} if str(
        request.GET.get("pair", "")).isdigit() else {}
    form = TransferAskForm(request.POST or None, peers=peers, initial=initial)
    return form_page(
        request, form,
        action=lambda data: transfer_ask(requester=cluster, by=request.user, **data),
        success=_("Votre demande est envoyée aux animateur·rices du territoire pair."),
        next=lambda transfer: reverse("transfer_detail", args=[transfer.pk]),
        template="cluster/network/form.html", context={
            "breadcrumbs": _network_trail(cluster, _("Demander un transfert")),
            "title": _("Demander un transfert d'expertise"), "form": form,
            "cancel_url": reverse("cluster_network", args=[cluster.pk])})


@require_GET
def transfer_list(request):
    """The transfers the person reads: all of their collectives', and the accepted or held
    ones between published territories."""
    return render(request, "cluster/network/transfer_list.html", {
        "breadcrumbs": trail(_("Transferts d'expertise")),
        "page": _transfers_page(request, visible_transfers(request.user)),
    })


@require_GET
def transfer_detail(request, pk):
    access = transfer_access(request.user, pk)
    return render(request, "cluster/network/transfer_detail.html", {
        "breadcrumbs": trail((_("Transferts d'expertise"), reverse("transfer_list")),
                             str(access.transfer)),
        "transfer": access.transfer, "access": access,
        "can_answer": access.can_decide and access.transfer.status == Transfer.Status.ASKED,
        "can_hold": access.can_record and access.transfer.status == Transfer.Status.ACCEPTED,
    })


@login_required
@require_http_methods(["GET", "POST"])
def transfer_answer(request, pk, accept):
    """Accept or refuse an asked transfer: a page that says what follows, with an answer."""
    access = transfer_access(request.user, pk).require("decide")
    transfer = access.transfer
    form = TransferAnswerForm(request.POST or None)
    detail = reverse("transfer_detail", args=[transfer.pk])
    return form_page(
        request, form,
        action=lambda data: transfer_decide(transfer=transfer, accept=accept, by=request.user,
                                            **data),
        success=_("Le transfert est accepté.") if accept else _("Le transfert est refusé."),
        next=detail, template="confirm.html", context={
            "breadcrumbs": trail((_("Transferts d'expertise"), reverse("transfer_list")),
                                 (str(transfer), detail),
                                 _("Accepter") if accept else _("Refuser")),
            "question": (_("Accepter de partager votre expertise avec %(territory)s ?")
                         if accept else _("Refuser la demande de %(territory)s ?"))
            % {"territory": transfer.requester.territory.name},
            "text": _("Les animateur·rices du territoire demandeur reçoivent votre réponse par "
                      "e-mail. Ce choix est définitif."),
            "form": form, "button": _("Accepter") if accept else _("Refuser"),
            "danger": not accept, "cancel_url": detail})


@login_required
@require_http_methods(["GET", "POST"])
def transfer_held(request, pk):
    """Record an accepted transfer as held: its date, format and outcome."""
    access = transfer_access(request.user, pk).require("record")
    transfer = access.transfer
    form = TransferHeldForm(request.POST or None, initial={"format": transfer.format})
    detail = reverse("transfer_detail", args=[transfer.pk])
    return form_page(
        request, form,
        action=lambda data: transfer_record_held(transfer=transfer, by=request.user, **data),
        success=_("Le transfert est enregistré comme réalisé."), next=detail,
        template="cluster/network/form.html", context={
            "breadcrumbs": trail((_("Transferts d'expertise"), reverse("transfer_list")),
                                 (str(transfer), detail), _("Réalisé")),
            "title": _("Le transfert a eu lieu"), "form": form, "cancel_url": detail})
