"""Who may see or change what in territories: one helper per object type.

Two kinds of editing, two rules:

- The territory itself (name, perimeter, kind, key figures, publication, cooperation
  territories) is changed by staff and by the facilitators of the collective that
  stewards it (cluster's `Stewardship`, reached through the reverse relation
  `stewardship`: cluster sits above territories). Until a steward is named, its creator
  changes it too. Plain members never do, nor a collective that merely runs a cluster
  on it.
- Its map (actors, places, resources, local policies, imports) is changed by staff, by
  the members of its steward and of every collective running a cluster on it, and by
  its creator: members add actors.

The public reads what is published; those who change the map also read drafts.
"""

from dataclasses import dataclass
from functools import cached_property
from typing import ClassVar

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import permissions

from territories.models import ActorImport, Territory
from territories.token_scope import narrow_to_token_scope, token_limit

FACILITATOR = "facilitator"  # cluster's Membership.Role.FACILITATOR, named without importing


# Access objects -----------------------------------------------------------------------------
# Each object type has one: built once per request (one query), it holds the object and what
# the person may do with it (`can_<right>`); `require(right)` refuses with the French message
# of that right, the one the 403 page and the API show.

class Access:
    """Base of the access objects: rights are `can_<right>` attributes, messages a table."""

    messages: ClassVar[dict] = {}

    def require(self, right):
        """Return the access object when the person has `right`, else raise PermissionDenied
        with its message."""
        if not getattr(self, f"can_{right}"):
            raise PermissionDenied(self.messages[right])
        return self


class AccessPermission(permissions.BasePermission):
    """The one API permission class: it asks the access object of the view's object.

    Reading follows the queryset (what the person may see). A change asks the right
    `view.action_rights[view.action]`, else `view.write_right`, of `view.access_of(obj)`;
    None means the action checks its own rights. Anonymous people only read, and only
    where the view is `public`.
    """

    def has_permission(self, request, view):
        if request.user.is_authenticated:
            return True
        return getattr(view, "public", False) and request.method in permissions.SAFE_METHODS

    def has_object_permission(self, request, view, obj):
        if request.method in permissions.SAFE_METHODS:
            return True
        right = getattr(view, "action_rights", {}).get(view.action, view.write_right)
        if right is not None:
            view.access_of(obj).require(right)
        return True


TERRITORY_MESSAGES = {
    "create": _("Seuls les animateur·rices et l'équipe nationale créent des territoires."),
    "edit": _("Seuls l'équipe nationale et les animateur·rices du collectif qui anime ce "
              "territoire peuvent le modifier."),
    "map": _("Seuls les membres des collectifs de ce territoire peuvent modifier sa "
             "cartographie."),
}


@dataclass(frozen=True)
class TerritoryAccess(Access):
    """A territory (None for a territory to create) and what the person may do with it.

    `editable` and `mappable` are computed with the territory when it is loaded by
    `territory_access`; otherwise the first question asks the database.
    """

    user: object
    territory: Territory | None
    editable: bool | None = None
    mappable: bool | None = None

    messages = TERRITORY_MESSAGES

    @cached_property
    def can_create(self):
        return can_create_territory(self.user)

    @cached_property
    def can_edit(self):
        """Whether the person changes the territory's record (see editable_territories)."""
        if self.editable is not None:
            return self.editable
        return editable_territories(self.user).filter(pk=self.territory.pk).exists()

    @cached_property
    def can_map(self):
        """Whether the person changes the territory's map (see mappable_territories)."""
        if self.mappable is not None:
            return self.mappable
        return mappable_territories(self.user).filter(pk=self.territory.pk).exists()


def territory_access(user, slug=None, *, territories=None):
    """Return the access to the territory `slug` (to a new territory when None): 404 when the
    person may not read it, so drafts stay unseen.

    `territories` (annotated, with related rows) is what the page reads, so that the
    territory is read once."""
    if slug is None:
        return TerritoryAccess(user=user, territory=None)
    territories = Territory.objects.all() if territories is None else territories
    if not _signed_in(user):  # changes nothing: the published territories, as they are
        territory = territories.filter(slug=slug, is_published=True).first()
        if territory is None:
            raise Http404(_("Territoire introuvable."))
        return TerritoryAccess(user=user, territory=territory, editable=False, mappable=False)
    if user.is_authenticated and user.is_staff:
        territory = territories.filter(slug=slug).first()
        if territory is None:
            raise Http404(_("Territoire introuvable."))
        return TerritoryAccess(user=user, territory=territory, editable=True, mappable=True)
    territory = territories.filter(slug=slug).annotate(
        editable=Exists(editable_territories(user).filter(pk=OuterRef("pk"))),
        mappable=Exists(mappable_territories(user).filter(pk=OuterRef("pk"))),
    ).first()
    if territory is None or not (territory.is_published or territory.mappable):
        raise Http404(_("Territoire introuvable."))
    return TerritoryAccess(user=user, territory=territory, editable=territory.editable,
                           mappable=territory.mappable)


def access_to_territory(user, territory):
    """Return the access to a territory already loaded (through an object of its map)."""
    return TerritoryAccess(user=user, territory=territory)


