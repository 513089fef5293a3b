import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from projects.models import Project
from territories.models import Theme

# Projects --------------------------------------------------------------------------------


class ProjectFilter(django_filters.FilterSet):
    """Filters of a cluster's project list; the défi choices are the cluster's own."""

    q = django_filters.CharFilter(label=_("Mots"), method="search")
    stage = django_filters.ChoiceFilter(label=_("Étape"), choices=Project.Stage.choices,
                                        empty_label=_("Toutes les étapes"))
    challenge = django_filters.ModelChoiceFilter(label=_("Défi"), queryset=None,
                                                 empty_label=_("Tous les défis"))
    theme = django_filters.ModelChoiceFilter(label=_("Thème"), field_name="themes",
                                             queryset=Theme.objects.all(), distinct=True,
                                             empty_label=_("Tous les thèmes"))

    class Meta:
        model = Project
        fields = ["q", "stage", "challenge", "theme"]

    def __init__(self, *args, cluster, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["challenge"].queryset = cluster.challenges.order_by("position", "pk")
        for name in ("stage", "challenge", "theme"):
            self.filters[name].field.widget.attrs["class"] = "form-select"
        self.filters["q"].field.widget = forms.TextInput(attrs={"class": "form-control"})

    def search(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(summary__icontains=value))
