"""Webhooks of the funders: the endpoints they register and the log of what was sent there.

Re-exported by `funding.models`, so the models belong to the funding app. They name the
funder model by its label, not by importing it: `funding.models` imports this module.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class WebhookEndpoint(models.Model):
    """An HTTPS address of a funder's, to which the platform POSTs the events it chose."""

    class Event(models.TextChoices):
        DOSSIER_SUBMITTED = "dossier.submitted", _("Dossier déposé")
        COMPLEMENT_ANSWERED = "dossier.complement_answered", _("Complément apporté")
        DECISION_RECORDED = "dossier.decision_recorded", _("Décision enregistrée")

    funder = models.ForeignKey("funding.Funder", on_delete=models.CASCADE,
                               related_name="webhook_endpoints", verbose_name=_("financeur"))
    url = models.URLField(_("adresse"), max_length=500)
    # Kept in clear: the platform signs each delivery with it. Shown once, when made.
    secret = models.CharField(_("secret"), max_length=64, editable=False)
    events = models.JSONField(_("évènements"), default=list)
    is_active = models.BooleanField(_("actif"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("créé par"))
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)

    class Meta:
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")
        ordering = ["funder", "pk"]

    def __str__(self):
        return self.url

    def event_labels(self):
        labels = dict(self.Event.choices)
        return [labels[event] for event in self.events if event in labels]


class WebhookDelivery(models.Model):
    """One event for one endpoint: its body, kept as sent, and where its sending stands."""

    class Status(models.TextChoices):
        PENDING = "en_attente", _("en attente")
        SUCCEEDED = "reussie", _("réussie")
        FAILED = "echouee", _("échouée")

    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE,
                                 related_name="deliveries", verbose_name=_("webhook"))
    event_id = models.UUIDField(_("identifiant de l'évènement"), default=uuid.uuid4)
    event_type = models.CharField(_("évènement"), max_length=40,
                                  choices=WebhookEndpoint.Event.choices)
    # The exact JSON body: every attempt sends the same bytes, signed anew.
    body = models.TextField(_("contenu"))
    status = models.CharField(_("état"), max_length=20, choices=Status.choices,
                              default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("tentatives"), default=0)
    last_status_code = models.PositiveSmallIntegerField(_("dernier code HTTP"), null=True,
                                                        blank=True)
    last_error = models.CharField(_("dernière erreur"), max_length=500, blank=True)
    last_attempt_at = models.DateTimeField(_("dernière tentative"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("prochaine tentative"), null=True, blank=True)
    # Held by the attempt under way until then: no second attempt starts meanwhile.
    sending_until = models.DateTimeField(_("envoi en cours jusqu'à"), null=True, blank=True)
    created_at = models.DateTimeField(_("créée le"), default=timezone.now)

    class Meta:
        verbose_name = _("envoi de webhook")
        verbose_name_plural = _("envois de webhooks")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="webhook_delivery_due"),
            models.Index(fields=["endpoint", "-created_at"], name="webhook_delivery_log"),
        ]

    def __str__(self):
        return f"{self.event_type} → {self.endpoint}"
