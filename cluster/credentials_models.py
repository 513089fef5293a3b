"""The model behind personal calendar (iCal) links, kept out of cluster.models for length."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CalendarLink(models.Model):
    """The secret behind a person's calendar (iCal) links: renewing it cuts every old link.

    The links carry this key signed with SECRET_KEY, never an identifier; the key alone, as
    read from the database, opens nothing.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="calendar_link", verbose_name=_("personne"))
    key = models.CharField(_("clé"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)

    class Meta:
        verbose_name = _("lien d'agenda")
        verbose_name_plural = _("liens d'agenda")

    def __str__(self):
        return str(self.user)

    @property
    def expires_at(self):
        return self.created_at + timedelta(days=settings.ICAL_LINK_TTL_DAYS)
