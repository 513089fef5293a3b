import re
from decimal import Decimal

from django import forms
from django.utils import formats
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from funding.models import (
    BudgetLine,
    Call,
    Contribution,
    Decision,
    Dossier,
    FundingPlan,
    FundingSource,
    Review,
)
from funding.permissions import CHOICE_REQUIRED
from funding.selectors import STRATEGIC_PLAN_MIN_CHARS
from funding.webhook_models import WebhookEndpoint
from territories.locking import VersionedFormMixin

# Catalogue and funding plans -------------------------------------------------------------

SPACES = re.compile(r"[\s\u00a0\u202f€]")


def normalize_amount(text):
    """Read an amount as people type it: "12 500,50", "12 500 €", "12.500,50", "12500.50".

    Spaces (including the non-breaking ones French formatting uses) and the euro sign
    go; a comma is the decimal separator, and when a point comes with it the point
    separates thousands.
    """
    text = SPACES.sub("", text)
    if "," in text and "." in text:
        if text.rfind(",") > text.rfind("."):
            text = text.replace(".", "").replace(",", ".")
        else:
            text = text.replace(",", "")
    elif "," in text:
        text = text.replace(",", ".")
    return text


class MoneyField(forms.DecimalField):
    """An amount in euros, more than zero, to the cent, typed the French way."""

    default_error_messages = {
        "invalid": _("Saisissez un montant en euros, par exemple 12 500,50."),
        "min_value": _("Le montant doit être supérieur à zéro."),
        "max_digits": _("Ce montant est trop élevé pour un plan de financement."),
        "max_whole_digits": _("Ce montant est trop élevé pour un plan de financement."),
        "max_decimal_places": _("Un montant s'arrête aux centimes : deux chiffres après la "
                                "virgule au plus."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal",
                                                           "autocomplete": "off"}))
        kwargs.setdefault("localize", True)  # shown back as "20000,50"
        super().__init__(max_digits=14, decimal_places=2, min_value=Decimal("0.01"), **kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = normalize_amount(value)
        return super().to_python(value)

    def widget_attrs(self, widget):
        # A text input: no "step" or "min" that would make the browser refuse "12 500,50".
        attrs = super().widget_attrs(widget)
        for name in ("step", "min", "max"):
            attrs.pop(name, None)
        return attrs


def year_choices(plan):
    return [(year, str(year)) for year in range(plan.first_year, plan.last_year + 1)]


class PlanYearField(forms.TypedChoiceField):
    """One of the plan's years; any other is refused in words that say which ones fit."""

    def __init__(self, *, plan, **kwargs):
        super().__init__(coerce=int, choices=year_choices(plan), label=_("Année"), **kwargs)
        self.error_messages["invalid_choice"] = _(
            "L'année doit être l'une des années du plan, de %(first)s à %(last)s.") % {
            "first": plan.first_year, "last": plan.last_year}


class PlanForm(VersionedFormMixin, forms.ModelForm):
    """A plan's title, its years and, for a project's plan, the project."""

    class Meta:
        model = FundingPlan
        fields = ["title", "project", "first_year", "last_year"]
        help_texts = {
            "project": _("Laissez vide pour le plan d'ensemble du cluster."),
            "first_year": _("Un plan couvre de 1 à 10 années."),
        }

    def __init__(self, *args, cluster, needs_project=False, **kwargs):
        super().__init__(*args, **kwargs)
        projects = cluster.projects.filter(funding_plan__isnull=True)
        if self.instance.project_id:
            projects = cluster.projects.filter(funding_plan__isnull=True) | \
                cluster.projects.filter(pk=self.instance.project_id)
        field = self.fields["project"]
        field.queryset = projects.order_by("title")
        field.empty_label = _("— Plan d'ensemble du cluster —")
        if needs_project:
            # The cluster has its own plan already: a new one is a project's.
            field.required, field.empty_label = True, None
            field.help_text = _("Le cluster a déjà son plan d'ensemble : ce plan-ci est "
                                "celui d'un de ses projets.")
        for name in ("first_year", "last_year"):
            self.fields[name].widget = forms.NumberInput(attrs={"min": 2000, "max": 2100})
            self.fields[name].error_messages["invalid"] = _("Saisissez une année, par exemple "
                                                            "2026.")

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("first_year"), cleaned.get("last_year")
        if first and last and last < first:
            self.add_error("last_year", _("La dernière année du plan doit suivre ou égaler la "
                                          "première."))
        return cleaned


class BudgetLineForm(forms.ModelForm):
    amount = MoneyField(label=_("Montant (€)"))

    class Meta:
        model = BudgetLine
        fields = ["label", "year", "amount"]
        help_texts = {"label": _("Par exemple : coordination du cluster (1 ETP), location du "
                                 "tiers-lieu, évènement de valorisation.")}

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"] = PlanYearField(plan=plan)


class SourceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, source):
        label = f"{source.name} — {source.funder.name}"
        if source.closes_on:
            return f"{label} ({_('clos le')} {date_format(source.closes_on, 'SHORT_DATE_FORMAT')})"
        return label


