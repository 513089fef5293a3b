import django_filters
from django.utils.translation import gettext_lazy as _

from projects.models import Event, Project

# Projects --------------------------------------------------------------------------------


class ProjectApiFilterSet(django_filters.FilterSet):
    territory = django_filters.CharFilter(field_name="cluster__territory__slug",
                                          label="Territoire (identifiant)")
    theme = django_filters.CharFilter(field_name="themes__slug", distinct=True,
                                      label="Thème (identifiant)")
    challenge_kind = django_filters.CharFilter(field_name="challenge__kind",
                                               label="Nature du défi")

    class Meta:
        model = Project
        fields = ["cluster", "challenge", "stage", "territory", "theme", "challenge_kind",
                  "is_published"]


# Events -----------------------------------------------------------------------------------


class EventFilterSet(django_filters.FilterSet):
    cluster = django_filters.NumberFilter(field_name="cluster_id",
                                          help_text=_("Identifiant du cluster."))
    territory = django_filters.CharFilter(field_name="cluster__territory__slug",
                                          help_text=_("Identifiant (slug) du territoire."))
    starts_after = django_filters.DateFilter(
        field_name="starts_at", lookup_expr="date__gte",
        help_text=_("Évènements commençant ce jour-là ou après (AAAA-MM-JJ)."))
    starts_before = django_filters.DateFilter(
        field_name="starts_at", lookup_expr="date__lte",
        help_text=_("Évènements commençant ce jour-là ou avant (AAAA-MM-JJ)."))

    class Meta:
        model = Event
        fields = ["cluster", "territory", "starts_after", "starts_before", "is_published"]
