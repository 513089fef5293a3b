"""Breadcrumb trails of the projects' pages, built on `cluster.breadcrumbs`."""

from django.urls import reverse
from django.utils.translation import gettext as _

from cluster.breadcrumbs import cluster_trail, section_trail


def community_trail(cluster, *crumbs):
    """Start at the cluster's community (the page itself when no crumb follows)."""
    return section_trail(cluster, _("Communauté"), "projects:community", crumbs)


def projects_trail(cluster, *crumbs):
    """Start at the cluster's projects board (the page itself when no crumb follows)."""
    return section_trail(cluster, _("Projets"), "projects:board", crumbs)


def events_trail(cluster, *crumbs):
    """Start at the list of the cluster's events."""
    return cluster_trail(
        cluster, (_("Évènements"), reverse("projects:event_list", args=[cluster.pk])), *crumbs)


def event_trail(cluster, event, *crumbs):
    """Start at one of the cluster's events, as its organisers see it."""
    return events_trail(
        cluster, (event.title, reverse("projects:event_manage", args=[cluster.pk, event.pk])),
        *crumbs)
