from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cluster.models.collectives import InvitationBase

MONEY = {"max_digits": 14, "decimal_places": 2}


class Funder(models.Model):
    """A body that funds or labels: it opens calls and reviews the dossiers filed to them."""

    class Kind(models.TextChoices):
        CITY = "city", _("Ville")
        EPCI = "epci", _("Intercommunalité")
        DEPARTMENT = "department", _("Département")
        REGION = "region", _("Région")
        CAF = "caf", _("Caisse d'allocations familiales")
        STATE = "state", _("État et opérateurs publics")
        PUBLIC_BANK = "public_bank", _("Banque publique (Banque des Territoires, Bpifrance)")
        EUROPE = "europe", _("Union européenne")
        FOUNDATION = "foundation", _("Fondation")
        COMPANY = "company", _("Entreprise (mécénat)")
        NETWORK = "network", _("Réseau ou organisme labellisateur")
        INVESTOR = "investor", _("Investisseur ou banque privée")

    # Kinds whose money is public, for the public/private mix of a funding plan.
    PUBLIC_KINDS = {Kind.CITY, Kind.EPCI, Kind.DEPARTMENT, Kind.REGION, Kind.CAF, Kind.STATE,
                    Kind.PUBLIC_BANK, Kind.EUROPE}

    name = models.CharField(_("nom"), max_length=200)
    slug = models.SlugField(_("identifiant"), max_length=200, unique=True)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    website = models.URLField(_("site web"), blank=True)
    reviewers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="FunderMember",
        related_name="funders",
        verbose_name=_("instructeur·rices"),
    )

    class Meta:
        verbose_name = _("financeur")
        verbose_name_plural = _("financeurs")
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def is_public(self):
        return self.kind in self.PUBLIC_KINDS


class FunderMember(models.Model):
    """A person who reviews dossiers on behalf of a funder (the funder reviewer role).

    An administrator also manages the funder's calls (its own only) and its people, without
    staff rights; an administrator reviews too.
    """

    class Role(models.TextChoices):
        REVIEWER = "reviewer", _("instructeur·rice")
        ADMIN = "admin", _("administrateur·rice")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="funder_memberships",
        verbose_name=_("personne"),
    )
    funder = models.ForeignKey(
        Funder,
        on_delete=models.CASCADE,
        related_name="members",
        verbose_name=_("financeur"),
    )
    role = models.CharField(_("rôle"), max_length=20, choices=Role.choices,
                            default=Role.REVIEWER)
    joined_at = models.DateTimeField(_("depuis le"), auto_now_add=True)

    class Meta:
        verbose_name = _("instructeur·rice d'un financeur")
        verbose_name_plural = _("instructeur·rices des financeurs")
        constraints = [
            models.UniqueConstraint(fields=["user", "funder"], name="unique_funder_member"),
        ]

    def __str__(self):
        return f"{self.user} — {self.funder}"


class FunderInvitation(InvitationBase):
    """An invitation by e-mail to review for a funder, valid until it expires or is used."""

    funder = models.ForeignKey(Funder, on_delete=models.CASCADE, related_name="invitations",
                               verbose_name=_("financeur"))

    class Meta(InvitationBase.Meta):
        verbose_name = _("invitation d'un financeur")
        verbose_name_plural = _("invitations des financeurs")

    def __str__(self):
        return f"{self.email} → {self.funder}"


# The catalogue of hybrid funding sources ------------------------------------------------

