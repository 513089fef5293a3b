"""Import actors from the CSV files people actually have: the dry run.

Excel exports in UTF-8 (with or without BOM) or Windows-1252, `;` or `,`
separators, CRLF, quoted fields holding separators and newlines, decimal
commas, French headers. `actor_import_dry_run` reads and checks every row
without writing anything and says what each line would do (the preview);
`territories.import_writes.actor_import_write` writes it in one transaction. A
row whose SIRET (or, without SIRET, whose name and commune) matches an actor of
the territory updates it, so importing the same file twice changes nothing.

Words the platform does not know (a theme, a type) never reject an actor: they
become warnings, and unknown themes are kept as free tags. Reading the file itself
is shared with the other imports of the platform, in `territories.csvfiles`.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from territories.csvfiles import (
    ImportFileError,
    decode,
    match_columns,
    parse_number,
    read_headers,
    read_rows,
    simplify,
)
from territories.import_reports import ImportPreview, Note, RowResult
from territories.models import Commune
from territories.validators import normalize_siret, siret_is_valid
from territories.vocabulary import ThemeMatcher, match_kind, merge_tags

__all__ = ["ImportFileError", "ImportPreview", "RowResult", "actor_import_dry_run", "decode",
           "read_rows"]

MAX_ROWS = 200_000

# Normalised header → field. Headers are compared without accents, case or punctuation.
HEADERS = {
    "name": ["nom", "nom de la structure", "structure", "raison sociale", "denomination",
             "nom de l acteur", "acteur", "organisation", "organisme", "nom structure"],
    "siret": ["siret", "n siret", "no siret", "numero siret", "num siret"],
    "kind": ["type", "type d acteur", "type de structure", "categorie", "famille", "statut",
             "forme juridique"],
    "insee": ["code insee", "insee", "code commune", "code insee commune", "cog"],
    "postal_code": ["code postal", "cp", "code postal commune"],
    "commune": ["commune", "ville", "localite", "nom de la commune", "nom commune"],
    "address": ["adresse", "adresse postale", "rue", "voie"],
    "latitude": ["latitude", "lat", "y"],
    "longitude": ["longitude", "lon", "lng", "long", "x"],
    "website": ["site web", "site internet", "site", "url", "web"],
    "email": ["email", "e mail", "courriel", "mail", "adresse e mail", "adresse mail"],
    "description": ["description", "activite", "activites", "presentation", "objet"],
    "themes": ["themes", "theme", "thematiques", "thematique"],
}

# Fields written on an actor; an update writes only those the file gives (see `given`).
FIELDS = ["name", "kind", "siret", "commune_id", "address", "latitude", "longitude",
          "website", "email", "description", "free_tags"]

LINE_BREAKS = re.compile(r"\r\n?")


# Step 1: decode the file and read its header ------------------------------------------------

def read_file(raw):
    """Yield (line, header, cells) for each record of the file, decoded."""
    return read_rows(decode(raw))


def map_columns(header):
    """Return {field: column index} for the headers recognised."""
    columns = match_columns(header, HEADERS)
    if "name" not in columns:
        raise ImportFileError(
            _("Colonne du nom introuvable : ajoutez une colonne « Nom » ou « Nom de la "
              "structure ». En-têtes lus : %(headers)s") % {"headers": read_headers(header)}
        )
    return columns


def clean_cells(record, columns):
    """Return {field: text} for one record: trimmed, line breaks as plain \\n."""
    cells = {}
    for name in HEADERS:
        index = columns.get(name)
        value = record[index] if index is not None and index < len(record) else ""
        cells[name] = LINE_BREAKS.sub("\n", value).strip()
    return cells


# What the dry run needs to know about the territory -------------------------------------------

class CommuneIndex:
    """Find a commune by INSEE code, or by postal code and name; arrondissements lead to
    their commune (Marseille, Lyon, Paris)."""

    def __init__(self):
        self.by_code = {}
        self.by_postal_code = {}
        self.by_name = {}
        self.names = {}
        rows = Commune.objects.values_list("code", "name", "postal_codes", "parent_id")
        for code, name, postal_codes, parent in rows:
            target = parent or code
            self.by_code[code] = target
            if not parent:
                self.names[code] = name
            for postal_code in postal_codes.split():
                self.by_postal_code.setdefault(postal_code, []).append((simplify(name), target))
            self.by_name.setdefault(simplify(name), set()).add(target)

    def find(self, *, insee="", postal_code="", name=""):
        insee, postal_code, simple = insee.strip().upper(), postal_code.strip(), simplify(name)
        if insee:
            if len(insee) == 4 and insee.isdigit():
                insee = "0" + insee  # Excel drops the leading zero of Ain, Aisne…
            return self.by_code.get(insee)
        if postal_code:
            return self._by_postal_code(postal_code, simple)
        if simple:
            targets = self.by_name.get(simple, set())
            return next(iter(targets)) if len(targets) == 1 else None
        return None

    def _by_postal_code(self, postal_code, simple):
        if len(postal_code) == 4 and postal_code.isdigit():
            postal_code = "0" + postal_code
        candidates = self.by_postal_code.get(postal_code, [])
        if not simple:
            targets = {target for _, target in candidates}
            return targets.pop() if len(targets) == 1 else None
        for candidate_name, target in candidates:
            if candidate_name == simple or candidate_name.startswith(simple + " "):
                return target
        # "Marseille 3e" or "Lyon 8ème": the arrondissement's commune.
        base = re.sub(r" \d+.*$", "", simple)
        for candidate_name, target in candidates:
            if candidate_name.startswith(base + " "):
                return target
        return None


@dataclass
class DryRunContext:
    """The territory's actors, perimeter and vocabulary, read once per dry run."""

    communes: CommuneIndex
    themes: ThemeMatcher
    perimeter: frozenset
    by_siret: dict
    by_name: dict
    kept_sirets: dict = field(default_factory=dict)  # SIRET → line of the row kept
    kept_names: dict = field(default_factory=dict)   # (name, commune) → line of the row kept
    url_validator: URLValidator = field(default_factory=URLValidator)
    email_validator: EmailValidator = field(default_factory=EmailValidator)

    @classmethod
    def for_territory(cls, territory):
        existing = list(territory.actors.prefetch_related("themes"))
        return cls(
            communes=CommuneIndex(),
            themes=ThemeMatcher(),
            perimeter=frozenset(territory.communes.values_list("code", flat=True)),
            by_siret={actor.siret: actor for actor in existing if actor.siret},
            by_name={(simplify(actor.name), actor.commune_id): actor for actor in existing
                     if not actor.siret},
        )


