from collections.abc import Mapping

from django.db import models
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from territories.api.rows import RowSerializerMixin
from territories.choices import choice_labels
from territories.locking import version_field
from territories.models import Actor, Commune, Label, Place, Territory, Theme
from territories.permissions import steward_of
from territories.validators import normalize_siret


class PerimeterSerializer(serializers.Serializer):
    level = serializers.ChoiceField(choices=Territory.PerimeterLevel.choices)
    codes = serializers.ListField(child=serializers.CharField(max_length=9), allow_empty=False,
                                  max_length=5000)


@extend_schema_field(OpenApiTypes.STR)
class ChoiceLabelField(serializers.ReadOnlyField):
    """The label of a choice field's value, in the request's language.

    The labels are translated once per field, so once per request for a whole list,
    rather than once per row as `get_<field>_display` does.
    """

    def __init__(self, *, choices, **kwargs):
        self.choices = choices
        self._labels = None
        super().__init__(**kwargs)

    def to_representation(self, value):
        if self._labels is None:
            self._labels = choice_labels(self.choices)
        return self._labels.get(value, value)


class LabelSerializer(serializers.ModelSerializer):
    """Where the territory's label stands, its wave and the day it was granted."""

    status_display = ChoiceLabelField(source="status", choices=Label.Status.choices)

    class Meta:
        model = Label
        fields = ["status", "status_display", "wave", "labelled_on"]
        read_only_fields = fields


class CooperationCodeSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=20, help_text=_(
        "Code INSEE d'une commune (5 caractères) ou SIREN d'une intercommunalité (9 chiffres) "
        "de la géographie officielle."))


class CooperationTerritorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Territory
        fields = ["slug", "name", "is_published"]
        read_only_fields = fields


class TerritorySerializer(serializers.ModelSerializer):
    """A territory; its perimeter is written as {level, codes} and read back the same way."""

    population = serializers.IntegerField(source="total_population", read_only=True)
    commune_count = serializers.IntegerField(read_only=True)
    url = serializers.HyperlinkedIdentityField(view_name="api:territory-detail",
                                               lookup_field="slug")
    transitions = serializers.ListField(
        child=serializers.ChoiceField(choices=Territory.Transition.choices), required=False)
    perimeter = PerimeterSerializer(write_only=True)
    perimeter_level = serializers.CharField(read_only=True)
    perimeter_codes = serializers.ListField(read_only=True)
    steward = serializers.SerializerMethodField(
        help_text=_("Identifiant du collectif qui anime le territoire ; ses animateur·rices "
                    "et l'équipe nationale le modifient."))
    label = LabelSerializer(
        read_only=True, allow_null=True,
        help_text=_("Le label « Territoire French Impact » : état, vague et date ; null pour "
                    "un territoire qui n'a jamais candidaté."))
    version = version_field()

    class Meta:
        model = Territory
        fields = ["url", "slug", "name", "kind", "summary", "transitions", "population",
                  "commune_count", "perimeter", "perimeter_level", "perimeter_codes",
                  "is_published", "steward", "label", "version"]
        read_only_fields = ["slug"]

    def get_steward(self, territory) -> str | None:
        collective = steward_of(territory)
        return collective.slug if collective is not None else None

    def validate_perimeter(self, perimeter):
        # A partial update (PATCH) makes the nested fields optional: a perimeter is whole.
        if "level" not in perimeter or "codes" not in perimeter:
            raise serializers.ValidationError(
                _("Indiquez le niveau et les codes du périmètre, ensemble."))
        return perimeter



class BoundedDateTimeField(serializers.DateTimeField):
    """A date and time between the years 1900 and 2200: year 623 is a typing slip.

    Outside those years the time zone database only knows the local mean time (Paris was
    UTC+00:09:21), and no event of the platform happens then.
    """

    MIN_YEAR, MAX_YEAR = 1900, 2200

    def to_internal_value(self, value):
        moment = super().to_internal_value(value)
        if not self.MIN_YEAR <= moment.year <= self.MAX_YEAR:
            raise serializers.ValidationError(
                _("Indiquez une date entre %(first)s et %(last)s.")
                % {"first": self.MIN_YEAR, "last": self.MAX_YEAR}, code="date_out_of_range")
        return moment