class FundingSource(models.Model):
    """A programme that can pay for a cluster or a project: a grant, a call, mécénat, a fund."""

    class Kind(models.TextChoices):
        GRANT = "subvention", _("subvention")
        CALL = "appel_a_projets", _("appel à projets")
        PATRONAGE = "mecenat", _("mécénat")
        LOAN = "pret_investissement", _("prêt ou fonds d'investissement")
        LABEL = "label", _("label")

    class Scope(models.TextChoices):
        LOCAL = "local", _("local")
        REGIONAL = "regional", _("régional")
        NATIONAL = "national", _("national")
        EUROPEAN = "europeen", _("européen")

    name = models.CharField(_("programme"), max_length=200)
    slug = models.SlugField(_("identifiant"), max_length=200, unique=True)
    funder = models.ForeignKey(Funder, on_delete=models.PROTECT, related_name="sources",
                               verbose_name=_("financeur"))
    kind = models.CharField(_("nature"), max_length=30, choices=Kind.choices)
    scope = models.CharField(_("échelle"), max_length=20, choices=Scope.choices)
    description = models.TextField(_("description"), blank=True)
    themes = models.ManyToManyField("territories.Theme", blank=True, related_name="+",
                                    verbose_name=_("thèmes éligibles"))
    typical_min = models.DecimalField(_("montant habituel minimum (€)"), **MONEY, null=True,
                                      blank=True, validators=[MinValueValidator(Decimal(0))])
    typical_max = models.DecimalField(_("montant habituel maximum (€)"), **MONEY, null=True,
                                      blank=True, validators=[MinValueValidator(Decimal(0))])
    opens_on = models.DateField(_("ouverture"), null=True, blank=True)
    closes_on = models.DateField(_("clôture"), null=True, blank=True,
                                 help_text=_("Vide pour un dispositif ouvert en continu."))
    website = models.URLField(_("site web"), blank=True)
    search_document = SearchVectorField(null=True, editable=False)  # see search_documents

    class Meta:
        verbose_name = _("source de financement")
        verbose_name_plural = _("sources de financement")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(typical_min__isnull=True) | Q(typical_max__isnull=True)
                | Q(typical_max__gte=models.F("typical_min")),
                name="source_typical_amounts_in_order"),
            models.CheckConstraint(
                condition=Q(opens_on__isnull=True) | Q(closes_on__isnull=True)
                | Q(closes_on__gte=models.F("opens_on")),
                name="source_closes_after_it_opens"),
        ]

    def __str__(self):
        return self.name

    def is_open_on(self, day):
        return ((self.opens_on is None or self.opens_on <= day)
                and (self.closes_on is None or day <= self.closes_on))


