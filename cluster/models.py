from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("Une adresse e-mail est obligatoire.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, email):
        # People type their address with whatever capitals they like.
        return self.get(email__iexact=email)


class User(AbstractUser):
    """A person who signs in with an e-mail address.

    Roles are not attributes of the person: a facilitator or a member is one
    through a Membership of a collective, a funder reviewer through a
    funding.FunderMember, and the national coordinators are staff.
    """

    username = None
    email = models.EmailField(_("adresse e-mail"), unique=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = _("utilisateur·rice")
        verbose_name_plural = _("utilisateur·rices")
        ordering = ["email"]

    def __str__(self):
        return self.get_full_name() or self.email

    def save(self, *args, **kwargs):
        self.email = self.email.lower()
        super().save(*args, **kwargs)




class Collective(models.Model):
    """A collectif porteur: the actors and people who run a cluster on a territory."""

    name = models.CharField(_("nom"), max_length=200)
    slug = models.SlugField(_("identifiant"), max_length=200, unique=True)
    description = models.TextField(_("présentation"), blank=True)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="Membership",
        related_name="collectives",
        verbose_name=_("membres"),
    )
    actors = models.ManyToManyField(
        "territories.Actor",
        through="CollectiveActor",
        related_name="collectives",
        verbose_name=_("acteurs membres"),
    )

    class Meta:
        verbose_name = _("collectif porteur")
        verbose_name_plural = _("collectifs porteurs")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Membership(models.Model):
    """A person's role in a collective."""

    class Role(models.TextChoices):
        FACILITATOR = "facilitator", _("animateur·rice")
        MEMBER = "member", _("membre")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("personne"),
    )
    collective = models.ForeignKey(
        Collective,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("collectif"),
    )
    role = models.CharField(_("rôle"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    joined_at = models.DateTimeField(_("depuis le"), auto_now_add=True)

    class Meta:
        verbose_name = _("adhésion à un collectif")
        verbose_name_plural = _("adhésions aux collectifs")
        constraints = [
            models.UniqueConstraint(fields=["user", "collective"], name="unique_membership"),
        ]
        ordering = ["collective__name"]

    def __str__(self):
        return f"{self.user} — {self.collective} ({self.get_role_display()})"

    def get_absolute_url(self):
        return reverse("profile")


class CollectiveActor(models.Model):
    """An actor that belongs to a collective, with the family it brings to it.

    The label asks for a multi-actor collective: public bodies, ESS, engaged
    companies, support structures, research and citizens side by side.
    """

    class Family(models.TextChoices):
        PUBLIC = "collectivite", _("collectivité ou acteur public")
        ESS = "ess", _("structure de l'ESS")
        ESS_NETWORK = "reseau_ess", _("réseau de l'ESS")
        COMPANY = "entreprise", _("entreprise engagée")
        SUPPORT = "accompagnement", _("accompagnement")
        RESEARCH = "recherche", _("recherche")
        CITIZENS = "citoyens", _("citoyens")
        OTHER = "autre", _("autre")

    collective = models.ForeignKey(Collective, on_delete=models.CASCADE,
                                   related_name="actor_links", verbose_name=_("collectif"))
    actor = models.ForeignKey("territories.Actor", on_delete=models.CASCADE,
                              related_name="collective_links", verbose_name=_("acteur"))
    family = models.CharField(_("famille"), max_length=20, choices=Family.choices,
                              default=Family.OTHER)
    joined_on = models.DateField(_("membre depuis"), auto_now_add=True)

    class Meta:
        verbose_name = _("acteur du collectif")
        verbose_name_plural = _("acteurs du collectif")
        ordering = ["family", "actor__name"]
        constraints = [
            models.UniqueConstraint(fields=["collective", "actor"],
                                    name="unique_actor_per_collective"),
        ]

    def __str__(self):
        return f"{self.actor} ({self.get_family_display()})"


class Invitation(models.Model):
    """An invitation by e-mail to join a collective, valid until it expires or is used."""

    collective = models.ForeignKey(Collective, on_delete=models.CASCADE,
                                   related_name="invitations", verbose_name=_("collectif"))
    email = models.EmailField(_("adresse e-mail"))
    role = models.CharField(_("rôle"), max_length=20, choices=Membership.Role.choices,
                            default=Membership.Role.MEMBER)
    # Only a hash of the secret is stored: the link in the e-mail is the one copy.
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("invité·e par"))
    created_at = models.DateTimeField(_("envoyée le"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expire le"))
    accepted_at = models.DateTimeField(_("acceptée le"), null=True, blank=True)
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+",
                                    verbose_name=_("acceptée par"))
    revoked_at = models.DateTimeField(_("annulée le"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.email} → {self.collective}"

    def is_pending(self, now):
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > now


class Cluster(models.Model):
    """A collective running the method on one territory over 9 to 12 months."""

    collective = models.ForeignKey(
        Collective, on_delete=models.CASCADE, related_name="clusters",
        verbose_name=_("collectif porteur"),
    )
    territory = models.ForeignKey(
        "territories.Territory", on_delete=models.PROTECT, related_name="clusters",
        verbose_name=_("territoire"),
    )
    start_date = models.DateField(_("date de lancement"))
    duration_months = models.PositiveSmallIntegerField(
        _("durée (mois)"), default=12,
        validators=[MinValueValidator(9), MaxValueValidator(12)],
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("cluster")
        verbose_name_plural = _("clusters")
        ordering = ["territory__name"]
        constraints = [
            models.UniqueConstraint(fields=["collective", "territory"],
                                    name="unique_cluster_per_collective_and_territory"),
            models.CheckConstraint(condition=models.Q(duration_months__gte=9,
                                                      duration_months__lte=12),
                                   name="cluster_duration_9_to_12_months"),
        ]

    def __str__(self):
        return f"{self.territory} — {self.collective}"


# The 7-step roadmap -------------------------------------------------------------------

class RoadmapStep(models.Model):
    """One of the seven steps of the method, with its dates and status."""

    class Kind(models.TextChoices):
        MAP = "cartographier", _("Cartographier")
        COMMUNITY = "communaute", _("Communauté")
        SPACES = "espaces", _("Espaces")
        EXPERIMENT = "experimenter", _("Expérimenter")
        EVENT = "evenement", _("Évènement")
        SCALE = "changement_echelle", _("Changement d'échelle")
        MASTER_PLAN = "schema_directeur", _("Schéma directeur")

    class Status(models.TextChoices):
        TODO = "todo", _("à venir")
        DOING = "doing", _("en cours")
        DONE = "done", _("terminée")

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="steps",
                                verbose_name=_("cluster"))
    number = models.PositiveSmallIntegerField(_("numéro"))
    kind = models.CharField(_("étape"), max_length=30, choices=Kind.choices)
    summary = models.TextField(_("objet"), blank=True)
    start_date = models.DateField(_("début"))
    end_date = models.DateField(_("fin"))
    status = models.CharField(_("état"), max_length=10, choices=Status.choices,
                              default=Status.TODO)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("étape de la feuille de route")
        verbose_name_plural = _("étapes de la feuille de route")
        ordering = ["cluster", "number"]
        constraints = [
            models.UniqueConstraint(fields=["cluster", "number"], name="unique_step_number"),
            models.CheckConstraint(condition=models.Q(end_date__gte=models.F("start_date")),
                                   name="step_ends_after_it_starts"),
        ]

    def __str__(self):
        return f"{self.number}. {self.get_kind_display()}"


class Milestone(models.Model):
    step = models.ForeignKey(RoadmapStep, on_delete=models.CASCADE, related_name="milestones",
                             verbose_name=_("étape"))
    title = models.CharField(_("intitulé"), max_length=200)
    due_date = models.DateField(_("échéance"))
    done_on = models.DateField(_("atteint le"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    # Set when the reminder before the due date went out; moving the date clears it.
    reminded_on = models.DateField(_("rappel envoyé le"), null=True, blank=True,
                                   editable=False)
    history = HistoricalRecords(excluded_fields=["reminded_on"])

    class Meta:
        verbose_name = _("jalon")
        verbose_name_plural = _("jalons")
        ordering = ["step__number", "position", "due_date", "pk"]

    def __str__(self):
        return self.title

    def is_late(self, today):
        return self.done_on is None and self.due_date < today


# Défis, objectives, measurements ----------------------------------------------------------

class Challenge(models.Model):
    """A défi: a social or environmental challenge with measurable objectives."""

    class Kind(models.TextChoices):
        ENVIRONMENTAL = "environnemental", _("environnemental")
        SOCIAL = "social", _("social")
        CITIZEN = "citoyen", _("citoyen")
        ECONOMIC = "economique", _("économique")
        OTHER = "autre", _("autre")

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="challenges",
                                verbose_name=_("cluster"))
    kind = models.CharField(_("nature"), max_length=20, choices=Kind.choices,
                            default=Kind.OTHER)
    theme = models.ForeignKey("territories.Theme", on_delete=models.SET_NULL, null=True,
                              blank=True, related_name="challenges", verbose_name=_("thème"))
    title = models.CharField(_("intitulé"), max_length=200)
    summary = models.TextField(_("résumé"), blank=True)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("défi")
        verbose_name_plural = _("défis")
        ordering = ["cluster", "position", "pk"]

    def __str__(self):
        return self.title


class Objective(models.Model):
    """A measurable objective of a défi: its indicator goes from a baseline to a target."""

    class Direction(models.TextChoices):
        INCREASE = "increase", _("à augmenter")
        DECREASE = "decrease", _("à réduire")

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE,
                                  related_name="objectives", verbose_name=_("défi"))
    title = models.CharField(_("objectif"), max_length=200)
    unit = models.CharField(_("unité"), max_length=50)
    baseline = models.DecimalField(_("valeur de départ"), max_digits=14, decimal_places=2)
    target = models.DecimalField(_("cible"), max_digits=14, decimal_places=2)
    target_date = models.DateField(_("échéance"))
    direction = models.CharField(_("sens"), max_length=10, choices=Direction.choices,
                                 default=Direction.INCREASE)
    # Optimistic locking: a save based on an older version is refused (see services).
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("objectif")
        verbose_name_plural = _("objectifs")
        ordering = ["challenge", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(direction="increase", target__gt=models.F("baseline"))
                           | models.Q(direction="decrease", target__lt=models.F("baseline"))),
                name="objective_target_beyond_baseline",
                violation_error_message=_(
                    "La cible doit dépasser la valeur de départ dans le sens choisi."),
            ),
        ]

    def __str__(self):
        return self.title

    def progress(self, value):
        """Return the share of the way from baseline to target that `value` reaches, 0 to 1."""
        if value is None:
            return None
        share = (value - self.baseline) / (self.target - self.baseline)
        return max(Decimal(0), min(Decimal(1), share))


class Measurement(models.Model):
    objective = models.ForeignKey(Objective, on_delete=models.CASCADE,
                                  related_name="measurements", verbose_name=_("objectif"))
    measured_on = models.DateField(_("date de la mesure"))
    value = models.DecimalField(_("valeur"), max_digits=14, decimal_places=2)
    source = models.CharField(_("source"), max_length=300)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("saisie par"))
    created_at = models.DateTimeField(_("saisie le"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("mesure")
        verbose_name_plural = _("mesures")
        ordering = ["objective", "measured_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["objective", "measured_on"],
                                    name="one_measurement_per_objective_and_day",
                                    violation_error_message=_(
                                        "Une mesure existe déjà à cette date pour cet objectif.")),
        ]

    def __str__(self):
        return f"{self.value} ({self.measured_on})"


def deliverable_path(instance, filename):
    return f"livrables/cluster-{instance.step.cluster_id}/etape-{instance.step.number}/{filename}"


class Deliverable(models.Model):
    """A file a step produced: a map, minutes, a programme… bounded in size and type."""

    step = models.ForeignKey(RoadmapStep, on_delete=models.CASCADE,
                             related_name="deliverables", verbose_name=_("étape"))
    title = models.CharField(_("intitulé"), max_length=200)
    file = models.FileField(_("fichier"), upload_to=deliverable_path, max_length=300)
    size = models.PositiveIntegerField(_("taille (octets)"), editable=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+",
                                    verbose_name=_("déposé par"))
    uploaded_at = models.DateTimeField(_("déposé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("livrable")
        verbose_name_plural = _("livrables")
        ordering = ["step", "-uploaded_at"]

    def __str__(self):
        return self.title


# Engaged companies and the comité de pilotage --------------------------------------------

class Engagement(models.Model):
    """A company's engagement in the cluster: mécénat, partnership, responsible purchasing…"""

    class Kind(models.TextChoices):
        FINANCIAL_PATRONAGE = "mecenat_financier", _("mécénat financier")
        SKILLS_PATRONAGE = "mecenat_competences", _("mécénat de compétences")
        PARTNERSHIP = "partenariat", _("partenariat")
        PURCHASING = "achat_responsable", _("achat responsable")
        MENTORING = "mentorat", _("mentorat")
        INVESTMENT = "investissement", _("investissement")

    class Size(models.TextChoices):
        TPE = "tpe", _("TPE")
        PME = "pme", _("PME")
        ETI = "eti", _("ETI")
        LARGE = "grand_groupe", _("grand groupe")

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="engagements",
                                verbose_name=_("cluster"))
    company = models.ForeignKey("territories.Actor", on_delete=models.PROTECT,
                                related_name="engagements", verbose_name=_("entreprise"))
    size = models.CharField(_("taille de l'entreprise"), max_length=20, choices=Size.choices)
    kind = models.CharField(_("forme d'engagement"), max_length=30, choices=Kind.choices)
    value = models.DecimalField(
        _("valeur (€)"), max_digits=12, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal(0))],
        help_text=_("Montant versé, ou valorisation des compétences et des achats."))
    description = models.TextField(_("description"), blank=True)
    start_date = models.DateField(_("depuis le"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("entreprise engagée")
        verbose_name_plural = _("entreprises engagées")
        ordering = ["cluster", "company__name", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(value__gte=0) | models.Q(value=None),
                                   name="engagement_value_not_negative"),
        ]

    def __str__(self):
        return f"{self.company} — {self.get_kind_display()}"


class SteeringMeeting(models.Model):
    """A meeting of the cluster's comité de pilotage."""

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE,
                                related_name="steering_meetings", verbose_name=_("cluster"))
    held_on = models.DateField(_("date"))
    title = models.CharField(_("objet"), max_length=200)
    participants = models.TextField(_("participants"), blank=True,
                                    help_text=_("Une personne ou structure par ligne."))
    minutes = models.TextField(_("compte rendu"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("saisi par"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("comité de pilotage")
        verbose_name_plural = _("comités de pilotage")
        ordering = ["cluster", "-held_on", "-pk"]

    def __str__(self):
        return f"{self.title} ({self.held_on})"


class SteeringDecision(models.Model):
    """A decision recorded at a comité de pilotage."""

    meeting = models.ForeignKey(SteeringMeeting, on_delete=models.CASCADE,
                                related_name="decisions", verbose_name=_("comité"))
    text = models.TextField(_("décision"))
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("décision du comité de pilotage")
        verbose_name_plural = _("décisions du comité de pilotage")
        ordering = ["meeting", "position", "pk"]

    def __str__(self):
        return self.text[:80]


# Schéma directeur ----------------------------------------------------------------------------

class MasterPlan(models.Model):
    """The schéma directeur de l'innovation responsable of a cluster (step 7).

    Its sections are written together by the collective; each generation freezes
    them, with the cluster's data of that moment, into a numbered version.
    """

    cluster = models.OneToOneField(Cluster, on_delete=models.CASCADE,
                                   related_name="master_plan", verbose_name=_("cluster"))
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("schéma directeur")
        verbose_name_plural = _("schémas directeurs")

    def __str__(self):
        return str(_("Schéma directeur — %(cluster)s") % {"cluster": self.cluster})


class MasterPlanSection(models.Model):
    """One section of the schéma directeur: its written part (Markdown) and its validation.

    The part drawn from the cluster's data is not stored here: it is gathered at
    each generation (see cluster.masterplan).
    """

    class Key(models.TextChoices):
        VISION = "vision", _("Vision et ambition")
        GOVERNANCE = "gouvernance", _("Gouvernance et partenariats")
        CHALLENGES = "defis", _("Défis et objectifs pluriannuels")
        PORTFOLIO = "portefeuille", _("Portefeuille de projets et changement d'échelle")
        PLACES = "lieux", _("Lieux et tiers-lieux")
        FUNDING = "financement", _("Plan de financement pluriannuel")
        ROADMAP = "feuille_de_route", _("Feuille de route")
        EVALUATION = "evaluation", _("Évaluation et mesure d'impact")
        COOPERATION = "cooperation", _("Territoires de coopération prioritaire")

    plan = models.ForeignKey(MasterPlan, on_delete=models.CASCADE, related_name="sections",
                             verbose_name=_("schéma directeur"))
    key = models.CharField(_("section"), max_length=30, choices=Key.choices)
    text = models.TextField(_("texte"), blank=True,
                            help_text=_("Mise en forme Markdown : **gras**, *italique*, "
                                        "listes à puces, liens."))
    validated_at = models.DateTimeField(_("validée le"), null=True, blank=True)
    validated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                     null=True, blank=True, related_name="+",
                                     verbose_name=_("validée par"))
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("modifiée par"))
    # Optimistic locking: a save based on an older version is refused (see services).
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("section du schéma directeur")
        verbose_name_plural = _("sections du schéma directeur")
        ordering = ["plan", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "key"],
                                    name="one_master_plan_section_per_key"),
        ]

    def __str__(self):
        return self.get_key_display()