# Step 2: check one row, field by field --------------------------------------------------------

def check_name(result):
    if not result.name:
        result.errors.append(Note(gettext_noop("nom vide")))
    elif len(result.name) > 200:
        result.errors.append(Note(gettext_noop("nom trop long (200 caractères au plus)")))


def check_siret(result, cells):
    """Return the SIRET without spaces, or "" when absent or refused."""
    siret = normalize_siret(cells["siret"])
    if not siret:
        return ""
    if len(siret) != 14 or not siret.isdigit():
        result.errors.append(Note(gettext_noop(
            "Un SIRET compte exactement 14 chiffres (reçu : « %(value)s »)."), value=siret))
        return ""
    if not siret_is_valid(siret):
        result.errors.append(Note(gettext_noop(
            "Le SIRET %(value)s n'est pas valide (clé de contrôle incorrecte)."), value=siret))
        return ""
    return siret


def check_commune(result, cells, communes):
    """Return the commune's INSEE code, None when the file gives none or an unknown one."""
    commune_id = communes.find(insee=cells["insee"], postal_code=cells["postal_code"],
                               name=cells["commune"])
    given = [cells[name] for name in ("insee", "postal_code", "commune") if cells[name]]
    if given and commune_id is None:
        result.errors.append(Note(gettext_noop("commune inconnue : « %(place)s »"),
                                  place=" ".join(given)))
    return commune_id


def parse_coordinate(result, value, label, limit):
    try:
        number = parse_number(value)
    except ValueError:
        result.errors.append(Note(gettext_noop("%(label)s illisible : « %(value)s »"),
                                  label=label, value=value))
        return None
    if number is None:
        return None
    if not -limit <= number <= limit:
        result.errors.append(Note(
            gettext_noop("%(label)s hors limites (%(low)s à %(high)s) : %(value)s"),
            label=label, low=-limit, high=limit, value=value))
        return None
    return number.quantize(Decimal("0.000001"))


def check_coordinates(result, cells):
    """Return (latitude, longitude), both None or both set."""
    errors_before = len(result.errors)
    latitude = parse_coordinate(result, cells["latitude"], "latitude", 90)
    longitude = parse_coordinate(result, cells["longitude"], "longitude", 180)
    if (latitude is None) != (longitude is None) and len(result.errors) == errors_before:
        result.errors.append(Note(gettext_noop("latitude et longitude vont ensemble")))
    return latitude, longitude


def check_contacts(result, cells, context):
    """Return (website, email); a malformed one is left out with a warning, not refused."""
    website, email = cells["website"], cells["email"]
    if website and not website.startswith(("http://", "https://")):
        website = "https://" + website
    checked = []
    for value, validator, message in (
        (website, context.url_validator, gettext_noop("site web invalide, laissé de côté : "
                                                      "« %(value)s »")),
        (email, context.email_validator, gettext_noop("e-mail invalide, laissé de côté : "
                                                      "« %(value)s »")),
    ):
        if value:
            try:
                validator(value)
            except ValidationError:
                result.warnings.append(Note(message, value=value))
                value = ""
        checked.append(value)
    return checked[0][:200], checked[1]


# Step 3: read the vocabulary ---------------------------------------------------------------

