"""The national dashboard's figures in the API (/api/reseau/): plain read-only shapes."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from cluster.models import SharedIndicator

AMOUNT = {"max_digits": 16, "decimal_places": 2}


class SharedIndicatorSerializer(serializers.ModelSerializer):
    theme = serializers.SlugRelatedField(slug_field="slug", read_only=True,
                                         help_text=_("Identifiant du thème national."))

    class Meta:
        model = SharedIndicator
        fields = ["slug", "name", "theme", "unit", "direction", "description"]


class YearFigureSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    objectives = serializers.DecimalField(
        **AMOUNT, source="objectifs", allow_null=True,
        help_text=_("Chiffre du réseau tiré des objectifs des territoires : somme, ou "
                    "moyenne pour une part (%)."))
    projects = serializers.DecimalField(
        **AMOUNT, source="projets", allow_null=True,
        help_text=_("Même calcul sur les résultats déclarés par les projets, jamais ajouté "
                    "au précédent."))
    territories = serializers.IntegerField(help_text=_("Territoires qui ont contribué."))


class IndicatorFiguresSerializer(serializers.Serializer):
    indicator = SharedIndicatorSerializer()
    rule = serializers.CharField(help_text=_("Comment les territoires s'additionnent."))
    years = YearFigureSerializer(many=True)
    excluded = serializers.IntegerField(
        help_text=_("Mesures écartées parce que leur objectif n'est pas dans l'unité de "
                    "l'indicateur."))


class ThemeFiguresSerializer(serializers.Serializer):
    slug = serializers.CharField(source="theme.slug")
    name = serializers.CharField(source="theme.name")
    indicators = IndicatorFiguresSerializer(many=True)


class WaveSerializer(serializers.Serializer):
    wave = serializers.IntegerField(allow_null=True)
    counts = serializers.DictField(child=serializers.IntegerField(),
                                   help_text=_("Territoires par état du label."))
    total = serializers.IntegerField()


class NetworkSummarySerializer(serializers.Serializer):
    territories = serializers.IntegerField()
    waves = WaveSerializer(many=True)
    challenges = serializers.IntegerField()
    objectives = serializers.DictField(
        child=serializers.IntegerField(),
        help_text=_("Objectifs par état : reached, on_track, late, unmeasured."))
    projects = serializers.DictField(child=serializers.IntegerField(),
                                     help_text=_("Projets par étape."))
    funds = serializers.DictField(
        child=serializers.DecimalField(**AMOUNT), allow_null=True,
        help_text=_("Budget prévu (planned) et financements accordés ou versés (raised) des "
                    "plans des clusters ; null hors de l'équipe nationale."))
    themes = ThemeFiguresSerializer(many=True)


class StepSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    kind = serializers.CharField()
    status = serializers.CharField()


class TerritoryRowSerializer(serializers.Serializer):
    slug = serializers.CharField(source="territory.slug")
    name = serializers.CharField(source="territory.name")
    label_status = serializers.CharField(help_text=_("État du label, « none » sans label."))
    wave = serializers.IntegerField(allow_null=True)
    step = StepSerializer(allow_null=True, help_text=_("L'étape en cours de la feuille de "
                                                       "route, ou la prochaine."))
    challenges = serializers.IntegerField()
    objectives = serializers.DictField(child=serializers.IntegerField())
    projects = serializers.DictField(child=serializers.IntegerField(), allow_null=True)
    funds = serializers.DictField(child=serializers.DecimalField(**AMOUNT), allow_null=True,
                                  help_text=_("Null hors de l'équipe nationale."))


class IndicatorContributionSerializer(serializers.Serializer):
    territory = serializers.CharField()
    origin = serializers.ChoiceField(choices=["objectifs", "projets"])
    label = serializers.CharField(help_text=_("L'objectif ou le projet."))
    unit = serializers.CharField()
    measured_on = serializers.DateField()
    year = serializers.IntegerField()
    value = serializers.DecimalField(**AMOUNT)
    source = serializers.CharField()
    counted = serializers.BooleanField(help_text=_("Faux quand l'unité diffère de celle de "
                                                   "l'indicateur."))


class ComparedIndicatorSerializer(serializers.Serializer):
    indicator = serializers.CharField(source="indicator.slug")
    values = serializers.ListField(
        source="cells", child=serializers.DictField(allow_null=True), help_text=_(
            "Par territoire, dans l'ordre demandé : {year, value} de la dernière année, "
            "ou null."))


class ComparisonSerializer(serializers.Serializer):
    territories = TerritoryRowSerializer(many=True, source="rows")
    indicators = ComparedIndicatorSerializer(many=True)
