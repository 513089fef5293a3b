from django import forms
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from funding.models import Call, Dossier
from funding.selectors import STRATEGIC_PLAN_MIN_CHARS

# Calls and dossiers ------------------------------------------------------------------------


class CallFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Nature"), required=False,
                             choices=[("", _("Toutes"))] + list(Call.Kind.choices),
                             widget=forms.Select(attrs={"class": "form-select"}))


class DossierStartForm(forms.Form):
    title = forms.CharField(
        label=_("Intitulé du dossier"), max_length=200, required=False,
        help_text=_("Laissez vide pour reprendre l'intitulé de l'appel et le nom du territoire."))


class DossierForm(forms.ModelForm):
    """The texts and amount of a dossier, with the version they were read at."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)
    requested_amount = forms.DecimalField(
        label=_("Montant demandé (€)"), required=False, min_value=0, max_digits=14,
        decimal_places=2, localize=True,
        error_messages={"invalid": _("Indiquez un montant en euros, par exemple 12500 ou "
                                     "12500,50."),
                        "min_value": _("Le montant demandé ne peut pas être négatif.")})

    class Meta:
        model = Dossier
        fields = ["title", "summary", "strategic_plan", "requested_amount"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 6}),
                   "strategic_plan": forms.Textarea(attrs={"rows": 12})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.instance.version
        self.fields["summary"].help_text = _(
            "Ce que fait le cluster, pour qui, avec qui, et ce que l'appel lui permettra.")
        self.fields["strategic_plan"].help_text = _(
            "Les grandes orientations du territoire sur plusieurs années : étapes, moyens, "
            "gouvernance. Le label en demande au moins %(min)s caractères.") % {
            "min": STRATEGIC_PLAN_MIN_CHARS}
        call = self.instance.call
        if call.max_amount is not None:
            self.fields["requested_amount"].help_text = _(
                "%(max)s € au plus pour cet appel.") % {
                "max": formats.number_format(call.max_amount, decimal_pos=0, force_grouping=True)}
        elif call.kind == Call.Kind.LABEL:
            self.fields["requested_amount"].help_text = _(
                "Facultatif pour un label : le soutien en ingénierie éventuellement demandé.")

    def clean(self):
        cleaned = super().clean()
        # A hidden field's own error would not show: say it for the whole form.
        if cleaned.get("version") is None:
            raise forms.ValidationError(_("La version lue du dossier manque : rechargez la "
                                          "page, puis refaites vos changements."))
        return cleaned

    def fields_to_save(self):
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class MoreInfoForm(forms.Form):
    comment = forms.CharField(
        label=_("Ce que le collectif doit compléter"), max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("Dites au collectif ce qu'il doit compléter.")})