class FixedParentsMixin:
    # (Comments, not a docstring: the schema would show it as the description of every
    # serializer using the mixin.) Refuse, on update, a new value for the parents named in
    # `fixed_parents`, which maps a field to the French message that refuses the move. A
    # row stays under the parent it was created in (an actor in its territory, a défi in
    # its cluster): moving it would put it where the person may have no right to create
    # it, and the pages never move one either. Sending the same value back is accepted, so
    # a client may PUT what it read. Every writable serializer with a parent uses this.

    fixed_parents = {}

    def validate(self, attrs):
        if self.instance is not None and isinstance(self.instance, models.Model):
            for name, message in self.fixed_parents.items():
                if name in attrs and attrs[name] != getattr(self.instance, name):
                    raise serializers.ValidationError(message, code="fixed_parent")
        return super().validate(attrs)


class ItemSerializer(FixedParentsMixin, serializers.ModelSerializer):
    territory = serializers.SlugRelatedField(slug_field="slug", queryset=Territory.objects.all())
    fixed_parents = {"territory": _("Un élément ne change pas de territoire.")}
    version = version_field()


class LocatedItemSerializer(ItemSerializer):
    commune = serializers.SlugRelatedField(
        slug_field="code", queryset=Commune.objects.all(), required=False, allow_null=True,
        error_messages={"does_not_exist": _("Commune inconnue : code INSEE {value}.")},
    )

    def validate(self, attrs):
        attrs = super().validate(attrs)
        latitude = attrs.get("latitude", getattr(self.instance, "latitude", None))
        longitude = attrs.get("longitude", getattr(self.instance, "longitude", None))
        if (latitude is None) != (longitude is None):
            raise serializers.ValidationError(
                _("Indiquez la latitude et la longitude, ou aucune des deux."))
        commune = attrs.get("commune")
        if commune is not None and commune.parent_id:
            attrs["commune"] = commune.parent
        return attrs


class ItemRowsMixin(RowSerializerMixin):
    # (A comment, not a docstring: the schema would show it.) The lists of the map's items
    # are served from `.values()` rows (territories.api.rows): the territory's slug and
    # the commune's code (its primary key) come as read.

    ROW_VALUES = {"territory": "territory__slug", "commune": "commune_id"}
    RAW_FIELDS = ("territory", "commune")


class ActorSerializer(ItemRowsMixin, LocatedItemSerializer):
    """An actor of a territory's map: a public body, an association, a company… that acts
    there, with its themes and where it stands."""

    ATTACHED_FIELDS = ("themes",)  # the slugs of the page's themes, one query (ItemViewSet)

    themes = serializers.SlugRelatedField(slug_field="slug", queryset=Theme.objects.all(),
                                          many=True, required=False)

    class Meta:
        model = Actor
        fields = ["id", "territory", "name", "kind", "siret", "description", "themes",
                  "free_tags", "commune", "address", "latitude", "longitude", "website",
                  "email", "is_published", "version", "created_at", "updated_at"]
        read_only_fields = ["id", "created_at", "updated_at"]
        validators = []  # the SIRET rule is checked in validate(), with a French message

    def to_internal_value(self, data):
        # Anything but a string is left for the field to refuse (400).
        if isinstance(data, Mapping) and isinstance(data.get("siret"), str):
            data = data.copy()
            data["siret"] = normalize_siret(data["siret"])
        return super().to_internal_value(data)

    def validate(self, attrs):
        attrs = super().validate(attrs)
        siret = attrs.get("siret", getattr(self.instance, "siret", ""))
        territory = attrs.get("territory", getattr(self.instance, "territory", None))
        if siret:
            twins = Actor.objects.filter(territory=territory, siret=siret)
            if self.instance is not None:
                twins = twins.exclude(pk=self.instance.pk)
            if twins.exists():
                raise serializers.ValidationError(
                    {"siret": [_("Un acteur de ce territoire a déjà ce SIRET.")]})
        return attrs


class PlaceSerializer(ItemRowsMixin, LocatedItemSerializer):
    """A place of a territory's map, realised or emerging: a tiers-lieu, a friche, a
    fablab…"""

    class Meta:
        model = Place
        fields = ["id", "territory", "name", "kind", "status", "description", "operator",
                  "commune", "address", "latitude", "longitude", "is_published", "version",
                  "created_at", "updated_at"]
        read_only_fields = ["id", "created_at", "updated_at"]
