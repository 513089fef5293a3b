from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.forms import PasswordResetForm as BasePasswordResetForm
from django.template import loader
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from cluster.models import Challenge, Measurement, Milestone, Objective, RoadmapStep, User
from cluster.services import API_TOKEN_LIFETIMES_DAYS
from cluster.tasks import send_email_task


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
