from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from cluster.models import Objective
from projects.models import Project
from territories.models import Actor, Place

# Projects --------------------------------------------------------------------------------

DATE = {"type": "date"}


class ProjectForm(forms.ModelForm):
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

    def __init__(self, *args, choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        if choices is not None:
            self.fields["to_stage"].choices = choices


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
