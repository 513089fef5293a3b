import django_filters

from projects.models import Project

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
