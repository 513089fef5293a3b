"""A cluster and the seven steps of its roadmap, with their milestones and deliverables."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cluster.models.collectives import Collective


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

    def counts_as_finished(self, today, open_milestones):
        """Return whether the step is finished: marked so, started by `today`, and with
        no milestone left to reach.

        The dashboard and the schéma directeur count finished steps through this one rule,
        so a step marked done before a milestone was reopened or added is not counted.
        """
        return (self.status == self.Status.DONE and self.start_date <= today
                and not open_milestones)


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
