"""Forms of the first-run path: start a cluster (on a territory found, or created from its
official codes), ask to join a collective."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from cluster.forms import ClusterCreateForm
from cluster.onboarding import NEW_TERRITORY_LEVELS, NewTerritory
from cluster.stewardship_models import MESSAGE_MAX_LENGTH
from territories.models import Territory

# The fields that create the territory, shown together below the territory list.
NEW_TERRITORY_FIELDS = ("territory_name", "perimeter_level", "perimeter_codes", "kind")


class FirstClusterForm(ClusterCreateForm):
    """Start a cluster from the first-run path: for a collective the person facilitates,
    or for a new one named here; on a territory of the list, or one created here from its
    official codes."""

    collective_name = forms.CharField(
        label=_("Nom du nouveau collectif porteur"), required=False, max_length=200,
        help_text=_("Par exemple « Collectif Transitions Grand Poitiers ». Vous en serez "
                    "l'animateur·rice et pourrez inviter les autres membres."))
    territory_name = forms.CharField(
        label=_("Nom du territoire"), required=False, max_length=200,
        help_text=_("Par exemple « Grand Poitiers ». Le territoire reste un brouillon, que "
                    "votre collectif anime, jusqu'à sa publication par l'équipe nationale."))
    perimeter_level = forms.ChoiceField(
        label=_("Périmètre choisi par"), widget=forms.RadioSelect, required=False,
        initial=Territory.PerimeterLevel.EPCI,
        choices=[(value, label) for value, label in Territory.PerimeterLevel.choices
                 if value in NEW_TERRITORY_LEVELS],
        error_messages={"invalid_choice": _("Choisissez le niveau du périmètre : communes ou "
                                            "intercommunalités (EPCI).")})
    perimeter_codes = forms.CharField(
        label=_("Codes officiels"), required=False, max_length=2000,
        help_text=_("SIREN des intercommunalités ou codes INSEE des communes, séparés par des "
                    "espaces ou des virgules. Cherchez-les par leur nom ci-dessous."))
    kind = forms.ChoiceField(
        label=_("Type de territoire"), required=False,
        choices=[("", _("déduit du périmètre"))] + list(Territory.Kind.choices))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["territory"].required = False
        self.fields["territory"].help_text = _(
            "Un territoire publié, ou l'un de ceux que vous préparez. Absent de la liste ? "
            "Créez-le ci-dessous depuis ses codes officiels.")
        self.fields["collective"].required = False
        if not self.fields["collective"].queryset.exists():
            del self.fields["collective"]

    def clean(self):
        data = super().clean()
        if not data.get("collective") and not (data.get("collective_name") or "").strip():
            self.add_error("collective_name", _("Nommez le collectif porteur que vous lancez."))
        new = [data.get(name) for name in ("territory_name", "perimeter_codes", "kind")]
        data["new_territory"] = NewTerritory(
            name=data.get("territory_name", ""), level=data.get("perimeter_level", ""),
            codes=tuple(re.split(r"[\s,;]+", data.get("perimeter_codes") or "")),
            kind=data.get("kind", "")) if any(new) else None
        return data

    def launch_arguments(self):
        """Return the keyword arguments of cluster_launch, from the valid form."""
        data = self.cleaned_data
        return {"territory": data["territory"], "new_territory": data["new_territory"],
                "start_date": data["start_date"], "duration_months": data["duration_months"],
                "collective": data.get("collective"),
                "collective_name": data.get("collective_name", ""),
                "message": data["message"]}


class JoinRequestForm(forms.Form):
    message = forms.CharField(
        label=_("Message aux animateur·rices"), required=False, max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Présentez-vous : votre structure, ce que vous voulez apporter."))
