"""The cluster's comité de pilotage: its meetings and their decisions."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cluster.models.roadmap import Cluster


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
