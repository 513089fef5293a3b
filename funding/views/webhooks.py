"""A funder's page for its reviewers and staff: its webhooks and their delivery log.

A webhook's secret is shown once, on the page the person lands on after creating the
webhook or regenerating the secret; it is never shown again.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from funding.forms import WebhookEndpointForm
from funding.models import WebhookDelivery
from funding.permissions import FunderRight, funder_access
from funding.webhook_services import (
    webhook_delivery_resend,
    webhook_endpoint_create,
    webhook_endpoint_delete,
    webhook_endpoint_update,
    webhook_secret_regenerate,
)
from territories.pages import form_page

PAGE_SIZE = 20
# Where the secret waits, in the session, for the one page that shows it.
SHOWN_ONCE_KEY = "webhook_secret"


def _show_secret_once(request, endpoint):
    request.session[SHOWN_ONCE_KEY] = {"endpoint": endpoint.pk, "secret": endpoint.secret}


@login_required
@require_GET
def funder_detail(request, slug):
    """The funder's webhooks, and the log of their deliveries, newest first."""
    access = funder_access(request.user, slug)
    access.require(FunderRight.MANAGE_WEBHOOKS)
    funder = access.funder
    endpoints = list(funder.webhook_endpoints.order_by("pk"))
    deliveries = WebhookDelivery.objects.filter(endpoint__funder=funder).select_related(
        "endpoint").order_by("-created_at", "-pk")
    page = Paginator(deliveries, PAGE_SIZE).get_page(request.GET.get("page"))
    shown = request.session.pop(SHOWN_ONCE_KEY, None) or {}
    for endpoint in endpoints:
        endpoint.new_secret = shown.get("secret") if shown.get("endpoint") == endpoint.pk \
            else None
    return render(request, "funding/funder_detail.html", {
        "funder": funder, "endpoints": endpoints, "page": page,
        "can_manage_calls": access.can_manage_calls,
    })


def _endpoint_form(request, funder, endpoint=None):
    initial = ({"url": endpoint.url, "events": endpoint.events,
                "is_active": endpoint.is_active} if endpoint else {"is_active": True})
    form = WebhookEndpointForm(request.POST or None, initial=initial)

    def save(data):
        if endpoint is None:
            created = webhook_endpoint_create(funder=funder, url=data["url"],
                                              events=data["events"],
                                              is_active=data["is_active"], by=request.user)
            _show_secret_once(request, created)
            return created
        return webhook_endpoint_update(endpoint=endpoint, url=data["url"],
                                       events=data["events"], is_active=data["is_active"])

    return form_page(
        request, form, action=save,
        success=_("Le webhook est enregistré.") if endpoint else _(
            "Le webhook est enregistré. Copiez son secret : il ne sera plus affiché."),
        next=reverse("funding:funder_detail", args=[funder.slug]),
        template="funding/webhook_form.html",
        context={"funder": funder, "endpoint": endpoint, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def webhook_create(request, slug):
    access = funder_access(request.user, slug)
    access.require(FunderRight.MANAGE_WEBHOOKS)
    funder = access.funder
    return _endpoint_form(request, funder)


@login_required
@require_http_methods(["GET", "POST"])
def webhook_edit(request, slug, pk):
    access = funder_access(request.user, slug)
    access.require(FunderRight.MANAGE_WEBHOOKS)
    funder = access.funder
    endpoint = get_object_or_404(funder.webhook_endpoints, pk=pk)
    return _endpoint_form(request, funder, endpoint)


@login_required
@require_POST
def webhook_secret(request, slug, pk):
    """Give the webhook a new secret and show it once."""
    access = funder_access(request.user, slug)
    access.require(FunderRight.MANAGE_WEBHOOKS)
    funder = access.funder
    endpoint = get_object_or_404(funder.webhook_endpoints, pk=pk)
    webhook_secret_regenerate(endpoint=endpoint)
    _show_secret_once(request, endpoint)
    messages.success(request, _("Le secret est renouvelé : l'ancien ne signe plus rien. "
                                "Copiez le nouveau, il ne sera plus affiché."))
    return redirect("funding:funder_detail", slug=funder.slug)


@login_required
@require_http_methods(["GET", "POST"])
def webhook_delete(request, slug, pk):
    access = funder_access(request.user, slug)
    access.require(FunderRight.MANAGE_WEBHOOKS)
    funder = access.funder
    endpoint = get_object_or_404(funder.webhook_endpoints, pk=pk)
    if request.method == "POST":
        webhook_endpoint_delete(endpoint=endpoint)
        messages.success(request, _("Le webhook est supprimé."))
        return redirect("funding:funder_detail", slug=funder.slug)
    return render(request, "funding/webhook_confirm_delete.html", {
        "funder": funder, "endpoint": endpoint,
    })


@login_required
@require_POST
def delivery_resend(request, slug, pk):
    """Queue one more attempt of a delivery; asking twice queues it once."""
    access = funder_access(request.user, slug)
    access.require(FunderRight.MANAGE_WEBHOOKS)
    funder = access.funder
    delivery = get_object_or_404(WebhookDelivery, pk=pk, endpoint__funder=funder)
    if webhook_delivery_resend(delivery=delivery):
        messages.success(request, _("Un nouvel envoi est programmé."))
    else:
        messages.info(request, _("Cet envoi est déjà en cours ou programmé."))
    return redirect("funding:funder_detail", slug=funder.slug)
