"""Défis with their measurable objectives and measurements, and engaged companies."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cluster.models.roadmap import Cluster


class Challenge(models.Model):
    """A défi: a social or environmental challenge with measurable objectives."""

    class Kind(models.TextChoices):
        ENVIRONMENTAL = "environnemental", _("environnemental")
        SOCIAL = "social", _("social")
        CITIZEN = "citoyen", _("citoyen")
        ECONOMIC = "economique", _("économique")
        OTHER = "autre", _("autre")

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="challenges",
                                verbose_name=_("cluster"))
    kind = models.CharField(_("nature"), max_length=20, choices=Kind.choices,
                            default=Kind.OTHER)
    theme = models.ForeignKey("territories.Theme", on_delete=models.SET_NULL, null=True,
                              blank=True, related_name="challenges", verbose_name=_("thème"))
    national_themes = models.ManyToManyField(
        "territories.Theme", blank=True, related_name="national_challenges",
        limit_choices_to={"is_national": True}, verbose_name=_("thèmes nationaux"),
        help_text=_("Les thèmes du réseau auxquels ce défi contribue."))
    title = models.CharField(_("intitulé"), max_length=200)
    summary = models.TextField(_("résumé"), blank=True)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("défi")
        verbose_name_plural = _("défis")
        ordering = ["cluster", "position", "pk"]

    def __str__(self):
        return self.title


class Objective(models.Model):
    """A measurable objective of a défi: its indicator goes from a baseline to a target."""

    class Direction(models.TextChoices):
        INCREASE = "increase", _("à augmenter")
        DECREASE = "decrease", _("à réduire")

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE,
                                  related_name="objectives", verbose_name=_("défi"))
    title = models.CharField(_("objectif"), max_length=200)
    unit = models.CharField(_("unité"), max_length=50)
    baseline = models.DecimalField(_("valeur de départ"), max_digits=14, decimal_places=2)
    target = models.DecimalField(_("cible"), max_digits=14, decimal_places=2)
    target_date = models.DateField(_("échéance"))
    direction = models.CharField(_("sens"), max_length=10, choices=Direction.choices,
                                 default=Direction.INCREASE)
    shared_indicator = models.ForeignKey(
        "cluster.SharedIndicator", on_delete=models.PROTECT, null=True, blank=True,
        related_name="objectives", verbose_name=_("indicateur partagé"),
        help_text=_("Un indicateur du catalogue national : ses mesures s'additionnent alors "
                    "à celles des autres territoires. L'unité et le sens doivent être les "
                    "siens."))
    # Optimistic locking: a save based on an older version is refused (see services).
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("objectif")
        verbose_name_plural = _("objectifs")
        ordering = ["challenge", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(direction="increase", target__gt=models.F("baseline"))
                           | models.Q(direction="decrease", target__lt=models.F("baseline"))),
                name="objective_target_beyond_baseline",
                violation_error_message=_(
                    "La cible doit dépasser la valeur de départ dans le sens choisi."),
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        error = shared_indicator_mismatch(self)
        if error:
            raise ValidationError({"shared_indicator": error})

    def progress(self, value):
        """Return the share of the way from baseline to target that `value` reaches, 0 to 1."""
        if value is None:
            return None
        share = (value - self.baseline) / (self.target - self.baseline)
        return max(Decimal(0), min(Decimal(1), share))


def shared_indicator_mismatch(objective):
    """Return why `objective` cannot adopt its shared indicator (French), or "".

    An adopted indicator fixes the unit and the direction: figures in another unit, or
    counted the other way, would not add up with the other territories'.
    """
    indicator = objective.shared_indicator
    if indicator is None:
        return ""
    if (objective.unit or "").strip().casefold() != indicator.unit.strip().casefold():
        return _("L'indicateur partagé « %(name)s » se mesure en « %(unit)s » : l'objectif "
                 "est en « %(own)s ». Reprenez l'unité de l'indicateur pour que ses mesures "
                 "s'additionnent à celles des autres territoires.") % {
            "name": indicator.name, "unit": indicator.unit, "own": objective.unit}
    if objective.direction != indicator.direction:
        return _("L'indicateur partagé « %(name)s » est %(direction)s : l'objectif doit "
                 "aller dans le même sens.") % {
            "name": indicator.name, "direction": indicator.get_direction_display()}
    return ""


class Measurement(models.Model):
    objective = models.ForeignKey(Objective, on_delete=models.CASCADE,
                                  related_name="measurements", verbose_name=_("objectif"))
    measured_on = models.DateField(_("date de la mesure"))
    value = models.DecimalField(_("valeur"), max_digits=14, decimal_places=2)
    source = models.CharField(_("source"), max_length=300)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("saisie par"))
    created_at = models.DateTimeField(_("saisie le"), auto_now_add=True)
    # Kept by cluster.latest_measurements whenever a measurement is written or deleted, so
    # that the national dashboard adds up the latest figures without searching for them.
    is_latest = models.BooleanField(default=False, editable=False)
    is_latest_of_year = models.BooleanField(default=False, editable=False)
    history = HistoricalRecords(excluded_fields=["is_latest", "is_latest_of_year"])

    class Meta:
        verbose_name = _("mesure")
        verbose_name_plural = _("mesures")
        ordering = ["objective", "measured_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["objective", "measured_on"],
                                    name="one_measurement_per_objective_and_day",
                                    violation_error_message=_(
                                        "Une mesure existe déjà à cette date pour cet objectif.")),
        ]

    def __str__(self):
        return f"{self.value} ({self.measured_on})"


# Engaged companies ----------------------------------------------------------------------------

class Engagement(models.Model):
    """A company's engagement in the cluster: mécénat, partnership, responsible purchasing…"""

    class Kind(models.TextChoices):
        FINANCIAL_PATRONAGE = "mecenat_financier", _("mécénat financier")
        SKILLS_PATRONAGE = "mecenat_competences", _("mécénat de compétences")
        PARTNERSHIP = "partenariat", _("partenariat")
        PURCHASING = "achat_responsable", _("achat responsable")
        MENTORING = "mentorat", _("mentorat")
        INVESTMENT = "investissement", _("investissement")

    class Size(models.TextChoices):
        TPE = "tpe", _("TPE")
        PME = "pme", _("PME")
        ETI = "eti", _("ETI")
        LARGE = "grand_groupe", _("grand groupe")

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="engagements",
                                verbose_name=_("cluster"))
    company = models.ForeignKey("territories.Actor", on_delete=models.PROTECT,
                                related_name="engagements", verbose_name=_("entreprise"))
    size = models.CharField(_("taille de l'entreprise"), max_length=20, choices=Size.choices)
    kind = models.CharField(_("forme d'engagement"), max_length=30, choices=Kind.choices)
    value = models.DecimalField(
        _("valeur (€)"), max_digits=12, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal(0))],
        help_text=_("Montant versé, ou valorisation des compétences et des achats."))
    description = models.TextField(_("description"), blank=True)
    start_date = models.DateField(_("depuis le"), null=True, blank=True)
    # The national network the company takes part in through this engagement, if any.
    network = models.ForeignKey("cluster.CompanyNetwork", on_delete=models.PROTECT, null=True,
                                blank=True, related_name="engagements",
                                verbose_name=_("réseau national d'entreprises"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("entreprise engagée")
        verbose_name_plural = _("entreprises engagées")
        ordering = ["cluster", "company__name", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(value__gte=0) | models.Q(value=None),
                                   name="engagement_value_not_negative"),
        ]

    def __str__(self):
        return f"{self.company} — {self.get_kind_display()}"