def _signed_in(user):
    return user.is_authenticated and user.is_active


def editable_territories(user):
    """Return the territories whose record (name, perimeter…) the person may change."""
    if not _signed_in(user):
        return Territory.objects.none()
    if user.is_staff:
        return narrow_to_token_scope(Territory.objects.all(), user,
                                     collective_path="stewardship__collective")
    return narrow_to_token_scope(Territory.objects.filter(
        Q(stewardship__collective__memberships__user=user,
          stewardship__collective__memberships__role=FACILITATOR)
        | Q(stewardship__isnull=True, created_by=user)
    ).distinct(), user, collective_path="stewardship__collective")


# The collectives that keep a territory's map: those running a cluster on it, its steward.
MAP_KEEPERS = ("clusters__collective", "stewardship__collective")


def mappable_territories(user):
    """Return the territories whose map (actors, places, resources, policies) the person
    may change."""
    if not _signed_in(user):
        return Territory.objects.none()
    if user.is_staff:
        return narrow_to_token_scope(Territory.objects.all(), user, collective_path=MAP_KEEPERS)
    return narrow_to_token_scope(Territory.objects.filter(
        Q(clusters__collective__memberships__user=user)
        | Q(stewardship__collective__memberships__user=user)
        | Q(created_by=user)
    ).distinct(), user, collective_path=MAP_KEEPERS)


def steward_of(territory):
    """Return the collective that stewards the territory, or None."""
    stewardship = getattr(territory, "stewardship", None)
    return stewardship.collective if stewardship is not None else None


def can_create_territory(user):
    """Staff and facilitators create territories (a facilitator is one in cluster's terms:
    a Membership whose role is "facilitator", reached through the reverse relation)."""
    if not _signed_in(user):
        return False
    return (user.is_staff and not token_limit(user)) or narrow_to_token_scope(
        user.memberships.filter(role=FACILITATOR), user, collective_path="collective").exists()





NATIONAL_MESSAGES = {
    "coordinate": _("Seule l'équipe nationale ouvre la gestion nationale."),
}


@dataclass(frozen=True)
class NationalAccess(Access):
    """The national back office (territories, collectives, funders): staff only, and not
    through a token limited to one collective or funder."""

    user: object

    messages = NATIONAL_MESSAGES

    @cached_property
    def can_coordinate(self):
        return _signed_in(self.user) and self.user.is_staff and not token_limit(self.user)


def national_access(user):
    """Return the access to the national back office."""
    return NationalAccess(user=user)


def visible_territories(user):
    """Return the territories the person may read: published ones, and those whose map
    they change (which includes every territory whose record they change)."""
    if user.is_authenticated and user.is_staff and not token_limit(user):
        return Territory.objects.all()
    return Territory.objects.filter(
        Q(is_published=True) | Q(pk__in=mappable_territories(user).values("pk"))
    )


def get_territory_for_reading(user, slug):
    """Return the territory if the person may read it; 404 otherwise, so drafts stay unseen."""
    return territory_access(user, slug).territory


def visible_items(user, queryset):
    """Restrict map items (actors, places…) to published ones and those the person edits."""
    if user.is_authenticated and user.is_staff and not token_limit(user):
        return queryset
    return queryset.filter(
        Q(is_published=True, territory__is_published=True)
        | Q(territory__in=mappable_territories(user).values("pk"))
    )


def sees_every_item(access):
    """Whether `visible_items` keeps every item of the access's territory, drafts included
    (staff, the territory's editors), or only the published ones."""
    user = access.user
    if user.is_authenticated and user.is_staff:
        if not token_limit(user):
            return True
        # A token narrows what the staff member sees to the territories it names.
        return mappable_territories(user).filter(pk=access.territory.pk).exists()
    return access.can_map


def territory_items(access, queryset, *, everything=None):
    """The items of the access's territory the person may see: `visible_items`'s rule,
    decided once for the territory instead of for every row, so that a map's queries
    neither join the territories nor look up the person's territories per row.

    `everything`: `sees_every_item(access)` when the caller has it already.
    """
    queryset = queryset.filter(territory=access.territory)
    if everything is None:
        everything = sees_every_item(access)
    if everything:
        return queryset
    if not access.territory.is_published:  # staff narrowed by a token to other territories
        return queryset.none()
    return queryset.filter(is_published=True)


def get_item(access, model, pk):
    """Return the item `pk` of the access's territory if the person may read it, else 404."""
    item = visible_items(access.user, model.objects.filter(territory=access.territory,
                                                           pk=pk)).first()
    if item is None:
        raise Http404(_("Élément introuvable."))
    return item


def get_item_for_editing(access, model, pk):
    """Return the item of the access's territory, which the person edits.

    404 when they may not even read it (a draft stays unseen), 403 when they
    may read but not change it.
    """
    item = get_item(access, model, pk)
    access.require("map")
    return item


def get_import_for_editing(access, pk):
    """Return an import of actors of the access's territory, which the person edits."""
    access.require("map")
    territory = access.territory
    actor_import = ActorImport.objects.filter(territory=territory, pk=pk).first()
    if actor_import is None:
        raise Http404(_("Import introuvable."))
    return actor_import
