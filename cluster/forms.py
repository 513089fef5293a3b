from decimal import Decimal

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.forms import PasswordResetForm as BasePasswordResetForm
from django.forms import inlineformset_factory
from django.template import loader
from django.template.defaultfilters import floatformat
from django.utils import formats
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from cluster.measurement_import import MAX_BYTES as IMPORT_MAX_BYTES
from cluster.models import (
    Challenge,
    Engagement,
    Measurement,
    Milestone,
    Objective,
    RoadmapStep,
    SteeringDecision,
    SteeringMeeting,
    User,
)
from cluster.services import API_TOKEN_LIFETIMES_DAYS, COMPANY_SIZES
from cluster.tasks import send_email_task
from territories.csvfiles import parse_number


class LoginForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "Adresse e-mail ou mot de passe incorrect. Vérifiez votre saisie ou demandez un "
            "nouveau mot de passe."
        ),
    }


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["first_name", "last_name"]
        labels = {"first_name": _("Prénom"), "last_name": _("Nom")}


class ApiTokenCreateForm(forms.Form):
    lifetime_days = forms.TypedChoiceField(
        label=_("Durée de validité"),
        coerce=int,
        choices=[(days, format_lazy("{days} {unit}", days=days, unit=_("jours")))
                 for days in API_TOKEN_LIFETIMES_DAYS],
        initial=90,
        error_messages={
            "invalid_choice": _("Choisissez une durée proposée : 30, 90 ou 365 jours."),
            "required": _("Choisissez une durée de validité."),
        },
    )


class PasswordResetForm(BasePasswordResetForm):
    """Django's reset form, sending its e-mail through the task queue."""

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        html_body = None
        if html_email_template_name:
            html_body = loader.render_to_string(html_email_template_name, context)
        send_email_task.delay(subject=subject, body=body, to=[to_email], html_body=html_body)


class ChallengeForm(forms.ModelForm):
    class Meta:
        model = Challenge
        fields = ["title", "kind", "theme", "summary"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 3})}


class ObjectiveForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Objective
        fields = ["title", "unit", "baseline", "target", "direction", "target_date"]
        widgets = {"target_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
        help_texts = {"unit": _("Par exemple : personnes accompagnées, tonnes, hectares.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.instance.version


class MeasurementForm(forms.ModelForm):
    class Meta:
        model = Measurement
        fields = ["measured_on", "value", "source"]
        widgets = {"measured_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
        help_texts = {"source": _("D'où vient ce chiffre : enquête, rapport, comptage…")}


class StepForm(forms.ModelForm):
    class Meta:
        model = RoadmapStep
        fields = ["start_date", "end_date", "status"]
        widgets = {"start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                   "end_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            raise forms.ValidationError(_("La fin de l'étape doit suivre son début."))
        return cleaned


class MilestoneForm(forms.ModelForm):
    class Meta:
        model = Milestone
        fields = ["title", "due_date"]
        widgets = {"due_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}


# Engaged companies, comité de pilotage, measurements in bulk -------------------------------

class EurosField(forms.DecimalField):
    """A sum in euros typed the French way: « 1 500,50 » as well as « 1500.50 »."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return parse_number(str(value))
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            return floatformat(value, "-2g")
        return value


class EngagementForm(forms.ModelForm):
    value = EurosField(
        label=_("Valeur (€)"), required=False, max_digits=12, decimal_places=2, min_value=0,
        help_text=_("Montant versé, ou valorisation des compétences et des achats. Par exemple "
                    "« 12 500 » ou « 1 500,50 »."),
        error_messages={
            "invalid": _("Saisissez un montant en euros, en chiffres : par exemple 1 500,50."),
            "min_value": _("La valeur ne peut pas être négative."),
        },
    )

    class Meta:
        model = Engagement
        fields = ["company", "kind", "size", "value", "start_date", "description"]
        widgets = {"start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                   "description": forms.Textarea(attrs={"rows": 4})}
        help_texts = {"company": _("Un acteur du territoire ; les entreprises sont proposées en "
                                   "premier. Absente de la liste ? Ajoutez-la d'abord à la "
                                   "cartographie du territoire.")}

    def __init__(self, *args, territory, **kwargs):
        super().__init__(*args, **kwargs)
        actors = list(territory.actors.only("pk", "name", "kind").order_by("name", "pk"))
        companies = [actor for actor in actors if actor.kind in COMPANY_SIZES]
        others = [actor for actor in actors if actor.kind not in COMPANY_SIZES]
        company = self.fields["company"]
        company.queryset = territory.actors.all()
        choices = [("", "---------")]
        if companies:
            choices.append((_("Entreprises"), [
                (actor.pk, f"{actor.name} ({actor.get_kind_display()})") for actor in companies]))
        if others:
            choices.append((_("Autres acteurs du territoire"), [
                (actor.pk, f"{actor.name} ({actor.get_kind_display()})") for actor in others]))
        company.choices = choices
        size = self.fields["size"]
        size.required = False
        size.help_text = _("Laissée vide, elle reprend la taille de l'acteur quand il est "
                           "répertorié comme entreprise (TPE, PME, ETI, grand groupe).")


class SteeringMeetingForm(forms.ModelForm):
    class Meta:
        model = SteeringMeeting
        fields = ["held_on", "title", "participants", "minutes"]
        widgets = {"held_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                   "participants": forms.Textarea(attrs={"rows": 5}),
                   "minutes": forms.Textarea(attrs={"rows": 6})}
        help_texts = {"held_on": _("Une date à venir prépare le comité ; ses décisions "
                                   "s'enregistrent une fois qu'il s'est tenu.")}


class SteeringDecisionForm(forms.ModelForm):
    # Not required: empty rows are ignored, and emptying a decision removes it.
    text = forms.CharField(label=_("Décision"), max_length=2000, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))

    class Meta:
        model = SteeringDecision
        fields = ["text"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        number = self.prefix.rsplit("-", 1)[-1] if self.prefix else ""
        if number.isdigit():
            self.fields["text"].label = format_lazy("{label} {number}", label=_("Décision"),
                                                    number=int(number) + 1)


SteeringDecisionFormSet = inlineformset_factory(
    SteeringMeeting, SteeringDecision, form=SteeringDecisionForm, extra=3, can_delete=True,
    max_num=100, validate_max=True,
)


class MeasurementImportForm(forms.Form):
    file = forms.FileField(
        label=_("Fichier CSV des mesures"),
        help_text=_("Colonnes « Date », « Valeur », « Source » ; 2 Mo et 5 000 lignes au plus. "
                    "Dates JJ/MM/AAAA ou AAAA-MM-JJ, virgule décimale acceptée."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".txt")):
            raise forms.ValidationError(_("Envoyez un fichier .csv (ou .txt)."))
        if upload.size > IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("Fichier trop lourd : %(size)s Mo, pour 2 Mo au plus."),
                params={"size": formats.number_format(upload.size / 1_048_576, 1)})
        if upload.size == 0:
            raise forms.ValidationError(_("Le fichier est vide."))
        return upload
