from decimal import Decimal

from allauth.account.models import EmailAddress
from allauth.core import ratelimit
from django import forms
from django.contrib.auth import password_validation
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
    Collective,
    CollectiveActor,
    Engagement,
    Measurement,
    Membership,
    Milestone,
    Objective,
    RoadmapStep,
    SteeringDecision,
    SteeringMeeting,
    User,
)
from cluster.richtext import MAX_LENGTH as SECTION_MAX_LENGTH
from cluster.selectors import funder_memberships_of, memberships_of
from cluster.services import API_TOKEN_LIFETIMES_DAYS, COMPANY_SIZES
from cluster.stewardship_models import MESSAGE_MAX_LENGTH
from cluster.token_models import LABEL_MAX_LENGTH
from territories.csvfiles import parse_number
from territories.locking import VersionedFormMixin
from territories.models import Actor, Territory
from territories.outbox import enqueue


class LoginForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "Adresse e-mail ou mot de passe incorrect. Vérifiez votre saisie ou demandez un "
            "nouveau mot de passe."
        ),
        "unconfirmed": _(
            "Confirmez d'abord votre adresse e-mail : ouvrez le lien de confirmation reçu "
            "par e-mail (un nouveau lien part à chaque essai, au plus un toutes les trois "
            "minutes), puis connectez-vous."
        ),
    }

    def confirm_login_allowed(self, user):
        """An account made by sign-up opens once its address is confirmed; accounts made
        by staff or by an invitation (no address record) open at once."""
        super().confirm_login_allowed(user)
        address = EmailAddress.objects.filter(user=user, email__iexact=user.email).first()
        if address is not None and not address.verified:
            # allauth's own limit on confirmation e-mails per address (one per 3 minutes).
            if self.request is not None and ratelimit.consume(
                    self.request, action="confirm_email", key=address.email.lower()):
                address.send_confirmation(self.request)
            raise forms.ValidationError(self.error_messages["unconfirmed"], code="unconfirmed")


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["first_name", "last_name"]
        labels = {"first_name": _("Prénom"), "last_name": _("Nom")}


class ApiTokenCreateForm(forms.Form):
    """A new API token: its name, its rights, its limit (one of the person's collectives or
    funders) and its lifetime. The limits offered are the person's own."""

    NO_LIMIT = ""

    label = forms.CharField(
        label=_("Nom du jeton"), max_length=LABEL_MAX_LENGTH,
        help_text=_("Pour le reconnaître, par exemple « Outil d'instruction de la Région »."),
        error_messages={"required": _("Donnez un nom au jeton pour le reconnaître.")},
    )
    read_only = forms.TypedChoiceField(
        label=_("Droits"), coerce=lambda value: value == "read", initial="read",
        choices=[("read", _("Lecture seule")), ("write", _("Lecture et écriture"))],
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choisissez « Lecture seule » ou « Lecture et "
                                            "écriture »."),
                        "required": _("Choisissez les droits du jeton.")},
    )
    limit = forms.ChoiceField(
        label=_("Limité à"), required=False,
        error_messages={"invalid_choice": _(
            "Un jeton ne se limite qu'à un collectif dont vous êtes membre ou à un financeur "
            "pour lequel vous instruisez : choisissez dans la liste.")},
    )
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

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.targets = {}
        for membership in memberships_of(user):
            self.targets[f"collective:{membership.collective.pk}"] = membership.collective
        for funder_membership in funder_memberships_of(user):
            self.targets[f"funder:{funder_membership.funder.pk}"] = funder_membership.funder
        groups = [(self.NO_LIMIT, _("Aucune limite : tout ce à quoi j'ai accès"))]
        for prefix, title in (("collective:", _("Un de mes collectifs")),
                              ("funder:", _("Les dossiers d'un de mes financeurs"))):
            options = [(key, target.name) for key, target in self.targets.items()
                       if key.startswith(prefix)]
            if options:
                groups.append((title, options))
        self.fields["limit"].choices = groups

    def clean(self):
        cleaned_data = super().clean()
        target = self.targets.get(cleaned_data.get("limit") or "")
        cleaned_data["collective"] = target if isinstance(target, Collective) else None
        cleaned_data["funder"] = None if target is None or isinstance(target, Collective) \
            else target
        return cleaned_data


class PasswordResetForm(BasePasswordResetForm):
    """Django's reset form, sending its e-mail through the task queue (and its outbox)."""

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
        enqueue("cluster.tasks.send_email_task", kwargs={
            "subject": subject, "body": body, "to": [to_email], "html_body": html_body})


class ChallengeForm(forms.ModelForm):
    class Meta:
        model = Challenge
        fields = ["title", "kind", "theme", "national_themes", "summary"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 3}),
                   "national_themes": forms.CheckboxSelectMultiple}


class ObjectiveForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Objective
        fields = ["title", "shared_indicator", "unit", "baseline", "target", "direction",
                  "target_date"]
        widgets = {"target_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
        help_texts = {"unit": _("Par exemple : personnes accompagnées, tonnes, hectares.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["shared_indicator"]
        field.queryset = field.queryset.select_related("theme")
        field.label_from_instance = lambda indicator: (
            f"{indicator.theme.name} — {indicator.name} ({indicator.unit}, "
            f"{indicator.get_direction_display()})")


class MeasurementForm(forms.ModelForm):
    class Meta:
        model = Measurement
        fields = ["measured_on", "value", "source"]
        widgets = {"measured_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
        help_texts = {"source": _("D'où vient ce chiffre : enquête, rapport, comptage…")}


class StepForm(forms.ModelForm):
    close_milestones = forms.BooleanField(
        label=_("Clôturer les jalons restants"), required=False,
        help_text=_("Pour terminer l'étape : les jalons encore ouverts sont marqués atteints "
                    "aujourd'hui."))

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
    message = forms.CharField(
        label=_("Message au collectif qui anime le territoire"), required=False,
        max_length=MESSAGE_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Si un autre collectif anime déjà ce territoire, votre demande lui est "
                    "envoyée avec ce message ; ses animateur·rices l'acceptent ou la "
                    "refusent."))

    def __init__(self, *args, collectives, territories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["collective"].queryset = collectives.order_by("name")
        self.fields["territory"].queryset = territories.order_by("name")
        if len(self.fields["collective"].queryset) == 1:
            self.fields["collective"].initial = self.fields["collective"].queryset[0]


class ClusterRequestDecisionForm(forms.Form):
    """Accept or refuse a request for a cluster, with an answer."""

    decision = forms.ChoiceField(choices=[("accept", _("Accepter")), ("refuse", _("Refuser"))],
                                 error_messages={"required": _("Acceptez ou refusez."),
                                                 "invalid_choice": _("Acceptez ou refusez.")})
    answer = forms.CharField(label=_("Réponse au collectif demandeur"), required=False,
                             max_length=MESSAGE_MAX_LENGTH,
                             widget=forms.Textarea(attrs={"rows": 3}))


class StewardForm(forms.Form):
    """Name the collective that stewards a territory (staff)."""

    collective = forms.ModelChoiceField(
        label=_("Collectif animateur"), queryset=Collective.objects.order_by("name"),
        help_text=_("Ses animateur·rices modifient le territoire et répondent aux demandes "
                    "de cluster des autres collectifs."),
        error_messages={"required": _("Choisissez le collectif."),
                        "invalid_choice": _("Choisissez un collectif de la liste.")})


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


# Collectives: invitations, roles, member actors ----------------------------------------------

class InvitationForm(forms.Form):
    email = forms.EmailField(
        label=_("Adresse e-mail de la personne"), max_length=254,
        error_messages={"invalid": _("Saisissez une adresse e-mail valide, par exemple "
                                     "prenom.nom@exemple.fr."),
                        "required": _("Saisissez l'adresse e-mail de la personne à inviter.")},
    )
    role = forms.ChoiceField(
        label=_("Rôle"), choices=Membership.Role.choices, initial=Membership.Role.MEMBER,
        help_text=_("Les animateur·rices gèrent le collectif : invitations, rôles, acteurs, "
                    "feuille de route et défis."),
    )


class MembershipRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Rôle"), choices=Membership.Role.choices)


class InvitationSignupForm(forms.Form):
    """A new account for the invited address: the address itself is fixed by the invitation."""

    first_name = forms.CharField(label=_("Prénom"), max_length=150)
    last_name = forms.CharField(label=_("Nom"), max_length=150)
    password1 = forms.CharField(
        label=_("Mot de passe"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Confirmation du mot de passe"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Saisissez le même mot de passe une seconde fois."),
    )

    def __init__(self, *args, email, **kwargs):
        self.email = email
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2:
            if password1 != password2:
                self.add_error("password2", _("Les deux mots de passe ne sont pas identiques."))
            else:
                # The validators compare the password with the person's name and address.
                user = User(email=self.email, first_name=cleaned.get("first_name", ""),
                            last_name=cleaned.get("last_name", ""))
                try:
                    password_validation.validate_password(password2, user)
                except forms.ValidationError as error:
                    self.add_error("password2", error)
        return cleaned


class CollectiveActorForm(forms.Form):
    actor = forms.ModelChoiceField(
        label=_("Acteur"), queryset=Actor.objects.none(),
        empty_label=_("— choisir un acteur du territoire —"),
        error_messages={"invalid_choice": _("Choisissez un acteur d'un territoire du "
                                            "collectif.")},
    )
    family = forms.ChoiceField(
        label=_("Famille"), choices=[("", _("— choisir une famille —")),
                                     *CollectiveActor.Family.choices],
        help_text=_("Le label demande un collectif multi-acteurs : collectivités, ESS, "
                    "entreprises engagées, accompagnement, recherche, citoyens."),
    )

    def __init__(self, *args, actors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["actor"].queryset = actors
        self.fields["actor"].label_from_instance = (
            lambda actor: f"{actor.name} ({actor.territory.name})")


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
        fields = ["company", "kind", "size", "value", "start_date", "network", "description"]
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


# Schéma directeur ----------------------------------------------------------------------------

class MasterPlanSectionForm(forms.Form):
    text = forms.CharField(
        label=_("Texte de la section"), required=False, max_length=SECTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 18, "class": "font-monospace"}),
        help_text=_("Mise en forme Markdown : **gras**, *italique*, listes commençant par « - », "
                    "liens [texte](https://…). Le HTML n'est pas interprété."))
    # The version the person started from: a save based on an older one is refused.
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def clean(self):
        # A hidden field's error would show nowhere: say it for the whole form.
        if self.errors.pop("version", None):
            raise forms.ValidationError(_(
                "Le formulaire est incomplet : rechargez la page, puis refaites vos "
                "changements."), code="version")
        return super().clean()


class MasterPlanCompareForm(forms.Form):
    de = forms.TypedChoiceField(label=_("Version de départ"), coerce=int)
    a = forms.TypedChoiceField(label=_("Version d'arrivée"), coerce=int)

    def __init__(self, *args, numbers, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(number, _("Version %(number)s") % {"number": number}) for number in numbers]
        self.fields["de"].choices = choices
        self.fields["a"].choices = choices
