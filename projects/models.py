"""What the community does: projects moving through stages, prototype decisions, the
community and its meetings, events with registrations, and essaimage to other territories.

Projects build on the cluster app: a project belongs to a cluster and answers one of
its défis. The cluster app never imports this one; it reaches projects through the
reverse relations declared here.
"""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from territories.search_documents import search_document_field


class Project(models.Model):
    """An innovation of the cluster's community, from idea to change of scale."""

    class Stage(models.TextChoices):
        IDEA = "idee", _("idée")
        PROTOTYPE = "prototype", _("prototype")
        EXPERIMENT = "experimentation", _("expérimentation")
        IMPACT = "impact", _("impact")
        SCALE = "changement_echelle", _("changement d'échelle")

    cluster = models.ForeignKey("cluster.Cluster", on_delete=models.CASCADE,
                                related_name="projects", verbose_name=_("cluster"))
    challenge = models.ForeignKey("cluster.Challenge", on_delete=models.PROTECT,
                                  related_name="projects", verbose_name=_("défi"))
    title = models.CharField(_("titre"), max_length=200)
    slug = models.SlugField(_("identifiant"), max_length=220, unique=True)
    summary = models.TextField(_("résumé"))
    carriers = models.ManyToManyField("territories.Actor", related_name="carried_projects",
                                      verbose_name=_("porteurs"))
    partners = models.ManyToManyField("territories.Actor", blank=True,
                                      related_name="partner_projects",
                                      verbose_name=_("partenaires"))
    place = models.ForeignKey("territories.Place", on_delete=models.SET_NULL, null=True,
                              blank=True, related_name="projects", verbose_name=_("lieu"))
    themes = models.ManyToManyField("territories.Theme", blank=True, related_name="projects",
                                    verbose_name=_("thèmes"))
    objectives = models.ManyToManyField(
        "cluster.Objective", blank=True, related_name="projects",
        verbose_name=_("objectifs auxquels il contribue"))
    stage = models.CharField(_("étape"), max_length=30, choices=Stage.choices,
                             default=Stage.IDEA)
    start_date = models.DateField(_("début"), null=True, blank=True)
    end_date = models.DateField(_("fin prévue"), null=True, blank=True)
    expected_outcomes = models.TextField(_("résultats attendus"), blank=True)
    observed_outcomes = models.TextField(_("résultats observés"), blank=True)
    is_published = models.BooleanField(
        _("publié"), default=False, help_text=_("Une page publique présente le projet."))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("créé par"))
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)
    history = HistoricalRecords(m2m_fields=[carriers, partners],
                                excluded_fields=["search_document"])
    # Optimistic locking: an edit made from an older version is refused (territories.locking).
    version = models.PositiveIntegerField(default=1, editable=False)
    # Kept by the database on PostgreSQL (territories/search_documents.py); empty on SQLite.
    search_document = search_document_field()

    class Meta:
        verbose_name = _("projet")
        verbose_name_plural = _("projets")
        ordering = ["cluster", "title", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="project_ends_after_it_starts",
                violation_error_message=_("La fin prévue doit suivre le début du projet."),
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("projects:detail", args=[self.slug])

    def first_day(self):
        """Return the day the project's life began: its start, or its recording on the
        platform when that came first (a project is often recorded after it began)."""
        recorded = timezone.localdate(self.created_at)
        return min(self.start_date, recorded) if self.start_date else recorded


class StageChange(models.Model):
    """One move of a project from a stage to another, with its reason and date."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE,
                                related_name="stage_changes", verbose_name=_("projet"))
    from_stage = models.CharField(_("depuis"), max_length=30, choices=Project.Stage.choices)
    to_stage = models.CharField(_("vers"), max_length=30, choices=Project.Stage.choices)
    reason = models.TextField(_("raison"))
    changed_on = models.DateField(_("date"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                           blank=True, related_name="+", verbose_name=_("par"))
    recorded_at = models.DateTimeField(_("enregistré le"), auto_now_add=True)

    class Meta:
        verbose_name = _("changement d'étape")
        verbose_name_plural = _("changements d'étape")
        ordering = ["project", "-changed_on", "-pk"]

    def __str__(self):
        return f"{self.project} : {self.get_from_stage_display()} → {self.get_to_stage_display()}"


class PrototypeDecision(models.Model):
    """The comité de pilotage's decision to run a project as a prototype (step 4)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE,
                                related_name="prototype_decisions", verbose_name=_("projet"))
    decision = models.OneToOneField("cluster.SteeringDecision", on_delete=models.CASCADE,
                                    related_name="prototype_decision",
                                    verbose_name=_("décision du comité"))

    class Meta:
        verbose_name = _("décision de prototypage")
        verbose_name_plural = _("décisions de prototypage")
        ordering = ["project", "-decision__meeting__held_on"]

    def __str__(self):
        return f"{self.project} — {self.decision}"


class Replication(models.Model):
    """Essaimage: a project taken up in another territory, keeping the link to its origin."""

    origin = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="replications",
                               verbose_name=_("projet d'origine"))
    copy = models.OneToOneField(Project, on_delete=models.CASCADE,
                                related_name="replicated_from",
                                verbose_name=_("projet essaimé"))
    note = models.TextField(_("ce qui est repris"), blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                           blank=True, related_name="+", verbose_name=_("par"))
    created_at = models.DateTimeField(_("le"), auto_now_add=True)

    class Meta:
        verbose_name = _("essaimage")
        verbose_name_plural = _("essaimages")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=~Q(origin=models.F("copy")),
                                   name="replication_of_another_project"),
        ]

    def __str__(self):
        return f"{self.origin} → {self.copy}"


