"""The projects' layer of the maps (territories.map_layers), registered at start-up.

A project has no point of its own: it stands at its place, else at its first carrier
that has one; without either point, at the commune of its place or of its first carrier.
"""

from django.db.models import CharField, F, FloatField, OuterRef, Q, Subquery
from django.db.models.functions import Cast, Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from projects.models import Project
from territories.map_layers import MapLayer, register_map_layer
from territories.models import Actor


def _first_carrier(column, *, located):
    carriers = Actor.objects.filter(carried_projects=OuterRef("pk"))
    if located:
        carriers = carriers.filter(latitude__isnull=False, longitude__isnull=False)
    else:
        carriers = carriers.filter(commune__isnull=False)
    return Subquery(carriers.order_by("pk").values(column)[:1])


def _annotate(queryset):
    return queryset.annotate(
        map_lat=Cast(Coalesce("place__latitude", _first_carrier("latitude", located=True)),
                     FloatField()),
        map_lon=Cast(Coalesce("place__longitude", _first_carrier("longitude", located=True)),
                     FloatField()),
        map_commune=Coalesce("place__commune_id", _first_carrier("commune_id", located=False),
                             output_field=CharField()),
        map_name=F("title"), map_kind=F("stage"), map_slug=F("slug"),
    )


def _published(queryset):
    return queryset.filter(Q(is_published=True) & Q(cluster__territory__is_published=True))


def register():
    register_map_layer(MapLayer(
        key="project", label=_("Projets"), order=30, queryset=Project.objects.all,
        published=_published, annotate=_annotate,
        url=lambda row: reverse("projects:detail", args=[row["map_slug"]]),
        kinds=lambda: dict(Project.Stage.choices), territory_path="cluster__territory",
        theme_path="themes",
    ))
