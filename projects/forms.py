from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from projects.models import CommunityMeeting, CommunityMember
from territories.models import Actor, Place

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
