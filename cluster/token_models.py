"""What an API token may do, kept out of cluster.models for length.

django-rest-knox keeps the secret (only its digest is stored); this row says what the
token opens: reading only or reading and writing, everything its owner reaches or only
one collective or one funder. A knox token without this row (made before scopes existed)
reads and writes everything its owner reaches.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from knox.models import AuthToken

LABEL_MAX_LENGTH = 80


class ApiTokenScope(models.Model):
    """The label, rights and limit of one API token, and when it was last used."""

    class Limit(models.TextChoices):
        NONE = "none", _("aucune limite")
        COLLECTIVE = "collective", _("un collectif")
        FUNDER = "funder", _("un financeur")

    token = models.OneToOneField(AuthToken, on_delete=models.CASCADE, primary_key=True,
                                 related_name="api_scope", verbose_name=_("jeton"))
    label = models.CharField(_("nom"), max_length=LABEL_MAX_LENGTH, blank=True)
    read_only = models.BooleanField(_("lecture seule"), default=False)
    limit = models.CharField(_("limité à"), max_length=10, choices=Limit.choices,
                             default=Limit.NONE)
    # SET_NULL, not CASCADE: losing the row would widen the token to everything; a limit
    # whose collective or funder is gone opens nothing (see territories.token_scope).
    collective = models.ForeignKey("cluster.Collective", on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("collectif"))
    # Funding sits above cluster: the funder is named by its label, never imported.
    funder = models.ForeignKey("funding.Funder", on_delete=models.SET_NULL, null=True,
                               blank=True, related_name="+", verbose_name=_("financeur"))
    last_used_at = models.DateTimeField(_("dernière utilisation"), null=True, blank=True)

    class Meta:
        verbose_name = _("portée d'un jeton d'API")
        verbose_name_plural = _("portées des jetons d'API")

    def __str__(self):
        return self.label or self.token.token_key
