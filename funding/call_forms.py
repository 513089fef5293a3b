"""Forms of the back office's calls: the call itself, its grid (a formset), its opening."""

from django import forms
from django.utils.translation import gettext_lazy as _

from funding.models import Call, Dossier

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _moment(label):
    return forms.DateTimeField(label=label, widget=DATETIME)


class CallForm(forms.Form):
    """A call's settings; `funders` are those the person manages."""

    title = forms.CharField(label=_("Intitulé"), max_length=180)
    funder = forms.ModelChoiceField(label=_("Financeur"), queryset=None)
    kind = forms.ChoiceField(label=_("Nature"), choices=Call.Kind.choices)
    wave = forms.IntegerField(label=_("Vague de labellisation"), min_value=1, required=False,
                              help_text=_("Pour un appel de label seulement."))
    opens_at = _moment(_("Ouverture"))
    deadline = _moment(_("Date limite de dépôt"))
    max_amount = forms.DecimalField(label=_("Montant maximum demandé (€)"), min_value=0,
                                    max_digits=14, decimal_places=2, required=False)
    description = forms.CharField(label=_("Présentation"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, funders, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["funder"].queryset = funders.order_by("name")


class CallOpenForm(forms.Form):
    opens_at = _moment(_("Ouverture"))
    deadline = _moment(_("Date limite de dépôt"))


POSITIVE = {"min_value": _("Un nombre entier positif : 1 au moins.")}


class CriterionForm(forms.Form):
    label = forms.CharField(label=_("Critère"), max_length=200)
    description = forms.CharField(label=_("Ce qui est regardé"), required=False)
    weight = forms.IntegerField(label=_("Poids"), min_value=1, initial=1,
                                error_messages=POSITIVE)
    max_score = forms.IntegerField(label=_("Note maximale"), min_value=1, initial=5,
                                   error_messages=POSITIVE)


CriterionFormSet = forms.formset_factory(CriterionForm, extra=2, can_delete=True)


def grid_lines(formset):
    """Return the formset's criteria in order, deleted and empty lines left out."""
    return [form.cleaned_data for form in formset.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")]


class DossierFilterForm(forms.Form):
    call = forms.ModelChoiceField(label=_("Appel"), queryset=None, required=False,
                                  empty_label=_("Tous les appels"))
    status = forms.ChoiceField(label=_("État"), required=False,
                               choices=[("", _("Tous les états")), *Dossier.Status.choices])

    def __init__(self, *args, calls, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["call"].queryset = calls.order_by("-deadline", "pk")
