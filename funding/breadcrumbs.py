"""Breadcrumb trails of the funding pages, built on `cluster.breadcrumbs`."""

from django.urls import reverse
from django.utils.translation import gettext as _

from cluster.breadcrumbs import cluster_trail, section_trail, trail


def plans_trail(cluster, *crumbs):
    """Start at the cluster's funding plans (the page itself when no crumb follows)."""
    return section_trail(cluster, _("Plans de financement"), "funding:plan_list", crumbs)


def funding_plan_trail(cluster, plan, *crumbs):
    """Start at one of the cluster's funding plans (the page itself when no crumb follows)."""
    url = reverse("funding:plan_detail", args=[cluster.pk, plan.pk])
    return plans_trail(cluster, (plan.title, url), *crumbs) if crumbs else plans_trail(
        cluster, plan.title)


def dossiers_trail(cluster, *crumbs):
    """Start at the cluster's dossiers, as its collective sees them."""
    if not crumbs:
        return cluster_trail(cluster, _("Dossiers"))
    return cluster_trail(
        cluster, (_("Dossiers"), reverse("funding:dossier_list", args=[cluster.pk])), *crumbs)


def dossier_trail(dossier, *crumbs):
    """Start at a dossier, from the list of its cluster's dossiers."""
    return dossiers_trail(dossier.cluster, (dossier.title, dossier.get_absolute_url()), *crumbs)


def calls_trail(*crumbs):
    """Start at the list of calls."""
    return trail((_("Appels"), reverse("funding:call_list")), *crumbs)


def review_trail(*crumbs):
    """Start at the funder's list of dossiers to review."""
    return trail((_("Instruction"), reverse("funding:review_list")), *crumbs)
