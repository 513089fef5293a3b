from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from cluster.models import Objective
from projects.models import CommunityMeeting, CommunityMember, Event, Project, Registration
from territories.locking import VersionedFormMixin
from territories.models import Actor, Place

# Projects --------------------------------------------------------------------------------

DATE = {"type": "date"}


class ProjectForm(VersionedFormMixin, forms.ModelForm):
    """A project of one cluster: its links are limited to that cluster and its territory."""

    class Meta:
        model = Project
        fields = ["title", "challenge", "summary", "carriers", "partners", "place", "themes",
                  "objectives", "start_date", "end_date", "expected_outcomes",
                  "observed_outcomes", "is_published"]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 4}),
            "expected_outcomes": forms.Textarea(attrs={"rows": 3}),
            "observed_outcomes": forms.Textarea(attrs={"rows": 3}),
            "carriers": forms.SelectMultiple(attrs={"size": 6}),
            "partners": forms.SelectMultiple(attrs={"size": 6}),
            "themes": forms.CheckboxSelectMultiple,
            "objectives": forms.CheckboxSelectMultiple,
            "start_date": forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
            "end_date": forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
        }
        help_texts = {
            "carriers": _("Les acteurs du territoire qui portent le projet (au moins un)."),
            "objectives": _("Les objectifs mesurés que ce projet fait avancer."),
        }

    def __init__(self, *args, cluster, **kwargs):
        super().__init__(*args, **kwargs)
        actors = Actor.objects.filter(territory=cluster.territory).order_by("name")
        self.fields["carriers"].queryset = actors
        self.fields["partners"].queryset = actors
        self.fields["challenge"].queryset = cluster.challenges.order_by("position", "pk")
        self.fields["place"].queryset = Place.objects.filter(
            territory=cluster.territory).order_by("name")
        self.fields["objectives"].queryset = Objective.objects.filter(
            challenge__cluster=cluster).select_related("challenge").order_by(
            "challenge__position", "pk")

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("La fin prévue doit suivre le début du projet."))
        return cleaned


class StageMoveForm(forms.Form):
    to_stage = forms.ChoiceField(label=_("Nouvelle étape"), choices=Project.Stage.choices)
    changed_on = forms.DateField(label=_("Date"), initial=timezone.localdate,
                                 widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"))
    reason = forms.CharField(label=_("Pourquoi ce changement ?"),
                             widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)

    def __init__(self, *args, choices=None, project=None, **kwargs):
        super().__init__(*args, **kwargs)
        if choices is not None:
            self.fields["to_stage"].choices = choices
        if project is not None:
            # The browser's date picker offers only days of the project's life; the service
            # checks them again (and the order of the changes).
            self.fields["changed_on"].widget.attrs.update(
                min=project.first_day().isoformat(), max=timezone.localdate().isoformat())


class PrototypeDecisionForm(forms.Form):
    meeting = forms.ModelChoiceField(label=_("Comité de pilotage"), queryset=None,
                                     empty_label=None)
    text = forms.CharField(label=_("Ce qui a été décidé"),
                           widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)

    def __init__(self, *args, meetings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = meetings
        self.fields["meeting"].label_from_instance = lambda meeting: (
            f"{meeting.title} ({date_format(meeting.held_on)})")


class ReplicationForm(forms.Form):
    cluster = forms.ModelChoiceField(label=_("Cluster d'arrivée"), queryset=None,
                                     empty_label=None)
    note = forms.CharField(label=_("Ce qui est repris et adapté"), required=False,
                           widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)

    def __init__(self, *args, clusters, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cluster"].queryset = clusters
        self.fields["cluster"].label_from_instance = lambda cluster: (
            f"{cluster.territory} — {cluster.collective}")


# Community --------------------------------------------------------------------------------

DRIFTING_WEEKS = 6
PARTICIPATION_MONTHS = 6


class CommunityMemberForm(forms.ModelForm):
    """A person of one cluster's community; their structure is an actor of its territory."""

    class Meta:
        model = CommunityMember
        fields = ["name", "email", "actor", "joined_on"]
        widgets = {"joined_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
        help_texts = {
            "email": _("Facultatif : permet de relancer la personne quand elle s'éloigne."),
            "actor": _("La structure pour laquelle la personne participe, parmi les acteurs "
                       "cartographiés du territoire."),
        }

    def __init__(self, *args, cluster, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["actor"].queryset = Actor.objects.filter(
            territory=cluster.territory).order_by("name", "pk")
        self.fields["actor"].empty_label = _("— à titre personnel —")
        self.fields["actor"].error_messages["invalid_choice"] = _(
            "Choisissez une structure parmi les acteurs du territoire.")


class CommunityLeaveForm(forms.Form):
    left_on = forms.DateField(label=_("Date de départ"),
                              widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))


class AttendeesField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.actor.name})" if obj.actor else obj.name


class CommunityMeetingForm(forms.ModelForm):
    """A meeting and, in the same form, who attended it (active people of the community)."""

    attendees = AttendeesField(
        label=_("Présent·es"), queryset=CommunityMember.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Cochez les personnes venues. Pour une rencontre à venir, la présence "
                    "s'enregistre une fois la rencontre passée."),
        error_messages={
            "invalid_choice": _("Une personne cochée ne fait pas partie de la communauté de ce "
                                "cluster : rechargez la page."),
            "invalid_pk_value": _("Liste de présence illisible : rechargez la page."),
        },
    )

    class Meta:
        model = CommunityMeeting
        fields = ["held_on", "title", "place", "notes"]
        widgets = {"held_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                   "notes": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, cluster, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["place"].queryset = Place.objects.filter(
            territory=cluster.territory).order_by("name", "pk")
        self.fields["place"].empty_label = _("— aucun lieu —")
        # People who have left stay ticked on the meetings they came to, never offered anew.
        already = list(self.instance.attendees.values_list("pk", flat=True)) \
            if self.instance.pk else []
        self.fields["attendees"].queryset = cluster.community.select_related("actor").filter(
            Q(left_on__isnull=True) | Q(pk__in=already)).order_by("name", "pk")
        self.fields["attendees"].initial = already


class CommunityPeriodForm(forms.Form):
    """How far back the community page looks; an unreadable value falls back to the default."""

    # The names are the page's query parameters (?semaines=8&mois=12).
    semaines = forms.IntegerField(
        label=_("Sans venir depuis plus de (semaines)"), min_value=1, max_value=52,
        required=False,
        error_messages={"invalid": _("Indiquez un nombre de semaines entre 1 et 52."),
                        "min_value": _("Indiquez un nombre de semaines entre 1 et 52."),
                        "max_value": _("Indiquez un nombre de semaines entre 1 et 52.")})
    mois = forms.IntegerField(
        label=_("Participation sur (mois)"), min_value=1, max_value=24, required=False,
        error_messages={"invalid": _("Indiquez un nombre de mois entre 1 et 24."),
                        "min_value": _("Indiquez un nombre de mois entre 1 et 24."),
                        "max_value": _("Indiquez un nombre de mois entre 1 et 24.")})

    def period(self):
        """Return (weeks, months), each valid value as given, any other as the default."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return (data.get("semaines") or DRIFTING_WEEKS, data.get("mois") or PARTICIPATION_MONTHS)


# Events -----------------------------------------------------------------------------------

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


class EventForm(VersionedFormMixin, forms.ModelForm):
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
