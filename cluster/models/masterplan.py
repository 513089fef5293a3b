"""The schéma directeur of a cluster: its sections and its numbered versions."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cluster.models.roadmap import Cluster


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