# The community (step 2) ------------------------------------------------------------------

class CommunityMember(models.Model):
    """A person taking part in the cluster's project community, possibly for an actor."""

    cluster = models.ForeignKey("cluster.Cluster", on_delete=models.CASCADE,
                                related_name="community", verbose_name=_("cluster"))
    name = models.CharField(_("nom"), max_length=200)
    email = models.EmailField(_("e-mail"), blank=True)
    actor = models.ForeignKey("territories.Actor", on_delete=models.SET_NULL, null=True,
                              blank=True, related_name="community_members",
                              verbose_name=_("structure"))
    joined_on = models.DateField(_("arrivé·e le"))
    left_on = models.DateField(_("parti·e le"), null=True, blank=True)

    class Meta:
        verbose_name = _("membre de la communauté")
        verbose_name_plural = _("membres de la communauté")
        ordering = ["cluster", "name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["cluster", "email"], condition=~Q(email=""),
                                    name="unique_community_email_per_cluster",
                                    violation_error_message=_(
                                        "Une personne de la communauté a déjà cet e-mail.")),
        ]

    def __str__(self):
        return self.name


class CommunityMeeting(models.Model):
    """A meeting of the community, with who attended."""

    cluster = models.ForeignKey("cluster.Cluster", on_delete=models.CASCADE,
                                related_name="community_meetings", verbose_name=_("cluster"))
    held_on = models.DateField(_("date"))
    title = models.CharField(_("objet"), max_length=200)
    place = models.ForeignKey("territories.Place", on_delete=models.SET_NULL, null=True,
                              blank=True, related_name="+", verbose_name=_("lieu"))
    notes = models.TextField(_("notes"), blank=True)
    attendees = models.ManyToManyField(CommunityMember, blank=True, related_name="meetings",
                                       verbose_name=_("présent·es"))

    class Meta:
        verbose_name = _("rencontre de la communauté")
        verbose_name_plural = _("rencontres de la communauté")
        ordering = ["cluster", "-held_on", "-pk"]

    def __str__(self):
        return f"{self.title} ({self.held_on})"


# Events (step 5) -------------------------------------------------------------------------

class Event(models.Model):
    """A public event that showcases the cluster's projects, with registrations."""

    cluster = models.ForeignKey("cluster.Cluster", on_delete=models.CASCADE,
                                related_name="events", verbose_name=_("cluster"))
    title = models.CharField(_("titre"), max_length=200)
    slug = models.SlugField(_("identifiant"), max_length=220, unique=True)
    starts_at = models.DateTimeField(_("début"))
    ends_at = models.DateTimeField(_("fin"))
    place = models.ForeignKey("territories.Place", on_delete=models.SET_NULL, null=True,
                              blank=True, related_name="events", verbose_name=_("lieu"))
    address = models.CharField(_("adresse"), max_length=300, blank=True)
    programme = models.TextField(_("programme"), blank=True)
    capacity = models.PositiveIntegerField(_("places"), validators=[MinValueValidator(1)])
    projects = models.ManyToManyField(Project, blank=True, related_name="events",
                                      verbose_name=_("projets présentés"))
    is_published = models.BooleanField(_("publié"), default=False)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    # Optimistic locking: an edit made from an older version is refused (territories.locking).
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("évènement")
        verbose_name_plural = _("évènements")
        ordering = ["-starts_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")),
                                   name="event_ends_after_it_starts",
                                   violation_error_message=_(
                                       "La fin de l'évènement doit suivre son début.")),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="event_has_capacity"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("projects:event_public", args=[self.slug])


class Registration(models.Model):
    """A person's registration to an event: confirmed within capacity, else on the waiting list."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("inscrit·e")
        WAITING = "waiting", _("liste d'attente")
        CANCELLED = "cancelled", _("annulée")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations",
                              verbose_name=_("évènement"))
    name = models.CharField(_("nom"), max_length=200)
    email = models.EmailField(_("e-mail"))
    status = models.CharField(_("état"), max_length=20, choices=Status.choices)
    attended = models.BooleanField(_("présent·e"), default=False)
    created_at = models.DateTimeField(_("inscrit·e le"), auto_now_add=True)

    class Meta:
        verbose_name = _("inscription")
        verbose_name_plural = _("inscriptions")
        ordering = ["event", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["event", "email"],
                                    condition=~Q(status="cancelled"),
                                    name="one_live_registration_per_email",
                                    violation_error_message=_(
                                        "Cette adresse est déjà inscrite à l'évènement.")),
        ]

    def __str__(self):
        return f"{self.name} — {self.event}"


class ProjectOutcome(models.Model):
    """A result a project reports on a shared indicator of the network, at a date."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="outcomes",
                                verbose_name=_("projet"))
    indicator = models.ForeignKey("cluster.SharedIndicator", on_delete=models.PROTECT,
                                  related_name="project_outcomes",
                                  verbose_name=_("indicateur partagé"))
    measured_on = models.DateField(_("date"))
    value = models.DecimalField(_("valeur"), max_digits=14, decimal_places=2)
    source = models.CharField(_("source"), max_length=300)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("saisi par"))
    created_at = models.DateTimeField(_("saisi le"), auto_now_add=True)

    class Meta:
        verbose_name = _("résultat d'un projet")
        verbose_name_plural = _("résultats des projets")
        ordering = ["project", "indicator", "measured_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["project", "indicator", "measured_on"],
                                    name="one_outcome_per_project_indicator_and_day",
                                    violation_error_message=_(
                                        "Ce projet a déjà un résultat à cette date pour cet "
                                        "indicateur.")),
        ]

    def __str__(self):
        return f"{self.project} — {self.indicator} : {self.value}"
