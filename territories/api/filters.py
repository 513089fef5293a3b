import django_filters
from django import forms
from django.db.models import Subquery
from django.utils.translation import gettext_lazy as _
from django_filters.constants import EMPTY_VALUES

from territories.filters import ActorFilterSet, PlaceFilterSet
from territories.models import Label, Territory


class TerritorySlugFilter(django_filters.CharFilter):
    """`?territory=<slug>` as `territory_id = (SELECT id … WHERE slug = …)`, not a join on
    the slug: the database then walks the (territory, name, id) index for the page and
    counts from the territory's index, instead of sorting every actor by name."""

    def filter(self, queryset, value):
        if value in EMPTY_VALUES:
            return queryset
        return queryset.filter(
            territory=Subquery(Territory.objects.filter(slug=value).values("pk")[:1]))


class ActorApiFilterSet(ActorFilterSet):
    territory = TerritorySlugFilter()
    theme = django_filters.CharFilter(field_name="themes__slug")

    class Meta(ActorFilterSet.Meta):
        fields = [*ActorFilterSet.Meta.fields, "territory", "siret"]


class PlaceApiFilterSet(PlaceFilterSet):
    territory = TerritorySlugFilter()

    class Meta(PlaceFilterSet.Meta):
        fields = [*PlaceFilterSet.Meta.fields, "territory"]


class IntegerFilter(django_filters.NumberFilter):
    """A whole number: "2.5" is refused, not rounded."""

    field_class = forms.IntegerField


_UNKNOWN_STATUS = _("État de label inconnu : « %(value)s ». Valeurs possibles : "
                    "candidate, labelled, annual_follow_up, suspended, withdrawn.")


class TerritoryApiFilterSet(django_filters.FilterSet):
    """Territories by type, publication, label and wave: `?label=labelled&wave=2`.

    `label=labelled` means "holds the label", annual follow-up included; `label_status`
    is the exact state.
    """

    label = django_filters.ChoiceFilter(
        choices=Label.Status.choices, method="filter_label",
        help_text=_(
            "Territoires selon leur label. « labelled » donne tous ceux qui détiennent le "
            "label : labellisés et en suivi annuel ; les autres valeurs donnent cet état "
            "exactement. L'état exact de chacun se lit dans « label.status »."),
        error_messages={"invalid_choice": _UNKNOWN_STATUS},
    )
    label_status = django_filters.ChoiceFilter(
        field_name="label__status", choices=Label.Status.choices,
        help_text=_("État exact du label : « labelled » exclut alors les territoires en "
                    "suivi annuel (annual_follow_up)."),
        error_messages={"invalid_choice": _UNKNOWN_STATUS},
    )
    wave = IntegerFilter(
        field_name="label__wave", min_value=1, max_value=1000,
        help_text=_("Vague de labellisation (1 : février 2019, 2 : fin 2019…)."),
        error_messages={
            "invalid": _("Indiquez la vague par un nombre entier (1, 2…)."),
            "min_value": _("Les vagues commencent à 1."),
            "max_value": _("Les vagues s'arrêtent bien avant 1000."),
        },
    )

    class Meta:
        model = Territory
        fields = ["kind", "is_published", "label", "label_status", "wave"]

    def filter_label(self, queryset, name, value):
        if value == Label.Status.LABELLED:
            return queryset.filter(label__status__in=Label.ACTIVE_STATUSES)
        return queryset.filter(label__status=value)
