"""Pages of the accounts: home, profile and API tokens; the 404 and 500 shared with the API."""

import sys

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import InterfaceError, OperationalError
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.http import require_http_methods, require_POST

from cluster.errors import DomainError
from cluster.forms import ApiTokenCreateForm, ProfileForm
from cluster.middleware import service_unavailable
from cluster.models import Collective
from cluster.permissions import get_api_token_for
from cluster.selectors import funder_memberships_of, memberships_of
from cluster.services import api_token_create, api_token_revoke


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
    context = {"collective_count": Collective.objects.count()}
    if request.user.is_authenticated:
        context["memberships"] = memberships_of(request.user)
        context["funder_memberships"] = funder_memberships_of(request.user)
    return render(request, "cluster/home.html", context)


def _profile_context(user, **extra):
    return {
        "memberships": memberships_of(user),
        "funder_memberships": funder_memberships_of(user),
        "tokens": user.auth_token_set.order_by("-created"),
        "token_form": ApiTokenCreateForm(),
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
    token_form = ApiTokenCreateForm(request.POST)
    context = _profile_context(request.user, form=ProfileForm(instance=request.user))
    if token_form.is_valid():
        try:
            token, secret = api_token_create(
                user=request.user, lifetime_days=token_form.cleaned_data["lifetime_days"]
            )
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
