"""The open datasets of this app: territories (with their label and outline), actors,
places, resources and local policies.

Published items of published territories only. An actor's e-mail address is never
published: it may be a private person's (a citizen group's, an artist's), and harvesters
copy what they read; its page shows it to the people who visit it, one at a time.
"""

from django.db.models import Case, Count, F, Sum, Value, When
from django.utils.translation import gettext_lazy as _

from territories.commune_shapes import commune_contours
from territories.models import Actor, Label, LocalPolicy, Place, Resource, Territory
from territories.opendata import register_dataset, streamed, url_maker, with_lists

TERRITORY = ("territoire", "string", _("Identifiant du territoire (voir le jeu « territoires »)."))
LATITUDE = ("latitude", "number", _("Latitude (WGS 84), vide si inconnue."))
LONGITUDE = ("longitude", "number", _("Longitude (WGS 84), vide si inconnue."))
MODIFIED = ("modifie_le", "datetime", _("Dernière modification de la fiche."))
PAGE = ("url", "string", _("Page publique sur la plateforme."))


def theme_names(through, column):
    """Return a fetch for `with_lists`: the names of the themes of each id, by name."""
    def fetch(ids):
        return through.objects.filter(**{f"{column}__in": ids}).order_by(
            "theme__name").values_list(column, "theme__name")
    return fetch


# Territories ------------------------------------------------------------------------------------

# The key of a territory's row that holds its outline (GeoJSON file only).
OUTLINE = "contour"


def _commune_codes(ids):
    return Territory.communes.through.objects.filter(territory_id__in=ids).order_by(
        "territory_id", "commune_id").values_list("territory_id", "commune_id")


def outline(codes):
    """The territory's outline: its communes' contours (offline dataset, about 200 m)."""
    polygons = commune_contours(codes) if codes else []
    return {"type": "MultiPolygon", "coordinates": polygons} if polygons else None


def territory_rows():
    url = url_maker("territories:detail", "slug")
    territories = Territory.objects.filter(is_published=True).annotate(
        commune_count=Count("communes"), total_population=Sum("communes__population"),
    ).order_by("pk")
    rows = streamed(territories, "id", "slug", "name", "kind", "summary", "transitions",
                    "commune_count", "total_population", "label__status",
                    "label__wave", "label__labelled_on")
    # A territory may hold thousands of communes: a hundred territories at a time.
    for row in with_lists(rows, size=100, codes=_commune_codes):
        yield {
            OUTLINE: outline(row["codes"]),
            "id": row["id"], "identifiant": row["slug"], "nom": row["name"],
            "type": row["kind"], "presentation": row["summary"],
            "transitions": row["transitions"] or [], "communes": row["commune_count"],
            "population": row["total_population"] or 0,
            "label": row["label__status"] or "", "vague": row["label__wave"],
            "labellise_le": row["label__labelled_on"], "url": url(row["slug"]),
        }


# Actors and places ------------------------------------------------------------------------------

def _published(model):
    return model.objects.filter(is_published=True, territory__is_published=True).order_by("pk")


LOCATED = ("id", "name", "kind", "description", "territory__slug", "commune_id",
           "commune__name", "address", "latitude", "longitude", "updated_at")


def _located(row):
    return {
        "id": row["id"], "nom": row["name"], "type": row["kind"],
        "description": row["description"], "territoire": row["territory__slug"],
        "code_commune": row["commune_id"] or "", "commune": row["commune__name"] or "",
        "adresse": row["address"], "latitude": row["latitude"], "longitude": row["longitude"],
        "modifie_le": row["updated_at"],
    }


def actor_rows():
    url = url_maker("territories:actor_detail", "slug", "int")
    # Never "email": see the module's docstring.
    rows = streamed(_published(Actor), *LOCATED, "siret", "website")
    for row in with_lists(rows, themes=theme_names(Actor.themes.through, "actor_id")):
        yield {**_located(row), "siret": row["siret"], "site_web": row["website"],
               "themes": row["themes"], "url": url(row["territory__slug"], row["id"])}


def place_rows():
    url = url_maker("territories:place_detail", "slug", "int")
    places = _published(Place).annotate(operator_name=_provider("operator"))
    for row in streamed(places, *LOCATED, "status", "operator_name"):
        yield {**_located(row), "etat": row["status"], "gestionnaire": row["operator_name"],
               "url": url(row["territory__slug"], row["id"])}


def _provider(relation):
    """The name of the actor the item names, only when that actor is published itself."""
    return Case(When(**{f"{relation}__is_published": True}, then=F(f"{relation}__name")),
                default=Value(""))


def resource_rows():
    url = url_maker("territories:resource_detail", "slug", "int")
    resources = _published(Resource).annotate(provider_name=_provider("provider"))
    for row in streamed(resources, "id", "name", "kind", "description", "territory__slug",
                        "provider_name", "updated_at"):
        yield {"id": row["id"], "nom": row["name"], "type": row["kind"],
               "description": row["description"], "apportee_par": row["provider_name"],
               "territoire": row["territory__slug"], "modifie_le": row["updated_at"],
               "url": url(row["territory__slug"], row["id"])}


