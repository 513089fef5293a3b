"""Breadcrumb trails of the clusters' pages, for `templates/includes/breadcrumbs.html`.

They build on `territories.breadcrumbs` (a trail, the territories' trails): a list of
(label, url) pairs from the farthest parent to the page itself. Each helper starts the
trail at a common parent and takes the rest: a (label, url) pair for a page above this
one, a bare label for the page itself. The projects' and funding pages' trails build on
these in `projects.breadcrumbs` and `funding.breadcrumbs`, so that no app names the pages
of an app above it.

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


def section_trail(cluster, label, url_name, crumbs):
    """Start at a section of the cluster (its page when no crumb follows), after the list."""
    if not crumbs:
        return cluster_trail(cluster, label, from_list=True)
    return cluster_trail(cluster, (label, reverse(url_name, args=[cluster.pk])), *crumbs,
                         from_list=True)


def clusters_trail(*crumbs):
    """Start at the list of clusters."""
    return trail((_("Clusters"), reverse("cluster_list")), *crumbs)


def master_plan_trail(cluster, *crumbs):
    """Start at the cluster's schéma directeur (the page itself when no crumb follows)."""
    if not crumbs:
        return cluster_trail(cluster, _("Schéma directeur"))
    return cluster_trail(cluster, (_("Schéma directeur"),
                                   reverse("master_plan", args=[cluster.pk])), *crumbs)
