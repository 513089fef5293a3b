"""The national team's back office for the network (/gestion/): it organises the national
masterclasses and keeps the list of company networks, through the same services and
access helpers as the API."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from cluster.models import CompanyNetwork, Masterclass
from cluster.network_forms import CompanyNetworkForm, MasterclassForm
from cluster.network_permissions import company_network_access, masterclass_access
from cluster.services.network_staff import (
    company_network_delete,
    company_network_save,
    masterclass_cancel,
    masterclass_save,
)
from territories.pages import confirm_page, form_page

PAGE_SIZE = 20


def _page(request, rows):
    return Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))


# National masterclasses ---------------------------------------------------------------------

@login_required
@require_GET
def national_masterclass_list(request):
    """Every masterclass, the next ones first, with its number of participants."""
    masterclass_access(request.user).require("organise")
    masterclasses = Masterclass.objects.select_related("theme").annotate(
        participant_count=Count("participants")).order_by("-starts_at", "pk")
    return render(request, "cluster/national/masterclass_list.html", {
        "page": _page(request, masterclasses), "section": "masterclasses",
        "now": timezone.now()})


def _masterclass(pk):
    return get_object_or_404(Masterclass.objects.select_related("theme").annotate(
        participant_count=Count("participants")), pk=pk)


@login_required
@require_GET
def national_masterclass_detail(request, pk):
    """A masterclass and who joined it, to write to them."""
    masterclass_access(request.user).require("organise")
    masterclass = _masterclass(pk)
    participants = masterclass.participants.order_by("last_name", "first_name", "email", "pk")
    return render(request, "cluster/national/masterclass_detail.html", {
        "masterclass": masterclass, "page": _page(request, participants),
        "upcoming": masterclass.starts_at > timezone.now(), "section": "masterclasses"})


@login_required
@require_http_methods(["GET", "POST"])
def national_masterclass_edit(request, pk=None):
    """Announce a masterclass, or change one still to come."""
    masterclass_access(request.user).require("organise")
    masterclass = _masterclass(pk) if pk is not None else None
    initial = {} if masterclass is None else {
        "title": masterclass.title, "theme": masterclass.theme_id,
        "starts_at": timezone.localtime(masterclass.starts_at), "place": masterclass.place,
        "description": masterclass.description}
    form = MasterclassForm(request.POST or None, initial=initial)
    back = reverse("national_masterclass_list") if masterclass is None else reverse(
        "national_masterclass_detail", args=[masterclass.pk])
    return form_page(
        request, form,
        action=lambda data: masterclass_save(masterclass=masterclass, **data),
        success=_("La masterclass est enregistrée : elle paraît sur la page publique des "
                  "masterclasses."),
        next=lambda saved: reverse("national_masterclass_detail", args=[saved.pk]),
        template="cluster/national/form.html", context={
            "form": form, "section": "masterclasses", "cancel_url": back,
            "title": _("Annoncer une masterclass") if masterclass is None
            else _("Modifier « %(title)s »") % {"title": masterclass.title}})


@login_required
@require_http_methods(["GET", "POST"])
def national_masterclass_cancel(request, pk):
    """Cancel a masterclass still to come, once confirmed: its participants are told."""
    masterclass_access(request.user).require("organise")
    masterclass = _masterclass(pk)
    return confirm_page(
        request, action=lambda: masterclass_cancel(masterclass=masterclass),
        success=lambda told: _("La masterclass est annulée ; %(count)s inscrit·e(s) "
                               "prévenu·e(s) par e-mail.") % {"count": told},
        next=reverse("national_masterclass_list"), template="confirm.html", context={
            "question": _("Annuler « %(title)s » ?") % {"title": masterclass.title},
            "text": _("La masterclass disparaît de la page publique. Ses %(count)s "
                      "inscrit·e(s) reçoivent un e-mail qui l'annonce. Cette annulation est "
                      "définitive.") % {"count": masterclass.participant_count},
            "button": _("Annuler la masterclass"), "cancel_label": _("Revenir"),
            "cancel_url": reverse("national_masterclass_detail", args=[masterclass.pk])})


# Company networks ---------------------------------------------------------------------------

@login_required
@require_GET
def national_company_network_list(request):
    """The company networks, with how many engaged companies are linked to each."""
    company_network_access(request.user).require("manage")
    networks = CompanyNetwork.objects.annotate(
        engagement_count=Count("engagements")).order_by("name", "pk")
    return render(request, "cluster/national/company_network_list.html", {
        "page": _page(request, networks), "section": "company_networks"})


@login_required
@require_http_methods(["GET", "POST"])
def national_company_network_edit(request, pk=None):
    company_network_access(request.user).require("manage")
    network = get_object_or_404(CompanyNetwork, pk=pk) if pk is not None else None
    initial = {} if network is None else {"name": network.name,
                                          "description": network.description}
    form = CompanyNetworkForm(request.POST or None, initial=initial)
    back = reverse("national_company_network_list")
    return form_page(
        request, form, action=lambda data: company_network_save(network=network, **data),
        success=_("Le réseau est enregistré : les animateur·rices peuvent y relier leurs "
                  "entreprises engagées."), next=back,
        template="cluster/national/form.html", context={
            "form": form, "section": "company_networks", "cancel_url": back,
            "title": _("Ajouter un réseau d'entreprises") if network is None
            else _("Modifier « %(name)s »") % {"name": network.name}})


@login_required
@require_http_methods(["GET", "POST"])
def national_company_network_delete(request, pk):
    """Delete a company network, once confirmed; refused while engaged companies are
    linked to it (the page says which)."""
    company_network_access(request.user).require("manage")
    network = get_object_or_404(CompanyNetwork.objects.annotate(
        engagement_count=Count("engagements")), pk=pk)
    back = reverse("national_company_network_list")
    return confirm_page(
        request, action=lambda: company_network_delete(network=network),
        success=_("Le réseau « %(name)s » est supprimé.") % {"name": network.name},
        next=back, template="confirm.html", context={
            "question": _("Supprimer le réseau « %(name)s » ?") % {"name": network.name},
            "text": _("Il disparaît de la liste publique des réseaux d'entreprises."),
            "notice": _("%(count)s entreprise(s) engagée(s) y sont encore reliées : la "
                        "suppression sera refusée tant que leurs clusters ne les en ont pas "
                        "retirées.") % {"count": network.engagement_count}
            if network.engagement_count else "",
            "button": _("Supprimer"), "cancel_url": back})
