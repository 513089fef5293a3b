import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from funding.models import Call, Dossier

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
