"""Breadcrumb trails that views hand to `templates/includes/breadcrumbs.html`.

A trail is a list of (label, url) pairs, from the farthest parent to the page itself,
whose url is None. Each helper starts the trail at a common parent and takes the rest:
a (label, url) pair for a page above this one, a bare label for the page itself. The
trails of the other apps' pages build on these in `cluster.breadcrumbs`.

    "breadcrumbs": territory_trail(territory, _("Carte"))
"""

from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _


def trail(*crumbs):
    """Return the crumbs as (label, url) pairs; a bare label is the current page."""
    return [crumb if isinstance(crumb, tuple) else (crumb, None) for crumb in crumbs]


def territories_trail(*crumbs):
    """Start at the list of territories."""
    return trail((_("Territoires"), reverse("territories:list")), *crumbs)


def territory_trail(territory, *crumbs):
    """Start at the territory's page (the page itself when no crumb follows)."""
    if not crumbs:
        return territories_trail(territory.name)
    return territories_trail((territory.name, territory.get_absolute_url()), *crumbs)


def item_kind_trail(territory, kind, *crumbs):
    """Start at the list of one kind of item of the territory's map (actors, places…)."""
    url = reverse(f"territories:{kind.name}_list", args=[territory.slug])
    return territory_trail(territory, (capfirst(kind.verbose_name_plural), url), *crumbs)
