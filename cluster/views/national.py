"""The national back office, for the national team (staff) outside the Django admin:
territories to publish and their stewards, collectives and their facilitators. Funders and
their reviewers live in funding (funding.views.funders)."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cluster.history import Change, HistoryEntry, name_authors
from cluster.models import Collective, Membership
from territories.models import Territory
from territories.pages import run_action
from territories.permissions import national_access
from territories.selectors import publication_changes
from territories.services import territory_set_published

PAGE_SIZE = 30
HISTORY_LIMIT = 20
# The list's filter on publication: its query value and the territories it keeps.
PUBLICATION_FILTERS = {"publies": True, "brouillons": False}


@login_required
@require_GET
def territory_list(request):
    """Every territory: published or not, its steward collective, its label."""
    national_access(request.user).require("coordinate")
    territories = Territory.objects.select_related(
        "stewardship__collective", "label").order_by("name", "pk")
    shown = request.GET.get("publication", "")
    if shown in PUBLICATION_FILTERS:
        territories = territories.filter(is_published=PUBLICATION_FILTERS[shown])
    page = Paginator(territories, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "cluster/national/territory_list.html", {
        "page": page, "section": "territories", "shown": shown,
        "history": publication_history(viewer=request.user),
        "query": f"publication={shown}" if shown in PUBLICATION_FILTERS else "",
    })


@login_required
@require_POST
def territory_publication(request, slug):
    """Publish a territory or take it back to draft, then come back to the list."""
    national_access(request.user).require("coordinate")
    territory = get_object_or_404(Territory, slug=slug)
    published = request.POST.get("published") == "1"
    run_action(request, lambda: territory_set_published(territory=territory,
                                                        published=published,
                                                        by=request.user),
               success=(_("%(name)s est publié.") if published
                        else _("%(name)s n'est plus publié.")) % {"name": territory.name})
    return redirect(request.POST.get("back") if _is_list_url(request.POST.get("back"))
                    else "national_territory_list")


def publication_history(*, viewer, limit=HISTORY_LIMIT):
    """Return the latest publications and withdrawals of territories, as history entries."""
    entries = []
    for record in publication_changes(limit=limit):
        published = record.is_published
        entries.append(HistoryEntry(
            date=record.history_date, user=record.history_user, kind="~",
            changes=[Change(label=record.name,
                            old=_("publié") if not published else _("brouillon"),
                            new=_("publié") if published else _("brouillon"))]))
    return name_authors(entries, viewer=viewer)


def _is_list_url(url):
    # Only the list itself, with its page and filter, is a place to come back to.
    return bool(url) and url.startswith("/gestion/territoires/") and "//" not in url


@login_required
@require_GET
def collective_list(request):
    """Every collective, its facilitators and the territories it stewards (read only)."""
    national_access(request.user).require("coordinate")
    collectives = Collective.objects.prefetch_related(
        Prefetch("memberships", to_attr="facilitators",
                 queryset=Membership.objects.filter(role=Membership.Role.FACILITATOR)
                 .select_related("user").order_by("user__last_name", "user__email")),
        "stewardships__territory",
    ).order_by("name", "pk")
    page = Paginator(collectives, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "cluster/national/collective_list.html", {
        "page": page, "section": "collectives"})
