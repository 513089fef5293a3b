"""The network's shared indicators: a national catalogue, by national theme, with a fixed
unit and direction, that the objectives of every territory may adopt so that their
measurements add up across territories (see cluster/network.py)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from cluster.models.challenges import Objective

# The unit of shares: such figures are averaged across territories, never summed.
PERCENT = "%"


class SharedIndicator(models.Model):
    """An indicator of the national catalogue: « emplois d'insertion créés (ETP) »…"""

    # The same directions as an objective's: one that adopts the indicator takes its own.
    Direction = Objective.Direction

    slug = models.SlugField(_("identifiant"), max_length=80, unique=True)
    theme = models.ForeignKey(
        "territories.Theme", on_delete=models.PROTECT, related_name="shared_indicators",
        limit_choices_to={"is_national": True}, verbose_name=_("thème national"))
    name = models.CharField(_("nom"), max_length=200)
    unit = models.CharField(_("unité"), max_length=50,
                            help_text=_("Fixée : les objectifs qui l'adoptent la reprennent."))
    direction = models.CharField(_("sens"), max_length=10, choices=Direction.choices,
                                 default=Direction.INCREASE)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("indicateur partagé")
        verbose_name_plural = _("indicateurs partagés")
        ordering = ["theme__name", "name"]

    def __str__(self):
        return f"{self.name} ({self.unit})"

    @property
    def is_share(self):
        """Whether the figures are shares (%): averaged across territories, never summed."""
        return self.unit.strip() == PERCENT
