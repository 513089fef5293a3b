"""Forms of the network's pages: savoir-faire and besoins, transfers, blockers."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cluster.models import Blocker, Cluster, KnowHow, Transfer
from territories.models import Theme

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def national_themes(**options):
    return forms.ModelChoiceField(queryset=Theme.objects.national().order_by("name"),
                                  label=_("Thème national"), **options)


class KnowHowForm(forms.Form):
    kind = forms.ChoiceField(label=_("Nature"), choices=KnowHow.Kind.choices,
                             widget=forms.RadioSelect)
    theme = national_themes()
    text = forms.CharField(label=_("En quelques mots"), max_length=300,
                           help_text=_("Par exemple : « ouverture et animation de tiers-lieux "
                                       "en quartier prioritaire »."))


class TransferAskForm(forms.Form):
    provider = forms.ModelChoiceField(
        queryset=Cluster.objects.none(), label=_("Territoire pair sollicité"),
        help_text=_("Le territoire dont vous souhaitez l'expertise."))
    theme = national_themes(required=False, help_text=_(
        "Laissez vide pour un savoir-faire transversal, comme les tiers-lieux."))
    subject = forms.CharField(label=_("Ce que vous demandez"), max_length=300)
    format = forms.ChoiceField(label=_("Format"), choices=Transfer.Format.choices)

    def __init__(self, *args, peers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = peers
        self.fields["provider"].label_from_instance = lambda cluster: cluster.territory.name


class TransferAnswerForm(forms.Form):
    answer = forms.CharField(label=_("Votre réponse (facultatif)"), required=False,
                             max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class TransferHeldForm(forms.Form):
    held_on = forms.DateField(label=_("Réalisé le"), widget=DATE)
    format = forms.ChoiceField(label=_("Format"), choices=Transfer.Format.choices)
    outcome = forms.CharField(label=_("Ce qui en est sorti"), max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 4}))


class BlockerForm(forms.Form):
    challenge = forms.ModelChoiceField(queryset=None, label=_("Défi freiné"))
    # Not required here: the service refuses an empty rule with its own message.
    rule = forms.CharField(label=_("Règle concernée"), max_length=300, required=False,
                           help_text=_("Le texte, l'article ou la procédure qui bloque."))
    text = forms.CharField(label=_("Le frein"), max_length=2000, required=False,
                           widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, cluster, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["challenge"].queryset = cluster.challenges.order_by("position", "pk")


class BlockerTrackForm(forms.Form):
    status = forms.ChoiceField(label=_("Nouvel état"), choices=Blocker.Status.choices)
    sponsor = forms.CharField(label=_("Parrainé par"), max_length=200, required=False,
                              help_text=_("Nom et fonction du haut-fonctionnaire parrain."))
    public_summary = forms.CharField(
        label=_("Résumé public"), max_length=2000, required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Obligatoire pour lever le frein : il paraît dans la liste publique."))


# The national team's back office ------------------------------------------------------------

class MasterclassForm(forms.Form):
    title = forms.CharField(label=_("Titre"), max_length=200)
    theme = national_themes(required=False, help_text=_(
        "Laissez vide pour une masterclass qui traverse les thèmes."))
    starts_at = forms.DateTimeField(
        label=_("Début"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"},
                                                     format="%Y-%m-%dT%H:%M"))
    place = forms.CharField(label=_("Lieu ou lien de connexion"), max_length=300)
    description = forms.CharField(label=_("Programme"), max_length=2000, required=False,
                                  widget=forms.Textarea(attrs={"rows": 5}))


class CompanyNetworkForm(forms.Form):
    name = forms.CharField(label=_("Nom"), max_length=200)
    description = forms.CharField(label=_("Présentation"), max_length=2000, required=False,
                                  widget=forms.Textarea(attrs={"rows": 4}))
