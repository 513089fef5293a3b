"""A person's request to join a collective, which its facilitators accept or refuse.

Imported by `cluster.models`, so it belongs to the cluster app.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class JoinRequest(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("en attente")
        ACCEPTED = "accepted", _("acceptée")
        REFUSED = "refused", _("refusée")

    collective = models.ForeignKey("cluster.Collective", on_delete=models.CASCADE,
                                   related_name="join_requests", verbose_name=_("collectif"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="join_requests", verbose_name=_("personne"))
    message = models.TextField(_("message"), blank=True)
    status = models.CharField(_("statut"), max_length=20, choices=Status.choices,
                              default=Status.PENDING)
    created_at = models.DateTimeField(_("envoyée le"), auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("décidée par"))
    decided_at = models.DateTimeField(_("décidée le"), null=True, blank=True)

    class Meta:
        verbose_name = _("demande d'adhésion")
        verbose_name_plural = _("demandes d'adhésion")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["collective", "user"],
                                    condition=Q(status="pending"),
                                    name="one_pending_join_request"),
        ]

    def __str__(self):
        return f"{self.user} → {self.collective}"
