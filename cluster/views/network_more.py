"""Pages of the network: regulatory blockers (raised by a cluster, tracked by the national
team, public once lifted), national masterclasses, company networks."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cluster.breadcrumbs import cluster_trail
from cluster.models import Blocker, CompanyNetwork, Engagement, Masterclass
from cluster.network_forms import BlockerForm, BlockerTrackForm
from cluster.network_permissions import (
    blocker_access,
    company_network_access,
    lifted_blockers,
    masterclass_access,
    visible_blockers,
)
from cluster.permissions import cluster_access
from cluster.services.network import (
    BLOCKER_TRANSITIONS,
    blocker_raise,
    blocker_track,
    masterclass_join,
    masterclass_leave,
)
from territories.breadcrumbs import trail
from territories.pages import form_page, run_action
from territories.permissions import national_access

PAGE_SIZE = 20


# Regulatory blockers ------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def blocker_create(request, pk):
    """A facilitator raises a regulatory blocker to the national team."""
    access = cluster_access(request.user, pk).require("raise_blocker")
    cluster = access.cluster
    form = BlockerForm(request.POST or None, cluster=cluster)
    back = reverse("cluster_network", args=[cluster.pk])
    return form_page(
        request, form,
        action=lambda data: blocker_raise(cluster=cluster, by=request.user, **data),
        success=_("Le frein est remonté à l'équipe nationale, qui vous tiendra au courant."),
        next=back, template="cluster/network/form.html", context={
            "breadcrumbs": cluster_trail(cluster, (_("Réseau"), back),
                                         _("Remonter un frein réglementaire")),
            "title": _("Remonter un frein réglementaire"), "form": form,
            "intro": _("Une règle empêche un défi d'avancer ? Dites laquelle : l'équipe "
                       "nationale l'instruit et cherche un haut-fonctionnaire pour la lever."),
            "cancel_url": back})


@require_GET
def lifted_blocker_list(request):
    """The blockers lifted, with their public summary: public."""
    blockers = lifted_blockers().select_related("cluster__territory", "challenge").order_by(
        "-lifted_on", "-pk")
    return render(request, "cluster/network/lifted_blocker_list.html", {
        "breadcrumbs": trail(_("Freins réglementaires levés")),
        "page": Paginator(blockers, PAGE_SIZE).get_page(request.GET.get("page")),
    })


@login_required
@require_GET
def national_blocker_list(request):
    """Every blocker raised, to track: the national team's back office."""
    national_access(request.user).require("coordinate")
    blockers = visible_blockers(request.user).select_related(
        "cluster__territory", "challenge").order_by("-raised_at", "-pk")
    shown = request.GET.get("etat", "")
    if shown in Blocker.Status.values:
        blockers = blockers.filter(status=shown)
    return render(request, "cluster/national/blocker_list.html", {
        "page": Paginator(blockers, PAGE_SIZE).get_page(request.GET.get("page")),
        "section": "blockers", "shown": shown, "statuses": Blocker.Status.choices,
        "query": f"etat={shown}" if shown in Blocker.Status.values else "",
    })


@login_required
@require_http_methods(["GET", "POST"])
def national_blocker_track(request, pk):
    """Move a blocker on: examined, sponsored by a senior civil servant, lifted, dropped."""
    national_access(request.user).require("coordinate")
    blocker = blocker_access(request.user, pk).require("track").blocker
    form = BlockerTrackForm(request.POST or None, initial={
        "sponsor": blocker.sponsor, "public_summary": blocker.public_summary})
    allowed = BLOCKER_TRANSITIONS[blocker.status]
    form.fields["status"].choices = [choice for choice in Blocker.Status.choices
                                     if choice[0] in allowed]
    return form_page(
        request, form, action=lambda data: blocker_track(blocker=blocker, **data),
        success=_("L'état du frein est enregistré."),
        next=reverse("national_blocker_list"),
        template="cluster/national/blocker_track.html", context={
            "blocker": blocker, "form": form, "section": "blockers", "closed": not allowed})


# National masterclasses ---------------------------------------------------------------------

@require_GET
def masterclass_list(request):
    """The network's masterclasses, next ones first; any member of a collective joins."""
    masterclasses = Masterclass.objects.select_related("theme").annotate(
        participant_count=Count("participants"))
    if request.user.is_authenticated:
        masterclasses = masterclasses.annotate(joined=Exists(
            Masterclass.participants.through.objects.filter(
                masterclass=OuterRef("pk"), user=request.user)))
    now = timezone.now()
    return render(request, "cluster/network/masterclass_list.html", {
        "breadcrumbs": trail(_("Masterclasses nationales")),
        "page": Paginator(masterclasses.filter(starts_at__gt=now).order_by("starts_at", "pk"),
                          PAGE_SIZE).get_page(request.GET.get("page")),
        "past": masterclasses.filter(starts_at__lte=now).order_by("-starts_at", "pk")[:5],
        "can_organise": masterclass_access(request.user).can_organise,
    })


@login_required
@require_POST
def masterclass_join_view(request, pk):
    masterclass_access(request.user).require("join")
    masterclass = get_object_or_404(Masterclass, pk=pk)
    if request.POST.get("leave") == "1":
        run_action(request, lambda: masterclass_leave(masterclass=masterclass,
                                                      user=request.user),
                   success=_("Vous êtes désinscrit·e de « %(title)s ».")
                   % {"title": masterclass.title})
    else:
        run_action(request, lambda: masterclass_join(masterclass=masterclass,
                                                     user=request.user),
                   success=_("Vous êtes inscrit·e à « %(title)s ».")
                   % {"title": masterclass.title})
    return redirect("masterclass_list")


# Company networks ---------------------------------------------------------------------------

@require_GET
def company_network_list(request):
    """The national company networks, with how many engaged companies of published
    territories take part, by form of collaboration (counts only: names stay the
    collectives')."""
    networks = CompanyNetwork.objects.annotate(
        territory_count=Count("engagements__cluster__territory", distinct=True,
                              filter=Q(engagements__cluster__territory__is_published=True)),
    ).order_by("name", "pk")
    page = Paginator(networks, PAGE_SIZE).get_page(request.GET.get("page"))
    counts = {}
    kinds = dict(Engagement.Kind.choices)
    for row in Engagement.objects.filter(
            network__in=[network.pk for network in page.object_list],
            cluster__territory__is_published=True).values("network", "kind").annotate(
            count=Count("pk")).order_by("network", "kind"):
        counts.setdefault(row["network"], []).append(
            {"label": kinds.get(row["kind"], row["kind"]), "count": row["count"]})
    for network in page.object_list:
        network.by_kind = counts.get(network.pk, [])
    return render(request, "cluster/network/company_network_list.html", {
        "breadcrumbs": trail(_("Réseaux d'entreprises")), "page": page,
        "can_manage": company_network_access(request.user).can_manage,
    })

