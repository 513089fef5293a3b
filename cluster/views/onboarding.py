"""The first-run path: choose to start a cluster or to join a collective; the facilitators'
answers to join requests; closing one's account."""

from allauth.account import views as allauth_views
from allauth.account.models import EmailAddress
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cluster.errors import DomainError
from cluster.join_models import JoinRequest
from cluster.models import Collective
from cluster.onboarding import (
    account_delete,
    collectives_blocking_deletion,
    join_request_decide,
    join_request_send,
)
from cluster.onboarding_forms import NEW_TERRITORY_FIELDS, FirstClusterForm, JoinRequestForm
from cluster.permissions import collective_access, collectives_for_new_cluster, person_access
from cluster.selectors import memberships_of
from cluster.views.roadmap import cluster_start_page
from territories.models import Territory
from territories.permissions import visible_territories
from territories.selectors import perimeter_search

SEARCH_LIMIT = 30


@login_required
def onboarding(request):
    """The two ways in: start a cluster on one's territory, or join a collective."""
    person_access(request.user).require("join_collective")
    return render(request, "cluster/onboarding.html", {
        "memberships": memberships_of(request.user),
        "pending": request.user.join_requests.filter(
            status=JoinRequest.Status.PENDING).select_related("collective")})


def _territories(user, query):
    territories = visible_territories(user)
    if query:
        territories = territories.filter(
            Q(name__icontains=query) | Q(communes__name__icontains=query)
            | Q(communes__code=query) | Q(communes__epci__code=query)
            | Q(communes__epci__name__icontains=query)).distinct()
    return territories


@login_required
@require_http_methods(["GET", "POST"])
def onboarding_start(request):
    """Name the collective, find the territory or create it from its official codes, start
    the cluster and its seven steps."""
    person_access(request.user).require("found_collective")
    query = request.GET.get("q", "").strip()[:100]
    territories = _territories(request.user, query)
    form = FirstClusterForm(request.POST or None,
                            collectives=collectives_for_new_cluster(request.user),
                            territories=territories if request.method == "GET"
                            else visible_territories(request.user),
                            initial={"start_date": timezone.localdate()})
    territory_count = len(form.fields["territory"].queryset[:SEARCH_LIMIT + 1])
    # Nothing found: the territory is created here, its EPCI suggested from the query.
    suggestions = (perimeter_search(level=Territory.PerimeterLevel.EPCI, query=query, limit=5)
                   if len(query) >= 2 and not territory_count else [])
    return cluster_start_page(
        request, form, arguments=lambda _data: form.launch_arguments(),
        template="cluster/onboarding_start.html",
        context={"form": form, "query": query, "territory_count": territory_count,
                 "suggestions": suggestions, "creating": bool(
                     request.method == "POST" and form.data.get("perimeter_codes")
                     or query and not territory_count),
                 "new_territory_fields": [form[name] for name in NEW_TERRITORY_FIELDS]})


@login_required
def collective_search(request):
    """Find a collective by its name or its territory, and ask to join it."""
    person_access(request.user).require("join_collective")
    query = request.GET.get("q", "").strip()[:100]
    collectives = Collective.objects.none()
    if len(query) >= 2:
        collectives = Collective.objects.filter(
            Q(name__icontains=query) | Q(clusters__territory__name__icontains=query)
        ).distinct().order_by("name")[:SEARCH_LIMIT]
    mine = set(request.user.memberships.values_list("collective_id", flat=True))
    asked = set(request.user.join_requests.filter(
        status=JoinRequest.Status.PENDING).values_list("collective_id", flat=True))
    return render(request, "cluster/collective_search.html", {
        "query": query, "collectives": collectives, "mine": mine, "asked": asked,
        "form": JoinRequestForm()})


@login_required
@require_POST
def join_request_create(request, slug):
    person_access(request.user).require("join_collective")
    collective = get_object_or_404(Collective, slug=slug)
    form = JoinRequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Le message est trop long."))
        return redirect("collective_search")
    try:
        join_request_send(collective=collective, by=request.user,
                          message=form.cleaned_data["message"])
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Votre demande est envoyée aux animateur·rices de "
                                    "« %(name)s ». Vous recevrez leur réponse par e-mail.")
                         % {"name": collective.name})
    return redirect("onboarding")


@login_required
@require_http_methods(["GET", "POST"])
def join_request_list(request, slug):
    """The collective's pending requests; its facilitators accept or refuse them."""
    collective = collective_access(request.user, slug).require("manage").collective
    if request.method == "POST":
        join_request = get_object_or_404(JoinRequest, pk=request.POST.get("request", 0),
                                         collective=collective)
        accept = request.POST.get("decision") == "accept"
        try:
            join_request_decide(join_request=join_request, accept=accept, by=request.user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("%(person)s est maintenant membre du collectif.")
                             % {"person": join_request.user} if accept
                             else _("La demande est refusée ; la personne en est informée."))
        return redirect("join_request_list", slug=collective.slug)
    return render(request, "cluster/join_request_list.html", {
        "collective": collective,
        "requests": collective.join_requests.filter(
            status=JoinRequest.Status.PENDING).select_related("user")})


@login_required
@require_http_methods(["GET", "POST"])
def account_delete_view(request):
    """Confirm, then close the account; the collective's history keeps an anonymous author."""
    blocking = collectives_blocking_deletion(request.user)
    if request.method == "POST":
        try:
            account_delete(user=request.user)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("account_delete")
        logout(request)
        messages.success(request, _("Votre compte est supprimé. Merci d'avoir contribué."))
        return redirect("home")
    return render(request, "cluster/account_delete.html", {"blocking": blocking})


@login_required
def email_change(request):
    """allauth's e-mail change page. An account made by staff or by an invitation has no
    address record yet: its address reached the person, so it is recorded as confirmed
    first (else allauth would take it for the pending new one and drop it)."""
    user = request.user
    if not EmailAddress.objects.filter(user=user).exists():
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return allauth_views.email(request)


def confirm_email(request, key):
    """allauth's confirmation page; a confirmation sent with an expired or used link gets
    the page that says so, as opening that link does, rather than the bare 404."""
    try:
        return allauth_views.confirm_email(request, key=key)
    except Http404:
        return render(request, "account/email_confirm.html", {"confirmation": None},
                      status=404)