class ContributionForm(forms.ModelForm):
    """A contribution; the source is chosen in the catalogue, filtered by typing."""

    source = SourceChoiceField(
        label=_("Source de financement"), queryset=FundingSource.objects.none(),
        empty_label=_("— Choisissez dans le catalogue —"),
        widget=forms.Select(attrs={"data-source-select": ""}))
    amount = MoneyField(label=_("Montant (€)"))

    class Meta:
        model = Contribution
        fields = ["source", "year", "amount", "status", "note"]
        help_texts = {"note": _("Par exemple : le nom exact du financeur local, le dispositif, "
                                "la date de la demande.")}

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = FundingSource.objects.select_related(
            "funder").order_by("name")
        self.fields["year"] = PlanYearField(plan=plan)


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


# Reviews, conflicts of interest, decisions -------------------------------------------------

class ConflictDeclarationForm(forms.Form):
    has_conflict = forms.TypedChoiceField(
        label=_("Avez-vous un conflit d'intérêts avec ce dossier ?"),
        choices=[("non", _("Non, aucun lien avec le collectif ni avec ses acteurs")),
                 ("oui", _("Oui : je ne l'instruirai pas"))],
        coerce=lambda value: value == "oui", widget=forms.RadioSelect,
        error_messages={"required": CHOICE_REQUIRED},
        help_text=_("Un lien personnel, professionnel ou financier avec le collectif, l'un de "
                    "ses acteurs ou ses entreprises engagées. Un conflit déclaré vous retire "
                    "ce dossier ; la déclaration est définitive."))
    explanation = forms.CharField(label=_("Précision"), max_length=2000, required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))


class ReviewForm(forms.Form):
    """One score field per criterion of the call's grid, then the comment and recommendation."""

    comment = forms.CharField(label=_("Commentaire"), max_length=10000,
                              widget=forms.Textarea(attrs={"rows": 5}))
    recommendation = forms.ChoiceField(label=_("Recommandation"),
                                       choices=[("", _("— Choisir —")),
                                                *Review.Recommendation.choices],
                                       widget=forms.Select(attrs={"class": "form-select"}))

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        scores = {}
        for criterion in self.criteria:
            scores[f"score_{criterion.pk}"] = forms.IntegerField(
                label=criterion.label, min_value=0, max_value=criterion.max_score,
                help_text=_("de 0 à %(max)s, poids %(weight)s")
                % {"max": criterion.max_score, "weight": criterion.weight},
                widget=forms.NumberInput(attrs={"class": "form-control", "style": "width:6rem"}))
        self.fields = {**scores, **self.fields}

    def score_fields(self):
        return [self[f"score_{criterion.pk}"] for criterion in self.criteria]

    def scores(self):
        return {criterion.pk: self.cleaned_data[f"score_{criterion.pk}"]
                for criterion in self.criteria}


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Décision"), choices=Decision.Outcome.choices,
                                widget=forms.RadioSelect)
    granted_amount = forms.CharField(
        label=_("Montant accordé (€)"), required=False, max_length=30,
        help_text=_("Pour un financement accepté ; vide pour un label."))
    comment = forms.CharField(label=_("Motivation"), max_length=10000,
                              widget=forms.Textarea(attrs={"rows": 4}),
                              help_text=_("Le collectif la lira avec la décision."))

    def clean_granted_amount(self):
        text = self.cleaned_data["granted_amount"].strip()
        if not text:
            return None
        try:
            return Decimal(normalize_amount(text))
        except (ArithmeticError, ValueError):
            raise forms.ValidationError(_("Saisissez un montant en euros, par exemple "
                                          "12 500,50.")) from None


class ReviewFilterForm(forms.Form):
    call = forms.ChoiceField(label=_("Appel"), required=False,
                             widget=forms.Select(attrs={"class": "form-select"}))
    status = forms.ChoiceField(
        label=_("État"), required=False,
        choices=[("", _("Tous"))] + [choice for choice in Dossier.Status.choices
                                     if choice[0] != Dossier.Status.DRAFT],
        widget=forms.Select(attrs={"class": "form-select"}))
    todo = forms.BooleanField(label=_("Sans mon avis"), required=False)

    def __init__(self, *args, calls, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["call"].choices = [("", _("Tous"))] + [(call.slug, call.title)
                                                          for call in calls]


# Webhooks of the funders -------------------------------------------------------------------


class WebhookEndpointForm(forms.Form):
    url = forms.URLField(label=_("Adresse"), max_length=500, assume_scheme="https",
                         help_text=_("Une adresse HTTPS de votre système, par exemple "
                                     "https://exemple.fr/webhooks/clusters."))
    events = forms.MultipleChoiceField(
        label=_("Évènements à recevoir"), widget=forms.CheckboxSelectMultiple,
        choices=WebhookEndpoint.Event.choices)
    is_active = forms.BooleanField(label=_("Actif"), required=False, initial=True,
                                   help_text=_("Décochez pour suspendre les envois."))


class FunderInvitationForm(forms.Form):
    email = forms.EmailField(
        label=_("Adresse e-mail de la personne"), max_length=254,
        error_messages={"invalid": _("Saisissez une adresse e-mail valide, par exemple "
                                     "prenom.nom@exemple.fr."),
                        "required": _("Saisissez l'adresse e-mail de la personne à inviter.")},
        help_text=_("Elle reçoit un lien valable quelques jours pour rejoindre les "
                    "instructeur·rices du financeur, avec son compte ou un compte à créer."),
    )