def master_plan_pdf_path(instance, filename):
    return f"schemas-directeurs/cluster-{instance.plan.cluster_id}/{filename}"


class MasterPlanVersion(models.Model):
    """A numbered generation of the schéma directeur: a frozen snapshot and its PDF."""

    class Status(models.TextChoices):
        PENDING = "pending", _("génération en cours")
        READY = "ready", _("prête")
        FAILED = "failed", _("échec de la génération")

    plan = models.ForeignKey(MasterPlan, on_delete=models.CASCADE, related_name="versions",
                             verbose_name=_("schéma directeur"))
    number = models.PositiveIntegerField(_("numéro"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("générée par"))
    created_at = models.DateTimeField(_("générée le"), auto_now_add=True)
    status = models.CharField(_("état"), max_length=10, choices=Status.choices,
                              default=Status.PENDING)
    # When the rendering was last queued: a version pending for long is re-queued from the page.
    queued_at = models.DateTimeField(_("mise en file le"), null=True, blank=True)
    rendered_at = models.DateTimeField(_("PDF produit le"), null=True, blank=True)
    error = models.TextField(_("erreur"), blank=True)
    # Every section validated by the comité de pilotage when the version was taken.
    is_adopted = models.BooleanField(_("adoptée"), default=False)
    snapshot = models.JSONField(_("contenu figé"), default=dict, editable=False)
    # A few figures of the snapshot, so that lists never load the whole of it.
    summary = models.JSONField(_("résumé"), default=dict, editable=False)
    html = models.TextField(_("HTML du document"), blank=True, editable=False)
    pdf = models.FileField(_("PDF"), upload_to=master_plan_pdf_path, max_length=300, blank=True,
                           editable=False)
    pdf_size = models.PositiveIntegerField(_("taille du PDF (octets)"), null=True, blank=True,
                                           editable=False)
    published_at = models.DateTimeField(_("publiée le"), null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                     null=True, blank=True, related_name="+",
                                     verbose_name=_("publiée par"))

    class Meta:
        verbose_name = _("version du schéma directeur")
        verbose_name_plural = _("versions du schéma directeur")
        ordering = ["plan", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"],
                                    name="unique_master_plan_version_number"),
            models.CheckConstraint(
                condition=models.Q(published_at__isnull=True) | models.Q(status="ready"),
                name="only_ready_master_plan_versions_published"),
        ]

    def __str__(self):
        return str(_("Version %(number)s") % {"number": self.number})


# Calendar links and the stewardship of territories: in their own modules, re-exported here
# so that they belong to this app and are imported like every other model of it.
from cluster.credentials_models import CalendarLink  # noqa: E402, F401
from cluster.join_models import JoinRequest  # noqa: E402, F401
from cluster.stewardship_models import ClusterRequest, Stewardship  # noqa: E402, F401
from cluster.token_models import ApiTokenScope  # noqa: E402, F401
