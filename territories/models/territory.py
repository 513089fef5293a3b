"""Territories: the perimeter of communes a cluster runs on, its key figures, its label and
the count of changes to its map."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Sum
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from territories.models.geography import Commune


class Territory(models.Model):
    """A perimeter of communes on which a cluster runs.

    Population, départements and régions are derived from the communes,
    never typed.
    """

    class Kind(models.TextChoices):
        METROPOLE = "metropole", _("métropole")
        AGGLOMERATION = "agglomeration", _("agglomération")
        MEDIUM_TOWN = "ville_moyenne", _("ville moyenne")
        PRIORITY_DISTRICT = "quartier_prioritaire", _("quartier prioritaire")
        RURAL = "rural", _("territoire rural")
        INDUSTRIAL = "bassin_industriel", _("ancien bassin industriel")
        DEPARTMENT = "departement", _("département")
        REGION = "region", _("région")
        OVERSEAS = "outre_mer", _("outre-mer")

    class Transition(models.TextChoices):
        ECONOMIC = "economique", _("économique")
        ENERGY = "energetique", _("énergétique")
        EDUCATION = "educative_culturelle", _("éducative et culturelle")
        DEMOGRAPHIC = "demographique", _("démographique")
        DIGITAL = "numerique", _("numérique")
        LIFESTYLE = "usages", _("usages et modes de vie")

    class PerimeterLevel(models.TextChoices):
        COMMUNES = "communes", _("communes")
        EPCI = "epci", _("intercommunalités (EPCI)")
        DEPARTMENT = "departement", _("départements")
        REGION = "region", _("région(s)")

    name = models.CharField(_("nom"), max_length=200)
    slug = models.SlugField(_("identifiant"), max_length=200, unique=True)
    kind = models.CharField(_("type de territoire"), max_length=30, choices=Kind.choices)
    summary = models.TextField(_("présentation"), blank=True)
    transitions = models.JSONField(_("transitions"), default=list, blank=True)
    # The perimeter as chosen (e.g. one EPCI), kept to edit it; `communes` is what it covers.
    perimeter_level = models.CharField(_("périmètre choisi par"), max_length=20,
                                       choices=PerimeterLevel.choices,
                                       default=PerimeterLevel.COMMUNES)
    perimeter_codes = models.JSONField(_("codes du périmètre"), default=list, blank=True)
    communes = models.ManyToManyField(
        Commune, related_name="territories", verbose_name=_("communes du périmètre")
    )
    cooperation_territories = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="cooperating_with",
        verbose_name=_("territoires de coopération prioritaire"),
        help_text=_("Zones voisines ou internes qui rejoignent la dynamique sans disposer d'un "
                    "écosystème mature."),
    )
    is_published = models.BooleanField(_("publié"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("créé par"))
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    # Optimistic locking: an edit made from an older version is refused (territories.locking).
    version = models.PositiveIntegerField(default=1, editable=False)
    # Who changed it and when; the national back office lists its publications from it.
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("territoire")
        verbose_name_plural = _("territoires")
        ordering = ["name"]
        indexes = [models.Index(fields=["name"], name="territory_name")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("territories:detail", args=[self.slug])

    def population(self):
        return self.communes.aggregate(total=Sum("population"))["total"] or 0

    def get_transitions_display(self):
        labels = dict(self.Transition.choices)
        return [labels[value] for value in self.transitions if value in labels]


class MapVersion(models.Model):
    """How many times a territory's actors and places changed (territories.map_cache).

    Counted by the database (statement triggers, PostgreSQL only), never by Python."""

    territory = models.OneToOneField(Territory, on_delete=models.CASCADE, primary_key=True,
                                     related_name="+")
    version = models.PositiveBigIntegerField(default=0)

    def __str__(self):
        return f"{self.territory_id}: {self.version}"


class KeyFigure(models.Model):
    """A figure that describes the territory, always with its source."""

    territory = models.ForeignKey(Territory, on_delete=models.CASCADE,
                                  related_name="key_figures", verbose_name=_("territoire"))
    label = models.CharField(_("intitulé"), max_length=200)
    value = models.DecimalField(_("valeur"), max_digits=14, decimal_places=2)
    unit = models.CharField(_("unité"), max_length=30, blank=True)
    year = models.PositiveSmallIntegerField(
        _("année"), null=True, blank=True,
        validators=[MinValueValidator(1900), MaxValueValidator(2100)])
    source = models.CharField(_("source"), max_length=300)

    class Meta:
        verbose_name = _("chiffre clé")
        verbose_name_plural = _("chiffres clés")
        ordering = ["pk"]

    def __str__(self):
        return f"{self.label} : {self.value} {self.unit}".strip()


class Label(models.Model):
    """A territory's "Territoire French Impact" label: where it stands, its wave and date.

    It lives here, the ground floor, so that every page and the API can show it; the call
    that granted it belongs to funding, above, and is kept by its slug and title rather
    than by a foreign key (territories never depends on funding, not even in migrations).
    """

    class Status(models.TextChoices):
        CANDIDATE = "candidate", _("candidat")
        LABELLED = "labelled", _("labellisé")
        FOLLOW_UP = "annual_follow_up", _("en suivi annuel")
        SUSPENDED = "suspended", _("suspendu")
        WITHDRAWN = "withdrawn", _("retiré")

    # Holding the label: granted, and still held during the annual follow-ups.
    ACTIVE_STATUSES = (Status.LABELLED, Status.FOLLOW_UP)

    territory = models.OneToOneField(Territory, on_delete=models.CASCADE, related_name="label",
                                     verbose_name=_("territoire"))
    status = models.CharField(_("état du label"), max_length=20, choices=Status.choices,
                              default=Status.CANDIDATE)
    wave = models.PositiveSmallIntegerField(_("vague"), null=True, blank=True,
                                            validators=[MinValueValidator(1)])
    labelled_on = models.DateField(_("labellisé le"), null=True, blank=True)
    call_slug = models.SlugField(_("identifiant de l'appel"), max_length=200, blank=True)
    call_title = models.CharField(_("appel"), max_length=200, blank=True)
    reason = models.TextField(_("motif du dernier changement"), blank=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)
    # The audit trail of the label: who changed its status, when, from what.
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("label")
        verbose_name_plural = _("labels")
        ordering = ["wave", "labelled_on", "territory__name"]

    def __str__(self):
        return f"{self.territory} — {self.get_status_display()}"

    @property
    def is_active(self):
        """Whether the territory holds the label now (suspended or withdrawn ones do not)."""
        return self.status in self.ACTIVE_STATUSES
