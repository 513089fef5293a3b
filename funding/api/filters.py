import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cluster.models import Cluster
from funding.models import Call, Dossier, Funder, FundingPlan, FundingSource
from funding.selectors import open_on, search_sources, with_theme

# Catalogue and funding plans -------------------------------------------------------------


class SourceApiFilter(django_filters.FilterSet):
    """The catalogue page's filters, with identifiants (slugs) instead of lists."""

    q = django_filters.CharFilter(method="filter_words",
                                  label="Mots (dans le nom, la description ou le financeur)")
    theme = django_filters.CharFilter(
        method="filter_theme",
        label="Thème (identifiant) ; les sources ouvertes à tous les thèmes en font partie")
    funder = django_filters.CharFilter(field_name="funder__slug",
                                       label="Financeur (identifiant)")
    funder_kind = django_filters.ChoiceFilter(field_name="funder__kind",
                                              choices=Funder.Kind.choices,
                                              label="Type de financeur")
    open_today = django_filters.BooleanFilter(method="filter_open_today",
                                              label="Ouverte aujourd'hui")
    open_on = django_filters.DateFilter(method="filter_open_on",
                                        label="Ouverte à cette date (AAAA-MM-JJ)")

    class Meta:
        model = FundingSource
        fields = ["q", "kind", "scope", "theme", "funder", "funder_kind", "open_today",
                  "open_on"]

    def filter_words(self, queryset, name, value):
        return search_sources(queryset, value)

    def filter_theme(self, queryset, name, value):
        # A theme's identifiant is its primary key.
        return with_theme(queryset, value)

    def filter_open_today(self, queryset, name, value):
        return open_on(queryset, timezone.localdate()) if value else queryset

    def filter_open_on(self, queryset, name, value):
        return open_on(queryset, value)


class PlanApiFilter(django_filters.FilterSet):
    class Meta:
        model = FundingPlan
        fields = ["cluster", "project"]


# Calls and dossiers ------------------------------------------------------------------------


class CallApiFilter(django_filters.FilterSet):
    is_open = django_filters.BooleanFilter(
        method="filter_open", label=_("Ouvert (true) ou clos (false) à cet instant"))
    funder = django_filters.CharFilter(field_name="funder__slug",
                                       label=_("Financeur (identifiant)"))

    class Meta:
        model = Call
        fields = ["kind", "funder", "is_open"]

    def filter_open(self, queryset, name, value):
        now = timezone.now()
        if value:
            return queryset.filter(opens_at__lte=now, deadline__gt=now)
        return queryset.filter(deadline__lte=now)


class DossierApiFilter(django_filters.FilterSet):
    call = django_filters.CharFilter(field_name="call__slug", label=_("Appel (identifiant)"))

    class Meta:
        model = Dossier
        fields = ["status", "call", "cluster"]


# Reviews, conflicts of interest, decisions -------------------------------------------------


class InstructionDossierFilter(django_filters.FilterSet):
    """The funders' filters on the dossiers submitted to their calls."""

    call = django_filters.CharFilter(field_name="call__slug", label=_("Appel (identifiant)"))
    # The model's choices, drafts included (they are never listed), so that the schema
    # names one enum for the dossier's status.
    status = django_filters.ChoiceFilter(choices=Dossier.Status.choices, label=_("État"))
    territory = django_filters.CharFilter(field_name="cluster__territory__slug",
                                          label=_("Territoire (identifiant)"))
    theme = django_filters.CharFilter(method="filter_theme",
                                      label=_("Thème d'un des défis (identifiant)"))
    submitted_after = django_filters.DateFilter(field_name="submitted_at", lookup_expr="date__gte",
                                                label=_("Déposé le ou après (AAAA-MM-JJ)"))
    submitted_before = django_filters.DateFilter(field_name="submitted_at",
                                                 lookup_expr="date__lte",
                                                 label=_("Déposé le ou avant (AAAA-MM-JJ)"))
    score_min = django_filters.NumberFilter(field_name="average_score", lookup_expr="gte",
                                            label=_("Note moyenne minimale (sur 100)"))
    score_max = django_filters.NumberFilter(field_name="average_score", lookup_expr="lte",
                                            label=_("Note moyenne maximale (sur 100)"))

    class Meta:
        model = Dossier
        fields = ["call", "status", "territory", "theme", "submitted_after", "submitted_before",
                  "score_min", "score_max"]

    def filter_theme(self, queryset, name, value):
        # Through a subquery: a cluster with two défis of the theme is still one row.
        return queryset.filter(cluster__in=Cluster.objects.filter(challenges__theme=value))
