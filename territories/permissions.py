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

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from territories.models import ActorImport, Territory
from territories.token_scope import narrow_to_token_scope, token_limit

FACILITATOR = "facilitator"  # cluster's Membership.Role.FACILITATOR, named without importing


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


def require_creator(user):
    if not can_create_territory(user):
        raise PermissionDenied(
            "Seuls les animateur·rices et l'équipe nationale créent des territoires.")


def can_edit_territory(user, territory):
    """Whether the person may change the territory's record (see editable_territories)."""
    return editable_territories(user).filter(pk=territory.pk).exists()


def require_territory_editor(user, territory):
    """Refuse anyone who may not change the territory's record: 403 if they may read it."""
    if not can_edit_territory(user, territory):
        raise PermissionDenied(
            "Seuls l'équipe nationale et les animateur·rices du collectif qui anime ce "
            "territoire peuvent le modifier.")


def can_edit_map(user, territory):
    """Whether the person may change the territory's map (see mappable_territories)."""
    return mappable_territories(user).filter(pk=territory.pk).exists()


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
    territory = visible_territories(user).filter(slug=slug).first()
    if territory is None:
        raise Http404("Territoire introuvable.")
    return territory


def visible_items(user, queryset):
    """Restrict map items (actors, places…) to published ones and those the person edits."""
    if user.is_authenticated and user.is_staff and not token_limit(user):
        return queryset
    return queryset.filter(
        Q(is_published=True, territory__is_published=True)
        | Q(territory__in=mappable_territories(user).values("pk"))
    )


def get_item_for_reading(user, model, territory, pk):
    item = visible_items(user, model.objects.filter(territory=territory, pk=pk)).first()
    if item is None:
        raise Http404("Élément introuvable.")
    return item


def get_item_for_editing(user, model, territory, pk):
    """Return the item of a territory the person edits.

    404 when they may not even read it (a draft stays unseen), 403 when they
    may read but not change it.
    """
    item = get_item_for_reading(user, model, territory, pk)
    require_editor(user, territory)
    return item


def require_editor(user, territory):
    """Refuse anyone who may not change the territory's map: 403 if they may read it."""
    if not can_edit_map(user, territory):
        raise PermissionDenied(
            "Seuls les membres des collectifs de ce territoire peuvent modifier sa cartographie."
        )


def get_import_for_editing(user, territory, pk):
    """Return an import of actors of a territory the person edits."""
    require_editor(user, territory)
    actor_import = ActorImport.objects.filter(territory=territory, pk=pk).first()
    if actor_import is None:
        raise Http404("Import introuvable.")
    return actor_import
