"""The items of a territory's step-1 map: actors, places, resources and local policies."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from territories.models.geography import Commune
from territories.models.territory import Territory
from territories.models.themes import Theme
from territories.search_documents import search_document_field
from territories.validators import validate_siret


class MappedItem(models.Model):
    """What every item of the step-1 map has: a territory, a name, a publication flag."""

    territory = models.ForeignKey(
        Territory, on_delete=models.CASCADE, related_name="%(class)ss",
        verbose_name=_("territoire"),
    )
    name = models.CharField(_("nom"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    is_published = models.BooleanField(
        _("publié"), default=False,
        help_text=_("Visible du public ; sinon, seulement des collectifs du territoire."),
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self):
        return self.name


def published_unlocated_index(name):
    """The published items of a territory without a point, by commune: a map draws them at
    their commune's town hall, and finds them here without reading the others."""
    return models.Index(
        fields=["territory", "commune"], include=["id"], name=name,
        condition=models.Q(is_published=True, commune__isnull=False)
        & (models.Q(latitude__isnull=True) | models.Q(longitude__isnull=True)))


def points_index(name, *, by="latitude"):
    """A territory's items by point, published or not: a map's box reads its points from
    this index alone (territories.map_clusters.box), the public's (`is_published` is
    included) as its editors' (drafts too). By longitude first (`by`): a box taller than
    wide reads fewer entries from it."""
    other = {"latitude": "longitude", "longitude": "latitude"}[by]
    return models.Index(fields=["territory", by, other], include=["id", "is_published"],
                        name=name)


class LocatedItem(MappedItem):
    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("commune"),
    )
    address = models.CharField(_("adresse"), max_length=300, blank=True)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )

    class Meta(MappedItem.Meta):
        abstract = True


class Actor(LocatedItem):
    """Anyone who acts on the territory: public body, ESS organisation, company, research…"""

    class Kind(models.TextChoices):
        LOCAL_AUTHORITY = "collectivite", _("collectivité ou service public")
        ASSOCIATION = "association", _("association")
        COOPERATIVE = "cooperative", _("coopérative")
        MUTUAL = "mutuelle", _("mutuelle")
        FOUNDATION = "fondation", _("fondation")
        SOCIAL_ENTERPRISE = "entreprise_sociale", _("entreprise sociale")
        TPE = "tpe", _("entreprise engagée — TPE")
        PME = "pme", _("entreprise engagée — PME")
        ETI = "eti", _("entreprise engagée — ETI")
        LARGE_COMPANY = "grand_groupe", _("entreprise engagée — grand groupe")
        INCUBATOR = "incubateur", _("incubateur ou accélérateur")
        NETWORK = "reseau", _("réseau d'accompagnement (CRESS, CCI, PTCE…)")
        RESEARCH = "recherche", _("recherche et enseignement")
        CITIZENS = "citoyens", _("collectif citoyen")
        ARTISTS = "artistes", _("artistes et culture")
        OTHER = "autre", _("autre")

    kind = models.CharField(_("type d'acteur"), max_length=30, choices=Kind.choices,
                            default=Kind.OTHER)
    siret = models.CharField(_("SIRET"), max_length=14, blank=True,
                             validators=[validate_siret])
    website = models.URLField(_("site web"), blank=True)
    email = models.EmailField(_("e-mail de contact"), blank=True)
    themes = models.ManyToManyField(Theme, blank=True, related_name="actors",
                                    verbose_name=_("thèmes"))
    free_tags = models.CharField(
        _("étiquettes libres"), max_length=500, blank=True,
        help_text=_("Mots d'un fichier importé qui ne correspondent à aucun thème, séparés "
                    "par des virgules."),
    )
    # Optimistic locking: an edit made from an older version is refused (territories.locking).
    version = models.PositiveIntegerField(default=1, editable=False)
    # Kept by the database on PostgreSQL (territories/search_documents.py); empty on SQLite.
    search_document = search_document_field()

    class Meta(LocatedItem.Meta):
        verbose_name = _("acteur")
        verbose_name_plural = _("acteurs")
        # The API and the pages list a territory's actors by name, page by page; the
        # partial index counts a territory's published ones without reading the rows.
        indexes = [
            models.Index(fields=["territory", "name", "id"], name="actor_territory_name"),
            models.Index(fields=["name", "id"], name="actor_name"),
            models.Index(fields=["territory"], condition=models.Q(is_published=True),
                         name="actor_published_territory"),
            points_index("actor_point"),
            points_index("actor_point_lon", by="longitude"),
            published_unlocated_index("actor_published_unlocated"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["territory", "siret"], condition=~models.Q(siret=""),
                name="unique_actor_siret_per_territory",
                violation_error_message=_("Un acteur de ce territoire a déjà ce SIRET."),
            ),
        ]

    def get_absolute_url(self):
        return reverse("territories:actor_detail", args=[self.territory.slug, self.pk])

    @property
    def free_tag_list(self):
        return [tag.strip() for tag in self.free_tags.split(",") if tag.strip()]


