from django import forms
from django.utils.translation import gettext_lazy as _

from projects.models import Event, Registration

# Projects ---------------------------------------------------------------------------------

# Events -----------------------------------------------------------------------------------

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


class EventForm(forms.ModelForm):
    """An event of the cluster: its place among the places of the cluster's territory,
    its projects among the cluster's projects."""

    class Meta:
        model = Event
        fields = ["title", "starts_at", "ends_at", "place", "address", "programme", "capacity",
                  "projects", "is_published"]
        widgets = {
            "starts_at": forms.DateTimeInput(attrs={"type": "datetime-local"},
                                             format=DATETIME_LOCAL),
            "ends_at": forms.DateTimeInput(attrs={"type": "datetime-local"},
                                           format=DATETIME_LOCAL),
            "programme": forms.Textarea(attrs={"rows": 8}),
            "projects": forms.CheckboxSelectMultiple,
        }
        help_texts = {
            "place": _("Un lieu cartographié du territoire ; sinon, indiquez l'adresse."),
            "address": _("Complète le lieu, ou le remplace s'il n'est pas cartographié."),
            "programme": _("Texte simple : un passage à la ligne par moment du programme."),
            "capacity": _("Au-delà, les personnes s'inscrivent sur liste d'attente."),
            "is_published": _("La page de l'évènement est publique et ouverte aux "
                              "inscriptions."),
        }
        error_messages = {
            "capacity": {"min_value": _("Un évènement accueille au moins une personne.")},
        }

    def __init__(self, *args, cluster, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["place"].queryset = cluster.territory.places.order_by("name")
        self.fields["place"].empty_label = _("— Aucun lieu cartographié —")
        self.fields["projects"].queryset = cluster.projects.order_by("title")
        if not self.fields["projects"].queryset.exists():
            self.fields["projects"].help_text = _(
                "Le cluster n'a pas encore de projet à présenter.")
        for name in ("starts_at", "ends_at"):
            self.fields[name].input_formats = [DATETIME_LOCAL, "%Y-%m-%d %H:%M",
                                               "%Y-%m-%d %H:%M:%S"]

    def clean(self):
        cleaned = super().clean()
        starts_at, ends_at = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts_at and ends_at and ends_at <= starts_at:
            self.add_error("ends_at", _("La fin de l'évènement doit suivre son début."))
        if "place" in cleaned and "address" in cleaned and not cleaned["place"] \
                and not cleaned["address"].strip():
            self.add_error("address", _("Indiquez un lieu du territoire ou une adresse."))
        return cleaned


class EventDeleteForm(forms.Form):
    acknowledge = forms.BooleanField(
        label=_("Je confirme : les personnes inscrites seront prévenues par e-mail."),
        required=False)


class RegistrationForm(forms.ModelForm):
    class Meta:
        model = Registration
        fields = ["name", "email"]
        labels = {"name": _("Votre nom"), "email": _("Votre adresse e-mail")}
        help_texts = {"email": _("La confirmation et le lien d'annulation y sont envoyés.")}
        widgets = {"name": forms.TextInput(attrs={"autocomplete": "name"}),
                   "email": forms.EmailInput(attrs={"autocomplete": "email"})}


class AttendanceForm(forms.Form):
    """One checkbox per confirmed person: ticked when they came."""

    attended = forms.ModelMultipleChoiceField(
        label=_("Présent·es"), queryset=Registration.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        confirmed = event.registrations.filter(status=Registration.Status.CONFIRMED) \
            .order_by("name", "pk")
        self.fields["attended"].queryset = confirmed
        self.fields["attended"].label_from_instance = lambda registration: registration.name
        if not self.is_bound:
            self.fields["attended"].initial = [r.pk for r in confirmed if r.attended]
