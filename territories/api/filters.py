import django_filters

from territories.filters import ActorFilterSet, PlaceFilterSet


class ActorApiFilterSet(ActorFilterSet):
    territory = django_filters.CharFilter(field_name="territory__slug")
    theme = django_filters.CharFilter(field_name="themes__slug")

    class Meta(ActorFilterSet.Meta):
        fields = [*ActorFilterSet.Meta.fields, "territory", "siret"]


class PlaceApiFilterSet(PlaceFilterSet):
    territory = django_filters.CharFilter(field_name="territory__slug")

    class Meta(PlaceFilterSet.Meta):
        fields = [*PlaceFilterSet.Meta.fields, "territory"]
