"""Imports of actors from a file, and the background tasks waiting for a broker."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from territories.models.territory import Territory


class ActorImport(models.Model):
    """A CSV file of actors: previewed first, then written, inline or by a worker."""

    class Status(models.TextChoices):
        PREVIEW = "preview", _("aperçu, en attente de confirmation")
        QUEUED = "queued", _("en file d'attente")
        RUNNING = "running", _("en cours")
        DONE = "done", _("terminé")
        FAILED = "failed", _("échec")

    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="imports",
                                  verbose_name=_("territoire"))
    file = models.FileField(_("fichier"), upload_to="imports/%Y/%m/")
    original_name = models.CharField(_("nom du fichier"), max_length=255)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, related_name="+", verbose_name=_("par"))
    status = models.CharField(_("état"), max_length=10, choices=Status.choices,
                              default=Status.PREVIEW)
    publish = models.BooleanField(_("publier les nouveaux acteurs"), default=False)
    include_outside = models.BooleanField(
        _("importer aussi les acteurs hors du périmètre"), default=False)
    total_rows = models.PositiveIntegerField(_("lignes"), default=0)
    processed_rows = models.PositiveIntegerField(_("lignes traitées"), default=0)
    report = models.JSONField(_("rapport"), default=dict)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    finished_at = models.DateTimeField(_("terminé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("import d'acteurs")
        verbose_name_plural = _("imports d'acteurs")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.original_name} ({self.get_status_display()})"

    def get_absolute_url(self):
        return reverse("territories:actor_import_detail", args=[self.territory.slug, self.pk])

    @property
    def progress_percent(self):
        if not self.total_rows:
            return 100 if self.status == self.Status.DONE else 0
        return min(100, round(100 * self.processed_rows / self.total_rows))


class QueuedTask(models.Model):
    """A background task written with the change that asked for it, until a broker takes it.

    The row is deleted once the task is handed to the broker (see territories.outbox):
    the table holds only the work still waiting, e.g. while Redis is down.
    """

    task = models.CharField(_("tâche"), max_length=200)
    args = models.JSONField(_("arguments"), default=list, blank=True)
    kwargs = models.JSONField(_("arguments nommés"), default=dict, blank=True)
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    attempts = models.PositiveIntegerField(_("tentatives d'envoi"), default=0)
    last_attempt_at = models.DateTimeField(_("dernière tentative le"), null=True, blank=True)
    last_error = models.TextField(_("dernière erreur"), blank=True)

    class Meta:
        verbose_name = _("tâche en attente d'envoi")
        verbose_name_plural = _("tâches en attente d'envoi")
        ordering = ["pk"]

    def __str__(self):
        return f"{self.task} ({self.created_at:%Y-%m-%d %H:%M})"