class Place(LocatedItem):
    """A place realised or emerging: tiers-lieu, friche, fablab…"""

    class Kind(models.TextChoices):
        THIRD_PLACE = "tiers_lieu", _("tiers-lieu")
        WASTELAND = "friche", _("friche")
        FABLAB = "fablab", _("fablab ou atelier partagé")
        COWORKING = "coworking", _("espace de coworking")
        COMMUNITY = "local_associatif", _("local associatif ou centre social")
        FARM = "ferme", _("ferme ou jardin partagé")
        OTHER = "autre", _("autre")

    class Status(models.TextChoices):
        OPEN = "ouvert", _("réalisé, ouvert")
        EMERGING = "emergent", _("émergent")
        PLANNED = "projet", _("en projet")

    kind = models.CharField(_("type de lieu"), max_length=30, choices=Kind.choices,
                            default=Kind.THIRD_PLACE)
    status = models.CharField(_("état"), max_length=20, choices=Status.choices,
                              default=Status.OPEN)
    operator = models.ForeignKey(
        Actor, on_delete=models.SET_NULL, null=True, blank=True, related_name="places",
        verbose_name=_("gestionnaire"),
    )
    # Optimistic locking: an edit made from an older version is refused (territories.locking).
    version = models.PositiveIntegerField(default=1, editable=False)
    search_document = search_document_field()

    class Meta(LocatedItem.Meta):
        verbose_name = _("lieu")
        verbose_name_plural = _("lieux")
        indexes = [
            models.Index(fields=["territory", "name", "id"], name="place_territory_name"),
            models.Index(fields=["territory"], condition=models.Q(is_published=True),
                         name="place_published_territory"),
            points_index("place_point"),
            points_index("place_point_lon", by="longitude"),
            published_unlocated_index("place_published_unlocated"),
        ]

    def get_absolute_url(self):
        return reverse("territories:place_detail", args=[self.territory.slug, self.pk])


class Resource(MappedItem):
    """A resource the territory can count on: engineering, equipment, data, training…"""

    class Kind(models.TextChoices):
        ENGINEERING = "ingenierie", _("ingénierie et accompagnement")
        FUNDING = "financement", _("financement")
        EQUIPMENT = "equipement", _("équipement ou matériel")
        TRAINING = "formation", _("formation")
        DATA = "donnees", _("données et études")
        OTHER = "autre", _("autre")

    kind = models.CharField(_("type de ressource"), max_length=30, choices=Kind.choices)
    provider = models.ForeignKey(
        Actor, on_delete=models.SET_NULL, null=True, blank=True, related_name="resources",
        verbose_name=_("apportée par"),
    )

    class Meta(MappedItem.Meta):
        verbose_name = _("ressource")
        verbose_name_plural = _("ressources")

    def get_absolute_url(self):
        return reverse("territories:resource_detail", args=[self.territory.slug, self.pk])


class LocalPolicy(MappedItem):
    """A public policy that supports the dynamic: plan ESS, contrat de ville, PCAET…"""

    class Level(models.TextChoices):
        COMMUNE = "commune", _("commune")
        EPCI = "epci", _("intercommunalité")
        DEPARTMENT = "departement", _("département")
        REGION = "region", _("région")
        STATE = "etat", _("État")
        EUROPE = "europe", _("Union européenne")

    level = models.CharField(_("échelon"), max_length=20, choices=Level.choices)
    url = models.URLField(_("lien"), blank=True)

    class Meta(MappedItem.Meta):
        verbose_name = _("politique locale")
        verbose_name_plural = _("politiques locales")

    def get_absolute_url(self):
        return reverse("territories:policy_detail", args=[self.territory.slug, self.pk])
