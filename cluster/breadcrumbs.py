"""Breadcrumb trails of the clusters' pages, for `templates/includes/breadcrumbs.html`.

They build on `territories.breadcrumbs` (a trail, the territories' trails): a list of
(label, url) pairs from the farthest parent to the page itself. Each helper starts the
trail at a common parent and takes the rest: a (label, url) pair for a page above this
one, a bare label for the page itself.

    "breadcrumbs": step_trail(cluster, step, _("Supprimer un jalon"))
"""

from django.urls import reverse
from django.utils.translation import gettext as _

from territories.breadcrumbs import trail


def cluster_trail(cluster, *crumbs, from_list=False):
    """Start at the cluster's dashboard, after the list of clusters when `from_list`."""
    start = [(_("Clusters"), reverse("cluster_list"))] if from_list else []
    start.append((cluster.territory.name, reverse("cluster_dashboard", args=[cluster.pk])))
    return trail(*start, *crumbs)


def step_trail(cluster, step, *crumbs):
    """Start at a step of the cluster's roadmap."""
    return cluster_trail(cluster, (str(step), reverse("step_detail", args=[cluster.pk, step.pk])),
                         *crumbs)


def collective_trail(collective, *crumbs):
    """Start at the collective's page."""
    return trail((collective.name, reverse("collective_detail", args=[collective.slug])),
                 *crumbs)


def community_trail(cluster, *crumbs):
    """Start at the cluster's community (the page itself when no crumb follows)."""
    return _section_trail(cluster, _("Communauté"), "projects:community", crumbs)


def projects_trail(cluster, *crumbs):
    """Start at the cluster's projects board (the page itself when no crumb follows)."""
    return _section_trail(cluster, _("Projets"), "projects:board", crumbs)


def _section_trail(cluster, label, url_name, crumbs):
    if not crumbs:
        return cluster_trail(cluster, label, from_list=True)
    return cluster_trail(cluster, (label, reverse(url_name, args=[cluster.pk])), *crumbs,
                         from_list=True)


def events_trail(cluster, *crumbs):
    """Start at the list of the cluster's events."""
    return cluster_trail(
        cluster, (_("Évènements"), reverse("projects:event_list", args=[cluster.pk])), *crumbs)


def event_trail(cluster, event, *crumbs):
    """Start at one of the cluster's events, as its organisers see it."""
    return events_trail(
        cluster, (event.title, reverse("projects:event_manage", args=[cluster.pk, event.pk])),
        *crumbs)


def clusters_trail(*crumbs):
    """Start at the list of clusters."""
    return trail((_("Clusters"), reverse("cluster_list")), *crumbs)


def master_plan_trail(cluster, *crumbs):
    """Start at the cluster's schéma directeur (the page itself when no crumb follows)."""
    if not crumbs:
        return cluster_trail(cluster, _("Schéma directeur"))
    return cluster_trail(cluster, (_("Schéma directeur"),
                                   reverse("master_plan", args=[cluster.pk])), *crumbs)


def plans_trail(cluster, *crumbs):
    """Start at the cluster's funding plans (the page itself when no crumb follows)."""
    return _section_trail(cluster, _("Plans de financement"), "funding:plan_list", crumbs)


def plan_trail(cluster, plan, *crumbs):
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
