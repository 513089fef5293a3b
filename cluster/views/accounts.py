"""Pages of the accounts: home, profile, API tokens, calendar link and password reset;
the 404 and 500 shared with the API."""

import math
import sys

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import InterfaceError, OperationalError
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import defaults
from django.views.decorators.http import require_http_methods, require_POST

from cluster.client_ip import client_ip
from cluster.credentials import calendar_link_for, calendar_link_renew
from cluster.errors import DomainError
from cluster.forms import ApiTokenCreateForm, PasswordResetForm, ProfileForm
from cluster.middleware import service_unavailable
from cluster.models import Collective
from cluster.permissions import get_api_token_for
from cluster.ratelimit import KeyedRateThrottle, within_rates
from cluster.selectors import funder_memberships_of, memberships_of
from cluster.services import api_token_create, api_token_revoke
from territories.models import Territory
from territories.national_map import network_overview


def page_not_found(request, exception):
    """404 as JSON under /api/ (the API's one error shape), as a French page elsewhere."""
    if request.path_info.startswith("/api/"):
        return JsonResponse({"detail": _("Non trouvé."), "code": "not_found"}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    """Django's 500 page, or the 503 when the database was lost outside a view (e.g. while
    a middleware saved the session), as DatabaseUnavailableMiddleware answers in views."""
    if isinstance(sys.exc_info()[1], (OperationalError, InterfaceError)):
        return service_unavailable(request)
    return defaults.server_error(request)


def home(request):
    context = {"collective_count": Collective.objects.count(),
               "territory_count": Territory.objects.filter(is_published=True).count(),
               "network": network_overview(),
               "signup_open": settings.SIGNUP_OPEN}
    if request.user.is_authenticated:
        context["memberships"] = memberships_of(request.user)
        context["funder_memberships"] = funder_memberships_of(request.user)
    return render(request, "cluster/home.html", context)


def _profile_context(user, **extra):
    return {
        "memberships": memberships_of(user),
        "funder_memberships": funder_memberships_of(user),
        "tokens": user.auth_token_set.select_related(
            "api_scope__collective", "api_scope__funder").order_by("-created"),
        "token_form": ApiTokenCreateForm(user=user),
        "calendar_link": calendar_link_for(user),
        **extra,
    }


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    if request.method == "POST":
        form = ProfileForm(request.POST, instance=request.user)
        if form.is_valid():
            form.save()
            messages.success(request, _("Votre profil est enregistré."))
            return redirect("profile")
    else:
        form = ProfileForm(instance=request.user)
    return render(request, "cluster/profile.html", _profile_context(request.user, form=form))


@login_required
@require_POST
def api_token_create_view(request):
    token_form = ApiTokenCreateForm(request.POST, user=request.user)
    context = _profile_context(request.user, form=ProfileForm(instance=request.user))
    if token_form.is_valid():
        try:
            data = token_form.cleaned_data
            token, secret = api_token_create(
                user=request.user, lifetime_days=data["lifetime_days"], label=data["label"],
                read_only=data["read_only"], collective=data["collective"],
                funder=data["funder"])
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("profile")
        # Rendered, not redirected: the secret is never stored and is shown this once.
        context.update(new_token=token, new_secret=secret)
        return render(request, "cluster/profile.html", context)
    context["token_form"] = token_form
    return render(request, "cluster/profile.html", context, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def api_token_revoke_view(request, digest):
    token = get_api_token_for(request.user, digest)
    if request.method == "POST":
        api_token_revoke(token=token)
        messages.success(
            request, _("Le jeton %(key)s… est révoqué.") % {"key": token.token_key}
        )
        return redirect("profile")
    return render(request, "cluster/api_token_revoke.html", {"token": token})


@login_required
@require_http_methods(["GET", "POST"])
def calendar_link_renew_view(request):
    """Renew the person's calendar links after a confirmation: the old ones stop at once."""
    if request.method == "POST":
        calendar_link_renew(user=request.user)
        messages.success(request, _("Nouveau lien d'agenda créé : les anciens liens ne "
                                    "fonctionnent plus. Copiez le nouveau depuis le tableau "
                                    "de bord de chaque cluster dans votre agenda."))
        return redirect("profile")
    return render(request, "cluster/calendar_link_renew.html")


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset request, limited per e-mail address and per client address.

    The limit answers the same whether the address has an account or not.
    """

    form_class = PasswordResetForm

    def form_valid(self, form):
        wait = within_rates(self.request, [
            KeyedRateThrottle(scope="password_reset_ip", rate=settings.PASSWORD_RESET_IP_RATE,
                              ident=client_ip(self.request)),
            KeyedRateThrottle(scope="password_reset_email", rate=settings.PASSWORD_RESET_RATE,
                              ident=form.cleaned_data["email"].strip().lower()),
        ])
        if wait is None:
            return super().form_valid(form)
        minutes = max(1, math.ceil(wait / 60))
        form.add_error(None, ngettext(
            "Trop de demandes de nouveau mot de passe : réessayez dans %(minutes)s minute.",
            "Trop de demandes de nouveau mot de passe : réessayez dans %(minutes)s minutes.",
            minutes) % {"minutes": minutes})
        return self.render_to_response(self.get_context_data(form=form), status=429)
