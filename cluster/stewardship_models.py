"""Who stewards a territory, and the requests of other collectives to run a cluster on it.

A territory is changed (name, perimeter, key figures, publication…) by staff and by the
facilitators of one collective, its steward. The link lives here, in cluster, rather than
as a `Territory.steward` foreign key: territories sits below cluster and must not point
up to `Collective`, not even by the string "cluster.Collective" (a model-level dependency
is an import all the same, in migrations and in every query). `Stewardship` holds a
one-to-one to the territory, so a territory has at most one steward by construction, and
territories reaches it through the reverse relation `stewardship`
(`Territory.objects.filter(stewardship__collective__memberships__user=…)`), the way it
already reaches `clusters__collective`. A separate row rather than an M2M on Collective
also records who named the steward and when.

These models are imported by `cluster.models`, so they belong to the cluster app.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

MESSAGE_MAX_LENGTH = 2000


class Stewardship(models.Model):
    """The collective whose facilitators change a territory: its creator's collective,
    the first to run a cluster on it, or the one the national coordinator names."""

    territory = models.OneToOneField(
        "territories.Territory", on_delete=models.CASCADE, related_name="stewardship",
        verbose_name=_("territoire"),
    )
    collective = models.ForeignKey(
        "cluster.Collective", on_delete=models.PROTECT, related_name="stewardships",
        verbose_name=_("collectif animateur"),
    )
    named_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                 null=True, blank=True, related_name="+",
                                 verbose_name=_("nommé par"))
    named_at = models.DateTimeField(_("depuis le"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("collectif animateur d'un territoire")
        verbose_name_plural = _("collectifs animateurs des territoires")
        ordering = ["territory__name"]

    def __str__(self):
        return f"{self.territory} — {self.collective}"


class ClusterRequest(models.Model):
    """A collective's request to run a cluster on a territory another collective stewards.

    The steward's facilitators or staff accept it (the cluster is created then, with the
    dates asked for) or refuse it; a collective has at most one pending request per
    territory.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("en attente")
        ACCEPTED = "accepted", _("acceptée")
        REFUSED = "refused", _("refusée")

    collective = models.ForeignKey("cluster.Collective", on_delete=models.CASCADE,
                                   related_name="cluster_requests",
                                   verbose_name=_("collectif demandeur"))
    territory = models.ForeignKey("territories.Territory", on_delete=models.CASCADE,
                                  related_name="cluster_requests",
                                  verbose_name=_("territoire"))
    start_date = models.DateField(_("date de lancement souhaitée"))
    duration_months = models.PositiveSmallIntegerField(_("durée (mois)"), default=12)
    message = models.TextField(_("message"), blank=True, max_length=MESSAGE_MAX_LENGTH)
    status = models.CharField(_("état"), max_length=10, choices=Status.choices,
                              default=Status.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                     null=True, blank=True, related_name="+",
                                     verbose_name=_("demandée par"))
    created_at = models.DateTimeField(_("envoyée le"), auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("décidée par"))
    decided_at = models.DateTimeField(_("décidée le"), null=True, blank=True)
    answer = models.TextField(_("réponse"), blank=True, max_length=MESSAGE_MAX_LENGTH)
    cluster = models.ForeignKey("cluster.Cluster", on_delete=models.SET_NULL, null=True,
                                blank=True, related_name="+",
                                verbose_name=_("cluster créé"))

    class Meta:
        verbose_name = _("demande de cluster")
        verbose_name_plural = _("demandes de cluster")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["collective", "territory"], condition=models.Q(status="pending"),
                name="one_pending_cluster_request_per_collective_and_territory"),
            models.CheckConstraint(
                condition=models.Q(duration_months__gte=9, duration_months__lte=12),
                name="cluster_request_duration_9_to_12_months"),
        ]

    def __str__(self):
        return f"{self.collective} → {self.territory} ({self.get_status_display()})"

    def get_absolute_url(self):
        return reverse("cluster_request_detail", args=[self.pk])
