"""What a change of a territory makes stale: the national map's cached outlines; and the
count of its map's changes, made with a new territory (territories.map_cache).

A territory's perimeter (its communes), name, slug or publication shows on the national
map's outlines (territories.national_map): any save or deletion of a territory, and any
change of its communes, starts them again. Once now, for the requests that follow in this
process, and once after the commit, so that no request computes them from data about to
change and keeps them.
"""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from territories.map_cache import count_changes
from territories.models import Territory
from territories.national_map import forget_national_perimeters


def _forget(**_kwargs):
    forget_national_perimeters()
    transaction.on_commit(forget_national_perimeters)


def _communes_changed(action, **kwargs):
    if action in ("post_add", "post_remove", "post_clear"):
        _forget()


def connect():
    post_save.connect(count_changes, sender=Territory, dispatch_uid="map_version_created")
    post_save.connect(_forget, sender=Territory, dispatch_uid="perimeters_territory_saved")
    post_delete.connect(_forget, sender=Territory, dispatch_uid="perimeters_territory_deleted")
    m2m_changed.connect(_communes_changed, sender=Territory.communes.through,
                        dispatch_uid="perimeters_communes_changed")
