import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from funding.models import Funder, FundingSource
from funding.selectors import open_on, search_sources, with_theme
from territories.models import Theme

# Catalogue and funding plans -------------------------------------------------------------


class SourceFilter(django_filters.FilterSet):
    """Filters of the public catalogue page: words, kind, scope, theme, funder, open today."""

    q = django_filters.CharFilter(label=_("Mots"), method="filter_words")
    kind = django_filters.ChoiceFilter(label=_("Nature"), choices=FundingSource.Kind.choices,
                                       empty_label=_("Toutes les natures"))
    scope = django_filters.ChoiceFilter(label=_("Échelle"), choices=FundingSource.Scope.choices,
                                        empty_label=_("Toutes les échelles"))
    theme = django_filters.ModelChoiceFilter(
        label=_("Thème"), queryset=Theme.objects.all(), method="filter_theme",
        empty_label=_("Tous les thèmes"))
    funder_kind = django_filters.ChoiceFilter(
        label=_("Type de financeur"), field_name="funder__kind", choices=Funder.Kind.choices,
        empty_label=_("Tous les financeurs"))
    open_today = django_filters.BooleanFilter(
        label=_("Ouvert aujourd'hui"), method="filter_open_today",
        widget=forms.CheckboxInput)

    class Meta:
        model = FundingSource
        fields = ["q", "kind", "scope", "theme", "funder_kind", "open_today"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("kind", "scope", "theme", "funder_kind"):
            self.filters[name].field.widget.attrs["class"] = "form-select"
        self.filters["q"].field.widget = forms.TextInput(attrs={
            "class": "form-control", "type": "search",
            "placeholder": _("tiers-lieu, amorçage, CAF…")})
        self.filters["open_today"].field.widget.attrs["class"] = "form-check-input"

    def filter_words(self, queryset, name, value):
        return search_sources(queryset, value)

    def filter_theme(self, queryset, name, value):
        return with_theme(queryset, value)

    def filter_open_today(self, queryset, name, value):
        return open_on(queryset, timezone.localdate()) if value else queryset
