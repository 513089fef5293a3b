import re

from django import forms
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _

from territories.locking import VersionedFormMixin
from territories.models import Actor, Commune, KeyFigure, LocalPolicy, Place, Resource, Territory
from territories.validators import normalize_siret


class CommuneField(forms.CharField):
    """A commune typed as its INSEE code, helped by an autocomplete list."""

    default_error_messages = {
        "unknown": _("Commune inconnue : choisissez-la dans la liste (nom, code postal ou code "
                     "INSEE)."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("Commune"))
        kwargs.setdefault("help_text", _("Tapez le nom, le code postal ou le code INSEE."))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, Commune):
            return value.code
        return value

    def to_python(self, value):
        value = super().to_python(value).strip()
        if not value:
            return None
        code = value.split(" ")[0]
        commune = Commune.objects.filter(code=code).first()
        if commune is None:
            raise forms.ValidationError(self.error_messages["unknown"], code="unknown")
        return commune.parent or commune


def commune_widget():
    return forms.TextInput(attrs={
        "list": "communes-suggestions",
        "autocomplete": "off",
        "hx-get": "/territoires/communes/",
        "hx-trigger": "input changed delay:250ms",
        "hx-target": "#communes-suggestions",
        "hx-swap": "innerHTML",
        "name": "commune",
    })


class ActorChoicesMixin:
    """Offer only the territory's own actors in the fields named in `actor_fields`."""

    actor_fields = ()

    def __init__(self, *args, territory, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.actor_fields:
            self.fields[name].queryset = territory.actors.order_by("name")


class LocatedItemForm(forms.ModelForm):
    commune = CommuneField(widget=commune_widget())

    def clean_address(self):
        # Browsers send a textarea's line breaks as \r\n; store them as \n, like the import.
        return "\n".join(self.cleaned_data.get("address", "").splitlines())

    def clean(self):
        cleaned = super().clean()
        latitude, longitude = cleaned.get("latitude"), cleaned.get("longitude")
        if (latitude is None) != (longitude is None):
            raise forms.ValidationError(
                _("Indiquez la latitude et la longitude, ou aucune des deux.")
            )
        return cleaned


class ActorForm(VersionedFormMixin, LocatedItemForm):
    # Wider than 14: people type spaces or dots inside, removed by clean_siret.
    siret = forms.CharField(label=_("SIRET"), max_length=20, required=False,
                            help_text=_("14 chiffres ; facultatif."))
    website = forms.URLField(label=_("Site web"), required=False, assume_scheme="https")

    class Meta:
        model = Actor
        fields = ["name", "kind", "siret", "description", "themes", "free_tags", "commune",
                  "address", "latitude", "longitude", "website", "email", "is_published"]
        widgets = {"themes": forms.CheckboxSelectMultiple, "description": forms.Textarea(
            attrs={"rows": 4}), "address": forms.Textarea(attrs={"rows": 2})}

    def clean_siret(self):
        return normalize_siret(self.cleaned_data.get("siret"))


class PlaceForm(VersionedFormMixin, ActorChoicesMixin, LocatedItemForm):
    actor_fields = ("operator",)

    class Meta:
        model = Place
        fields = ["name", "kind", "status", "description", "operator", "commune", "address",
                  "latitude", "longitude", "is_published"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4}),
                   "address": forms.Textarea(attrs={"rows": 2})}


class ResourceForm(ActorChoicesMixin, forms.ModelForm):
    actor_fields = ("provider",)

    class Meta:
        model = Resource
        fields = ["name", "kind", "description", "provider", "is_published"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}


class LocalPolicyForm(forms.ModelForm):
    url = forms.URLField(label=_("Lien"), required=False, assume_scheme="https")

    class Meta:
        model = LocalPolicy
        fields = ["name", "level", "description", "url", "is_published"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}


class ActorImportConfirmForm(forms.Form):
    include_outside = forms.BooleanField(
        label=_("Importer aussi les acteurs dont la commune est hors du périmètre du "
                "territoire"),
        required=False,
        help_text=_("Sinon ces lignes sont laissées de côté ; elles sont signalées dans "
                    "l'aperçu."),
    )


class ActorImportForm(forms.Form):
    file = forms.FileField(
        label=_("Fichier CSV"),
        help_text=_("Export Excel « CSV (séparateur : point-virgule) » ou CSV UTF-8, 10 Mo au "
                    "plus. Une ligne d'en-têtes, par exemple : Nom de la structure ; SIRET ; "
                    "Code postal ; Commune ; Latitude ; Longitude."),
    )

    publish = forms.BooleanField(
        label=_("Publier les nouveaux acteurs"), required=False,
        help_text=_("Sinon ils restent en brouillon, visibles des seuls collectifs du territoire."),
    )

    def __init__(self, *args, max_bytes, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_bytes = max_bytes

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".txt")):
            raise forms.ValidationError(_("Envoyez un fichier .csv (ou .txt)."))
        if upload.size > self.max_bytes:
            raise forms.ValidationError(
                _("Fichier trop lourd : %(size)s Mo, pour %(max)s Mo au plus."),
                params={"size": round(upload.size / 1_048_576, 1),
                        "max": self.max_bytes // 1_048_576},
            )
        if upload.size == 0:
            raise forms.ValidationError(_("Le fichier est vide."))
        return upload


class TerritoryForm(VersionedFormMixin, forms.ModelForm):
    transitions = forms.MultipleChoiceField(
        label=_("Transitions auxquelles le territoire fait face"), required=False,
        choices=Territory.Transition.choices, widget=forms.CheckboxSelectMultiple)
    perimeter_level = forms.ChoiceField(
        label=_("Périmètre choisi par"), choices=Territory.PerimeterLevel.choices,
        widget=forms.RadioSelect, initial=Territory.PerimeterLevel.EPCI)
    perimeter_codes = forms.CharField(
        label=_("Codes du périmètre"), widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Codes INSEE des communes, SIREN des EPCI, codes des départements ou de la "
                    "région, séparés par des espaces ou des virgules. Cherchez-les ci-dessous."),
        error_messages={"required": _("Choisissez au moins une commune, un EPCI, un "
                                      "département ou une région.")},
    )

    cooperation_code = forms.CharField(
        label=_("Autre territoire de coopération prioritaire (code officiel)"), required=False,
        max_length=20,
        help_text=_("Le code INSEE d'une commune ou le SIREN d'une intercommunalité, même "
                    "sans cluster sur la plateforme : un territoire à son nom est créé en "
                    "brouillon si besoin."))

    class Meta:
        model = Territory
        fields = ["name", "kind", "summary", "transitions", "cooperation_territories",
                  "is_published"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 4}),
                   "cooperation_territories": forms.CheckboxSelectMultiple}

    def __init__(self, *args, cooperation_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cooperation_territories"].queryset = cooperation_choices
        if self.instance.pk:
            self.fields["cooperation_territories"].queryset = cooperation_choices.exclude(
                pk=self.instance.pk)
            self.initial.setdefault("perimeter_level", self.instance.perimeter_level)
            self.initial.setdefault("perimeter_codes", " ".join(self.instance.perimeter_codes))

    def clean_perimeter_codes(self):
        return [code for code in re.split(r"[\s,;]+", self.cleaned_data["perimeter_codes"])
                if code]


KeyFigureFormSet = inlineformset_factory(
    Territory, KeyFigure, fields=["label", "value", "unit", "year", "source"], extra=2,
    can_delete=True,
)