class FundingPlan(models.Model):
    """The multi-year budget of a cluster or of one of its projects, and how it is paid."""

    cluster = models.ForeignKey("cluster.Cluster", on_delete=models.CASCADE,
                                related_name="funding_plans", verbose_name=_("cluster"))
    project = models.OneToOneField("projects.Project", on_delete=models.CASCADE, null=True,
                                   blank=True, related_name="funding_plan",
                                   verbose_name=_("projet"))
    title = models.CharField(_("intitulé"), max_length=200)
    first_year = models.PositiveSmallIntegerField(
        _("première année"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    last_year = models.PositiveSmallIntegerField(
        _("dernière année"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    # Optimistic locking: an edit made from an older version is refused (territories.locking).
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("plan de financement")
        verbose_name_plural = _("plans de financement")
        ordering = ["cluster", "project", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(last_year__gte=models.F("first_year")),
                                   name="plan_years_in_order"),
            models.UniqueConstraint(fields=["cluster"], condition=Q(project__isnull=True),
                                    name="one_cluster_plan_per_cluster"),
        ]

    def __str__(self):
        return self.title


class BudgetLine(models.Model):
    """An expense of the plan for one year."""

    plan = models.ForeignKey(FundingPlan, on_delete=models.CASCADE, related_name="lines",
                             verbose_name=_("plan"))
    label = models.CharField(_("poste de dépense"), max_length=200)
    year = models.PositiveSmallIntegerField(_("année"))
    amount = models.DecimalField(_("montant (€)"), **MONEY,
                                 validators=[MinValueValidator(Decimal("0.01"))])
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("ligne de budget")
        verbose_name_plural = _("lignes de budget")
        ordering = ["plan", "year", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="budget_line_positive"),
        ]

    def __str__(self):
        return f"{self.label} ({self.year})"


class Contribution(models.Model):
    """Money from one source for one year of the plan, from envisaged to paid."""

    class Status(models.TextChoices):
        ENVISAGED = "envisage", _("envisagé")
        REQUESTED = "demande", _("demandé")
        GRANTED = "accorde", _("accordé")
        PAID = "verse", _("versé")

    plan = models.ForeignKey(FundingPlan, on_delete=models.CASCADE,
                             related_name="contributions", verbose_name=_("plan"))
    source = models.ForeignKey(FundingSource, on_delete=models.PROTECT,
                               related_name="contributions", verbose_name=_("source"))
    year = models.PositiveSmallIntegerField(_("année"))
    amount = models.DecimalField(_("montant (€)"), **MONEY,
                                 validators=[MinValueValidator(Decimal("0.01"))])
    status = models.CharField(_("état"), max_length=20, choices=Status.choices,
                              default=Status.ENVISAGED)
    note = models.CharField(_("précision"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")
        ordering = ["plan", "year", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="contribution_positive"),
        ]

    def __str__(self):
        return f"{self.source} {self.year} : {self.amount} €"


# Calls, dossiers, reviews, decisions -----------------------------------------------------

class Call(models.Model):
    """A call opened by a funder or a labelling body, with its deadline and scoring grid."""

    class Kind(models.TextChoices):
        LABEL = "label", _("label")
        FUNDING = "financement", _("financement")
        # The annual follow-up of a labelled territory: one permanent call whose dossiers
        # are one per cluster and year (Dossier.follow_up_due), see funding.followup.
        FOLLOW_UP = "suivi_annuel", _("suivi annuel du label")

    funder = models.ForeignKey(Funder, on_delete=models.PROTECT, related_name="calls",
                               verbose_name=_("financeur"))
    source = models.ForeignKey(FundingSource, on_delete=models.SET_NULL, null=True,
                               blank=True, related_name="calls",
                               verbose_name=_("source de financement"))
    kind = models.CharField(_("nature"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("intitulé"), max_length=200)
    slug = models.SlugField(_("identifiant"), max_length=200, unique=True)
    description = models.TextField(_("présentation"), blank=True)
    eligibility = models.TextField(_("éligibilité"), blank=True)
    opens_at = models.DateTimeField(_("ouverture"))
    deadline = models.DateTimeField(_("date limite de dépôt"))
    max_amount = models.DecimalField(_("montant maximum demandé (€)"), **MONEY, null=True,
                                     blank=True, validators=[MinValueValidator(Decimal(0))])
    # A label call is a permanent appel à manifestation d'intérêt examined by waves: its
    # accepted dossiers label their territories in this wave (funding.labels).
    wave = models.PositiveSmallIntegerField(
        _("vague de labellisation"), null=True, blank=True, validators=[MinValueValidator(1)],
        help_text=_("Pour un appel de label : la vague où ses dossiers acceptés sont "
                    "labellisés."))
    # A draft is prepared in the back office and seen by no collective until it is opened.
    is_draft = models.BooleanField(_("brouillon"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("appel")
        verbose_name_plural = _("appels")
        ordering = ["-deadline", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(deadline__gt=models.F("opens_at")),
                                   name="call_deadline_after_opening"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("funding:call_detail", args=[self.slug])

    @property
    def state(self):
        """Return where the call stands now: draft, scheduled, open or closed."""
        return call_state(self, timezone.now())


class CallState(models.TextChoices):
    """Where a call stands, from its draft flag and its dates (never stored)."""

    DRAFT = "brouillon", _("brouillon")
    SCHEDULED = "a_venir", _("à venir")
    OPEN = "ouvert", _("ouvert")
    CLOSED = "clos", _("clos")


def call_state(call, now):
    if call.is_draft:
        return CallState.DRAFT
    if now < call.opens_at:
        return CallState.SCHEDULED
    return CallState.OPEN if now < call.deadline else CallState.CLOSED


class Criterion(models.Model):
    """One line of a call's scoring grid: scored from 0 to `max_score`, weighted."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="criteria",
                             verbose_name=_("appel"))
    label = models.CharField(_("critère"), max_length=200)
    description = models.TextField(_("ce qui est regardé"), blank=True)
    weight = models.PositiveSmallIntegerField(_("poids"), default=1,
                                              validators=[MinValueValidator(1)])
    max_score = models.PositiveSmallIntegerField(_("note maximale"), default=5,
                                                 validators=[MinValueValidator(1)])
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("critère")
        verbose_name_plural = _("critères")
        ordering = ["call", "position", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(weight__gte=1) & Q(max_score__gte=1),
                                   name="criterion_weight_and_scale"),
        ]

    def __str__(self):
        return self.label


class Dossier(models.Model):
    """A collective's application to a call, from its cluster.

    Once submitted, `snapshot` freezes everything the dossier shows and `pdf` keeps
    its rendering: later edits to the cluster never change what was submitted.
    """

    class Status(models.TextChoices):
        DRAFT = "brouillon", _("brouillon")
        SUBMITTED = "depose", _("déposé")
        UNDER_REVIEW = "en_instruction", _("en instruction")
        MORE_INFO = "complement_demande", _("complément demandé")
        ACCEPTED = "accepte", _("accepté")
        REFUSED = "refuse", _("refusé")

    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="dossiers",
                             verbose_name=_("appel"))
    cluster = models.ForeignKey("cluster.Cluster", on_delete=models.PROTECT,
                                related_name="dossiers", verbose_name=_("cluster"))
    title = models.CharField(_("intitulé"), max_length=200)
    summary = models.TextField(_("présentation du projet"), blank=True)
    strategic_plan = models.TextField(
        _("plan stratégique pluriannuel"), blank=True,
        help_text=_("Les grandes orientations sur plusieurs années ; le schéma directeur "
                    "en tient lieu une fois rédigé."))
    requested_amount = models.DecimalField(_("montant demandé (€)"), **MONEY, null=True,
                                           blank=True,
                                           validators=[MinValueValidator(Decimal(0))])
    status = models.CharField(_("état"), max_length=30, choices=Status.choices,
                              default=Status.DRAFT)
    submitted_at = models.DateTimeField(_("déposé le"), null=True, blank=True)
    snapshot = models.JSONField(_("contenu déposé"), null=True, blank=True, editable=False)
    pdf = models.FileField(_("PDF déposé"), upload_to="dossiers/", blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("créé par"))
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)
    # Optimistic locking for members editing the draft together.
    version = models.PositiveIntegerField(default=1, editable=False)
    # For an annual follow-up dossier only: the date it is due (the label's anniversary).
    follow_up_due = models.DateField(_("suivi annuel à déposer avant le"), null=True,
                                     blank=True, editable=False)

    class Meta:
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        ordering = ["-updated_at", "pk"]
        indexes = [models.Index(fields=["-submitted_at", "id"], name="dossier_submitted"),
                   models.Index(fields=["cluster", "-updated_at"], name="dossier_cluster_updated")]
        constraints = [
            models.UniqueConstraint(fields=["call", "cluster"],
                                    condition=Q(follow_up_due__isnull=True),
                                    name="one_dossier_per_call_and_cluster",
                                    violation_error_message=_(
                                        "Ce cluster a déjà un dossier pour cet appel.")),
            models.UniqueConstraint(fields=["call", "cluster", "follow_up_due"],
                                    condition=Q(follow_up_due__isnull=False),
                                    name="one_follow_up_per_cluster_and_due_date",
                                    violation_error_message=_(
                                        "Ce cluster a déjà son suivi annuel pour cette "
                                        "échéance.")),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("funding:dossier_detail", args=[self.pk])


class DossierEvent(models.Model):
    """A change of a dossier's status: who, when, from what to what, and why."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="events",
                                verbose_name=_("dossier"))
    from_status = models.CharField(_("depuis"), max_length=30, choices=Dossier.Status.choices)
    to_status = models.CharField(_("vers"), max_length=30, choices=Dossier.Status.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                           blank=True, related_name="+", verbose_name=_("par"))
    at = models.DateTimeField(_("le"), auto_now_add=True)
    comment = models.TextField(_("commentaire"), blank=True)

    class Meta:
        verbose_name = _("changement d'état du dossier")
        verbose_name_plural = _("changements d'état des dossiers")
        ordering = ["dossier", "at", "pk"]

    def __str__(self):
        return f"{self.dossier} : {self.from_status} → {self.to_status}"


class ConflictDeclaration(models.Model):
    """A reviewer's declaration, before opening a dossier, of any conflict of interest."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE,
                                related_name="conflict_declarations",
                                verbose_name=_("dossier"))
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                 related_name="conflict_declarations",
                                 verbose_name=_("instructeur·rice"))
    has_conflict = models.BooleanField(_("conflit d'intérêts"))
    explanation = models.TextField(_("précision"), blank=True)
    declared_at = models.DateTimeField(_("déclaré le"), auto_now_add=True)

    class Meta:
        verbose_name = _("déclaration de conflit d'intérêts")
        verbose_name_plural = _("déclarations de conflit d'intérêts")
        constraints = [
            models.UniqueConstraint(fields=["dossier", "reviewer"],
                                    name="one_declaration_per_reviewer"),
        ]

    def __str__(self):
        return f"{self.reviewer} — {self.dossier}"


class Review(models.Model):
    """A reviewer's scores on the call's grid, comment and recommendation."""

    class Recommendation(models.TextChoices):
        ACCEPT = "accepter", _("accepter")
        REFUSE = "refuser", _("refuser")
        MORE_INFO = "completer", _("demander un complément")

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="reviews",
                                verbose_name=_("dossier"))
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="reviews", verbose_name=_("instructeur·rice"))
    comment = models.TextField(_("commentaire"))
    recommendation = models.CharField(_("recommandation"), max_length=20,
                                      choices=Recommendation.choices)
    weighted_score = models.DecimalField(_("note pondérée (sur 100)"), max_digits=5,
                                         decimal_places=2, editable=False)
    submitted_at = models.DateTimeField(_("rendu le"), auto_now_add=True)

    class Meta:
        verbose_name = _("avis d'instruction")
        verbose_name_plural = _("avis d'instruction")
        ordering = ["dossier", "submitted_at"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "reviewer"],
                                    name="one_review_per_reviewer"),
        ]

    def __str__(self):
        return f"{self.reviewer} — {self.dossier}"


class Score(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="scores",
                               verbose_name=_("avis"))
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="scores",
                                  verbose_name=_("critère"))
    value = models.PositiveSmallIntegerField(_("note"))

    class Meta:
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        constraints = [
            models.UniqueConstraint(fields=["review", "criterion"],
                                    name="one_score_per_criterion"),
        ]

    def __str__(self):
        return f"{self.criterion} : {self.value}"


class Decision(models.Model):
    """The funder's one decision on a dossier; an acceptance comes with an attestation."""

    class Outcome(models.TextChoices):
        ACCEPTED = "accepte", _("accepté")
        REFUSED = "refuse", _("refusé")

    dossier = models.OneToOneField(Dossier, on_delete=models.CASCADE, related_name="decision",
                                   verbose_name=_("dossier"))
    outcome = models.CharField(_("décision"), max_length=20, choices=Outcome.choices)
    granted_amount = models.DecimalField(_("montant accordé (€)"), **MONEY, null=True,
                                         blank=True,
                                         validators=[MinValueValidator(Decimal(0))])
    comment = models.TextField(_("motivation"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("décidé par"))
    decided_at = models.DateTimeField(_("décidé le"), auto_now_add=True)
    attestation = models.FileField(_("attestation"), upload_to="attestations/", blank=True,
                                   editable=False)

    class Meta:
        verbose_name = _("décision")
        verbose_name_plural = _("décisions")

    def __str__(self):
        return f"{self.dossier} : {self.get_outcome_display()}"


# The funders' webhooks: in their own module, re-exported here so that they belong to this
# app and are imported like every other model of it.
from funding.webhook_models import WebhookDelivery, WebhookEndpoint  # noqa: E402, F401


class FollowUpReminder(models.Model):
    """A reminder e-mailed to a cluster's facilitators before its annual follow-up is due.

    One row per cluster, due date and delay (30 or 7 days before): the daily task sends
    each reminder once (funding.followup.send_follow_up_reminders).
    """

    cluster = models.ForeignKey("cluster.Cluster", on_delete=models.CASCADE,
                                related_name="follow_up_reminders", verbose_name=_("cluster"))
    due_on = models.DateField(_("échéance du suivi annuel"))
    days_before = models.PositiveSmallIntegerField(_("jours avant l'échéance"))
    sent_at = models.DateTimeField(_("envoyé le"), auto_now_add=True)
    recipients = models.TextField(_("destinataires"), blank=True)

    class Meta:
        verbose_name = _("rappel du suivi annuel")
        verbose_name_plural = _("rappels du suivi annuel")
        ordering = ["-sent_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["cluster", "due_on", "days_before"],
                                    name="one_follow_up_reminder_per_delay"),
        ]

    def __str__(self):
        return f"{self.cluster} — {self.due_on} (J-{self.days_before})"