def read_kind(result, cells):
    """Return the actor type the "Type" cell means, warning when it is a guess."""
    kind, how = match_kind(cells["kind"])
    if how == "company":
        result.warnings.append(Note(gettext_noop(
            "type « %(value)s » lu comme « entreprise engagée — PME » : précisez la taille "
            "si besoin"), value=cells["kind"]))
    elif how == "unknown":
        result.warnings.append(Note(gettext_noop(
            "type inconnu « %(value)s » : classé « autre »"), value=cells["kind"]))
    return kind, how in ("exact", "word", "company")


def read_themes(result, cells, themes):
    """Return (theme slugs, free tags); each word matching no theme is a warning."""
    slugs, tags = themes.split(cells["themes"])
    for tag in tags:
        result.warnings.append(Note(gettext_noop(
            "thème inconnu « %(value)s » : gardé comme étiquette libre"), value=tag))
    return slugs, tags


# Step 4: place the row among the territory's actors and the file's other rows -----------------

def check_perimeter(result, commune_id, context):
    """Flag a row whose commune lies outside the territory (kept only if the facilitator
    asks)."""
    if commune_id is None or not context.perimeter or commune_id in context.perimeter:
        return
    result.outside = True
    result.warnings.append(Note(gettext_noop(
        "commune hors du périmètre du territoire : %(commune)s (%(code)s)"),
        commune=context.communes.names.get(commune_id, commune_id), code=commune_id))


def detect_duplicate(result, context):
    """Refuse a row that repeats a row kept earlier in the file; remember a row kept."""
    siret, commune_id = result.values["siret"], result.values["commune_id"]
    if siret:
        if siret in context.kept_sirets:
            result.errors.append(Note(gettext_noop(
                "SIRET %(siret)s déjà présent ligne %(line)s"),
                siret=siret, line=context.kept_sirets[siret]))
            return True
        context.kept_sirets[siret] = result.line
        return False
    key = (simplify(result.name), commune_id)
    if key in context.kept_names:
        result.errors.append(Note(gettext_noop(
            "même nom et même commune que la ligne %(line)s, sans SIRET pour les distinguer"),
            line=context.kept_names[key]))
        return True
    context.kept_names[key] = result.line
    return False


def decide_action(result, context):
    """Say whether the row creates an actor, updates one, or leaves it unchanged."""
    siret = result.values["siret"]
    actor = context.by_siret.get(siret) if siret else \
        context.by_name.get((simplify(result.name), result.values["commune_id"]))
    result.actor = actor
    if actor is None:
        result.action = RowResult.CREATE
        return
    result.values["free_tags"] = merge_tags(actor.free_tags, result.tags)
    if result.values["free_tags"] != actor.free_tags:
        result.given.add("free_tags")
    result.action = RowResult.UPDATE if differs(actor, result) else RowResult.UNCHANGED


def differs(actor, result):
    for name in result.given:
        if getattr(actor, name) != result.values[name]:
            return True
    return bool(set(result.themes) - {theme.pk for theme in actor.themes.all()})


# The dry run -------------------------------------------------------------------------------

def check_row(line, cells, context):
    """Return the RowResult of one record: its values, warnings, errors and action."""
    result = RowResult(line=line, name=cells["name"])
    check_name(result)
    siret = check_siret(result, cells)
    commune_id = check_commune(result, cells, context.communes)
    latitude, longitude = check_coordinates(result, cells)
    website, email = check_contacts(result, cells, context)
    if result.errors:
        result.action = RowResult.REJECT
        return result
    kind, kind_given = read_kind(result, cells)
    result.themes, result.tags = read_themes(result, cells, context.themes)
    result.values = {
        "name": result.name, "kind": kind, "siret": siret, "commune_id": commune_id,
        "address": cells["address"][:300], "latitude": latitude, "longitude": longitude,
        "website": website, "email": email, "description": cells["description"],
        "free_tags": merge_tags("", result.tags),
    }
    # An empty cell never erases what someone typed on the platform.
    result.given = {name for name in FIELDS if result.values[name] not in ("", None)}
    result.given.discard("free_tags")  # merged with the actor's own, in decide_action
    if not kind_given:
        result.given.discard("kind")
    if detect_duplicate(result, context):
        result.action = RowResult.REJECT
        result.warnings = []
        return result
    check_perimeter(result, commune_id, context)
    decide_action(result, context)
    return result


def actor_import_dry_run(*, territory, raw, progress=None):
    """Read and check every row of the file; write nothing. Return the ImportPreview."""
    context = DryRunContext.for_territory(territory)
    rows, columns = [], None
    for line, header, record in read_file(raw):
        if columns is None:
            columns = map_columns(header)
        if len(rows) >= MAX_ROWS:
            raise ImportFileError(
                _("Fichier trop long : %(max)s lignes au plus par import.")
                % {"max": f"{MAX_ROWS:,}".replace(",", "\u202f")})
        if progress:
            progress(len(rows))
        rows.append(check_row(line, clean_cells(record, columns), context))
    if columns is None:
        raise ImportFileError(
            _("Le fichier ne contient aucune ligne d'acteur sous les en-têtes."))
    return ImportPreview(columns=sorted(columns), rows=rows)

