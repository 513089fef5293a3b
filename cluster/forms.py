from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.forms import PasswordResetForm as BasePasswordResetForm
from django.template import loader
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from cluster.models import (
    Challenge,
    Collective,
    Measurement,
    Milestone,
    Objective,
    RoadmapStep,
    User,
)
from cluster.services import API_TOKEN_LIFETIMES_DAYS
from cluster.tasks import send_email_task
from territories.models import Territory


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


# Roadmap: cluster creation, milestones, deliverables ----------------------------------------

class ClusterCreateForm(forms.Form):
    """Start a cluster: its collective, its territory, when it starts and how long it runs."""

    collective = forms.ModelChoiceField(
        label=_("Collectif porteur"), queryset=Collective.objects.none(),
        error_messages={"required": _("Choisissez le collectif porteur."),
                        "invalid_choice": _("Choisissez un collectif que vous animez.")})
    territory = forms.ModelChoiceField(
        label=_("Territoire"), queryset=Territory.objects.none(),
        help_text=_("Un territoire publié, ou l'un de ceux que vous préparez. Absent de la "
                    "liste ? Créez-le d'abord depuis la page Territoires."),
        error_messages={"required": _("Choisissez le territoire."),
                        "invalid_choice": _("Choisissez un territoire de la liste.")})
    start_date = forms.DateField(
        label=_("Date de lancement"), widget=forms.DateInput(attrs={"type": "date"},
                                                             format="%Y-%m-%d"),
        error_messages={"required": _("Indiquez la date de lancement."),
                        "invalid": _("Indiquez une date valide, par exemple 2026-09-01.")})
    duration_months = forms.TypedChoiceField(
        label=_("Durée"), coerce=int, initial=12,
        choices=[(months, format_lazy("{months} {unit}", months=months, unit=_("mois")))
                 for months in range(9, 13)],
        help_text=_("La méthode se déroule sur 9 à 12 mois ; les sept étapes de la feuille de "
                    "route sont réparties sur cette durée."),
        error_messages={"invalid_choice": _("Un cluster dure de 9 à 12 mois.")})

    def __init__(self, *args, collectives, territories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["collective"].queryset = collectives.order_by("name")
        self.fields["territory"].queryset = territories.order_by("name")
        if len(self.fields["collective"].queryset) == 1:
            self.fields["collective"].initial = self.fields["collective"].queryset[0]


class DeliverableForm(forms.Form):
    title = forms.CharField(label=_("Intitulé"), max_length=200,
                            error_messages={"required": _("Donnez un intitulé au livrable.")})
    file = forms.FileField(
        label=_("Fichier"),
        error_messages={"required": _("Choisissez le fichier à déposer."),
                        "empty": _("Le fichier est vide.")},
    )

    def __init__(self, *args, max_mb, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = format_lazy(
            _("PDF, documents bureautiques (odt, ods, odp, docx, xlsx, pptx), images (png, jpg), "
              "CSV ou texte ; {max} Mo au plus."), max=max_mb)
        self.fields["file"].widget.attrs["accept"] = (
            ".pdf,.odt,.ods,.odp,.docx,.xlsx,.pptx,.png,.jpg,.jpeg,.csv,.txt")
