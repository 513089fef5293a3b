"""Reference geography (régions, départements, EPCI, communes) and territories.

The reference rows use their official codes as primary keys: they come from
an official dataset and are refreshed by code, never edited by hand.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Sum
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from territories.search_documents import search_document_field
from territories.validators import validate_siret


class Region(models.Model):
    code = models.CharField(_("code INSEE"), max_length=3, primary_key=True)
    name = models.CharField(_("nom"), max_length=100)

    class Meta:
        verbose_name = _("région")
        verbose_name_plural = _("régions")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Department(models.Model):
    code = models.CharField(_("code"), max_length=3, primary_key=True)
    name = models.CharField(_("nom"), max_length=100)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="departments", verbose_name=_("région"),
        null=True, blank=True,
    )

    class Meta:
        verbose_name = _("département")
        verbose_name_plural = _("départements")
        ordering = ["code"]

    def __str__(self):
        return f"{self.name} ({self.code})"


class Epci(models.Model):
    """An établissement public de coopération intercommunale, known by its SIREN."""

    class Kind(models.TextChoices):
        CC = "CC", _("communauté de communes")
        CA = "CA", _("communauté d'agglomération")
        CU = "CU", _("communauté urbaine")
        METRO = "METRO", _("métropole")
        MET69 = "MET69", _("Métropole de Lyon")

    code = models.CharField(_("SIREN"), max_length=9, primary_key=True)
    name = models.CharField(_("nom"), max_length=200)
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices)
    population = models.PositiveIntegerField(_("population"), default=0)

    class Meta:
        verbose_name = _("EPCI")
        verbose_name_plural = _("EPCI")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Commune(models.Model):
    """A current commune, or a municipal arrondissement of Paris, Lyon or Marseille.

    Arrondissements point to their commune (`parent`) so that an address in
    "Marseille 3e" finds Marseille; perimeters are made of communes only.
    """

    class Kind(models.TextChoices):
        COMMUNE = "commune", _("commune")
        ARRONDISSEMENT = "arrondissement", _("arrondissement municipal")

    code = models.CharField(_("code INSEE"), max_length=5, primary_key=True)
    name = models.CharField(_("nom"), max_length=100, db_index=True)
    kind = models.CharField(_("type"), max_length=15, choices=Kind.choices,
                            default=Kind.COMMUNE)
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="communes",
        verbose_name=_("département"),
    )
    epci = models.ForeignKey(
        Epci, on_delete=models.SET_NULL, null=True, blank=True, related_name="communes",
        verbose_name=_("EPCI"),
    )
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="arrondissements",
        verbose_name=_("commune de rattachement"),
    )
    population = models.PositiveIntegerField(_("population"), default=0)
    # Space-separated: the few communes with several postal codes stay searchable
    # with a plain `contains` on every database.
    postal_codes = models.CharField(_("codes postaux"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("commune")
        verbose_name_plural = _("communes")
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.department_id})"


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


class ThemeQuerySet(models.QuerySet):
    def national(self):
        return self.filter(is_national=True)

    def delete(self):
        # A theme in use is refused before anything is written (see territories.themes).
        from territories.themes import refuse_deleting_used_themes

        refuse_deleting_used_themes(list(self))
        return super().delete()


class Theme(models.Model):
    """A theme of action shared by actors, défis and projects (alimentation durable…).

    Five of them are the network's national themes, the ones that « sont remontées des
    territoires » (Localtis, 2019): impact is summed across territories by these.
    """

    slug = models.SlugField(_("identifiant"), max_length=60, primary_key=True)
    name = models.CharField(_("nom"), max_length=100)
    is_national = models.BooleanField(
        _("thème national"), default=False,
        help_text=_("L'un des cinq thèmes du réseau, par lesquels l'impact s'additionne "
                    "entre territoires."),
    )

    objects = ThemeQuerySet.as_manager()

    class Meta:
        verbose_name = _("thème")
        verbose_name_plural = _("thèmes")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def delete(self, *args, **kwargs):
        from territories.themes import refuse_deleting_used_themes

        refuse_deleting_used_themes([self])
        return super().delete(*args, **kwargs)


class ThemeSynonym(models.Model):
    """A word of partners' files that means a theme: « recyclerie » → économie circulaire.

    The actor import compares words without accents, case or punctuation, and also
    matches a longer phrase that starts with the word (« insertion professionnelle »).
    """

    word = models.CharField(
        _("mot ou expression"), max_length=100, unique=True,
        help_text=_("Tel qu'il apparaît dans les fichiers ; accents et majuscules ne comptent "
                    "pas."),
    )
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="synonyms",
                              verbose_name=_("thème"))

    class Meta:
        verbose_name = _("synonyme de thème")
        verbose_name_plural = _("synonymes de thèmes")
        ordering = ["word"]

    def __str__(self):
        return f"{self.word} → {self.theme}"


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


def published_points_index(name):
    """The published items of a territory with a point, by point: a map's box reads its
    points from this index alone (territories.map_clusters.box)."""
    return models.Index(
        fields=["territory", "latitude", "longitude"], include=["id"], name=name,
        condition=models.Q(is_published=True, latitude__isnull=False, longitude__isnull=False))


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
            published_points_index("actor_published_point"),
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
            published_points_index("place_published_point"),
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