def policy_rows():
    url = url_maker("territories:policy_detail", "slug", "int")
    for row in streamed(_published(LocalPolicy), "id", "name", "level", "description",
                        "url", "territory__slug", "updated_at"):
        yield {"id": row["id"], "nom": row["name"], "echelon": row["level"],
               "description": row["description"], "lien": row["url"],
               "territoire": row["territory__slug"], "modifie_le": row["updated_at"],
               "url": url(row["territory__slug"], row["id"])}


def _location_columns():
    return [
        TERRITORY,
        ("code_commune", "string", _("Code INSEE de la commune.")),
        ("commune", "string", _("Nom de la commune.")),
        ("adresse", "string", _("Adresse postale.")),
        LATITUDE, LONGITUDE,
    ]


def register_datasets():
    register_dataset(
        "territoires", _("Territoires"),
        _("Les territoires publiés : type, périmètre (nombre de communes, population), "
          "transitions, et leur label « Territoire French Impact » avec sa vague. Le fichier "
          "GeoJSON porte le contour de chaque territoire : les contours de ses communes, "
          "simplifiés à environ 200 m."),
        columns=[
            ("id", "integer", _("Identifiant numérique.")),
            ("identifiant", "string", _("Identifiant du territoire dans les adresses et les "
                                        "autres jeux.")),
            ("nom", "string", _("Nom du territoire.")),
            ("type", "string", _("Type de territoire (code)."), tuple(Territory.Kind.values)),
            ("presentation", "string", _("Présentation.")),
            ("transitions", "string", _("Transitions auxquelles il fait face (codes, séparés "
                                        "par « | »).")),
            ("communes", "integer", _("Nombre de communes du périmètre.")),
            ("population", "integer", _("Population des communes du périmètre.")),
            ("label", "string", _("État du label (code), vide si le territoire n'a jamais "
                                  "candidaté."), ("", *Label.Status.values)),
            ("vague", "integer", _("Vague de labellisation.")),
            ("labellise_le", "date", _("Date de labellisation.")),
            PAGE,
        ],
        rows=territory_rows, shape=OUTLINE, order=10,
        keywords=(_("territoires"), _("French Impact"), _("périmètres")))
    register_dataset(
        "acteurs", _("Acteurs"),
        _("Les acteurs publiés des territoires : collectivités, structures de l'ESS, "
          "entreprises engagées, accompagnement, recherche, collectifs citoyens. Sans "
          "adresse e-mail ni téléphone."),
        columns=[
            ("id", "integer", _("Identifiant numérique.")),
            ("nom", "string", _("Nom de l'acteur.")),
            ("type", "string", _("Type d'acteur (code)."), tuple(Actor.Kind.values)),
            ("description", "string", _("Description.")),
            ("siret", "string", _("SIRET, vide si l'acteur n'en a pas.")),
            ("site_web", "string", _("Site web.")),
            ("themes", "string", _("Thèmes (séparés par « | »).")),
            *_location_columns(), MODIFIED, PAGE,
        ],
        rows=actor_rows, geometry=("longitude", "latitude"), order=20,
        keywords=(_("acteurs"), _("économie sociale et solidaire")))
    register_dataset(
        "lieux", _("Lieux"),
        _("Les lieux publiés : tiers-lieux, friches, fablabs, locaux associatifs…"),
        columns=[
            ("id", "integer", _("Identifiant numérique.")),
            ("nom", "string", _("Nom du lieu.")),
            ("type", "string", _("Type de lieu (code)."), tuple(Place.Kind.values)),
            ("etat", "string", _("État : ouvert, émergent, en projet (code)."),
             tuple(Place.Status.values)),
            ("description", "string", _("Description.")),
            ("gestionnaire", "string", _("Nom de l'acteur qui le gère, s'il est publié.")),
            *_location_columns(), MODIFIED, PAGE,
        ],
        rows=place_rows, geometry=("longitude", "latitude"), order=30,
        keywords=(_("tiers-lieux"),))
    register_dataset(
        "ressources", _("Ressources"),
        _("Les ressources publiées sur lesquelles les territoires peuvent compter : "
          "ingénierie, financement, équipement, formation, données."),
        columns=[
            ("id", "integer", _("Identifiant numérique.")),
            ("nom", "string", _("Nom de la ressource.")),
            ("type", "string", _("Type de ressource (code)."), tuple(Resource.Kind.values)),
            ("description", "string", _("Description.")),
            ("apportee_par", "string", _("Nom de l'acteur qui l'apporte, s'il est publié.")),
            TERRITORY, MODIFIED, PAGE,
        ],
        rows=resource_rows, order=32, keywords=(_("ressources"),))
    register_dataset(
        "politiques-locales", _("Politiques locales"),
        _("Les politiques publiques publiées qui soutiennent la dynamique des territoires : "
          "plan ESS, contrat de ville, PCAET…"),
        columns=[
            ("id", "integer", _("Identifiant numérique.")),
            ("nom", "string", _("Nom de la politique.")),
            ("echelon", "string", _("Échelon (code)."), tuple(LocalPolicy.Level.values)),
            ("description", "string", _("Description.")),
            ("lien", "string", _("Lien vers le texte de la politique.")),
            TERRITORY, MODIFIED, PAGE,
        ],
        rows=policy_rows, order=34, keywords=(_("politiques publiques"),))
