import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from territories.models import Actor, LocalPolicy, Place, Resource, Theme


class ItemFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Nom contient"), method="filter_q")
    is_published = django_filters.BooleanFilter(label=_("Publié"))

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(description__icontains=value))


class ActorFilterSet(ItemFilterSet):
    theme = django_filters.ModelChoiceFilter(
        field_name="themes", queryset=Theme.objects.all(), label=_("Thème"))
    commune = django_filters.CharFilter(field_name="commune__code", label=_("Code INSEE"))

    class Meta:
        model = Actor
        fields = ["q", "kind", "theme", "commune", "is_published"]


class PlaceFilterSet(ItemFilterSet):
    commune = django_filters.CharFilter(field_name="commune__code", label=_("Code INSEE"))

    class Meta:
        model = Place
        fields = ["q", "kind", "status", "commune", "is_published"]


class ResourceFilterSet(ItemFilterSet):
    class Meta:
        model = Resource
        fields = ["q", "kind", "is_published"]


class LocalPolicyFilterSet(ItemFilterSet):
    class Meta:
        model = LocalPolicy
        fields = ["q", "level", "is_published"]
