"""Import actors from the CSV files people actually have.

Excel exports in UTF-8 (with or without BOM) or Windows-1252, `;` or `,`
separators, CRLF, quoted fields holding separators and newlines, decimal
commas, French headers. `plan_import` reads and checks every row without
writing anything (the preview); `apply_import` writes the plan in one
transaction. A row whose SIRET (or, without SIRET, whose name and commune)
matches an actor of the territory updates it, so importing the same file
twice changes nothing. Reading the file itself is shared with the other imports
of the platform, in `territories.csvfiles`.
"""

import functools
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import connection, transaction
from django.utils import timezone

from territories.csvfiles import (
    ImportFileError,
    decode,
    match_columns,
    parse_number,
    read_headers,
    read_rows,
    simplify,
)
from territories.locking import bump_versions
from territories.models import Actor, Commune, Theme
from territories.validators import normalize_siret, validate_siret

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

KIND_WORDS = [
    ("collectivite", ["collectivite", "mairie", "commune", "ville", "departement", "region",
                      "metropole", "communaute", "service public", "etat", "prefecture"]),
    ("cooperative", ["cooperative", "scop", "scic", "cae"]),
    ("mutuelle", ["mutuelle"]),
    ("fondation", ["fondation", "fonds de dotation"]),
    ("entreprise_sociale", ["entreprise sociale", "esus", "entreprise d insertion",
                            "entreprise adaptee", "siae"]),
    ("association", ["association", "asso", "loi 1901"]),
    ("incubateur", ["incubateur", "accelerateur", "pepiniere"]),
    ("reseau", ["cress", "cci", "ptce", "reseau", "chambre"]),
    ("recherche", ["universite", "recherche", "ecole", "laboratoire", "lycee"]),
    ("citoyens", ["collectif", "citoyen", "habitants"]),
    ("artistes", ["artiste", "culture", "compagnie"]),
    ("tpe", ["tpe", "micro entreprise"]),
    ("pme", ["pme"]),
    ("eti", ["eti"]),
    ("grand_groupe", ["grand groupe", "grande entreprise"]),
]

KIND_VALUES = frozenset(Actor.Kind.values)

FIELDS = ["name", "kind", "siret", "commune_id", "address", "latitude", "longitude",
          "website", "email", "description"]


@dataclass
class RowResult:
    line: int
    name: str = ""
    action: str = ""  # create, update, unchanged, reject
    errors: list = field(default_factory=list)
    values: dict = field(default_factory=dict)
    themes: list = field(default_factory=list)
    actor: Actor | None = None


@dataclass
class ImportPlan:
    columns: dict
    rows: list

    def count(self, action):
        return sum(1 for row in self.rows if row.action == action)

    @property
    def rejected(self):
        return [row for row in self.rows if row.action == "reject"]

    def summary(self):
        return {action: self.count(action) for action in
                ("create", "update", "unchanged", "reject")}

    def report(self):
        """Return the plan as plain data, to keep, show or print."""
        return {
            "summary": self.summary(),
            "columns": self.columns,
            "rejected": [{"line": row.line, "name": row.name, "errors": row.errors}
                         for row in self.rejected],
        }


def map_columns(header):
    """Return {field: column index} for the headers recognised."""
    columns = match_columns(header, HEADERS)
    if "name" not in columns:
        raise ImportFileError(
            "Colonne du nom introuvable : ajoutez une colonne « Nom » ou « Nom de la "
            "structure ». En-têtes lus : " + read_headers(header)
        )
    return columns


class CommuneIndex:
    """Find a commune by INSEE code, or by postal code and name; arrondissements lead to
    their commune (Marseille, Lyon, Paris)."""

    def __init__(self):
        self.by_code = {}
        self.by_postal_code = {}
        self.by_name = {}
        rows = Commune.objects.values_list("code", "name", "postal_codes", "parent_id")
        for code, name, postal_codes, parent in rows:
            target = parent or code
            self.by_code[code] = target
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
            if len(postal_code) == 4 and postal_code.isdigit():
                postal_code = "0" + postal_code
            candidates = self.by_postal_code.get(postal_code, [])
            if simple:
                for candidate_name, target in candidates:
                    if candidate_name == simple or candidate_name.startswith(simple + " "):
                        return target
                # "Marseille 3e" or "Lyon 8ème": the arrondissement's commune.
                base = re.sub(r" \d+.*$", "", simple)
                for candidate_name, target in candidates:
                    if candidate_name.startswith(base + " "):
                        return target
                return None
            targets = {target for _, target in candidates}
            return targets.pop() if len(targets) == 1 else None
        if simple:
            targets = self.by_name.get(simple, set())
            return next(iter(targets)) if len(targets) == 1 else None
        return None


def parse_decimal(value, label, low, high, errors):
    try:
        number = parse_number(value)
    except ValueError:
        errors.append(f"{label} illisible : « {value.strip()} »")
        return None
    if number is None:
        return None
    if not low <= number <= high:
        errors.append(f"{label} hors limites ({low} à {high}) : {value.strip()}")
        return None
    return number.quantize(Decimal("0.000001"))


@functools.lru_cache(maxsize=1024)
def guess_kind(value):
    """Return the actor type a spreadsheet's free-text "Type" column most likely means."""
    simple = simplify(value)
    if not simple:
        return Actor.Kind.OTHER
    if simple.replace(" ", "_") in KIND_VALUES:
        return simple.replace(" ", "_")
    for kind, words in KIND_WORDS:
        if any(re.search(rf"\b{word}\b", simple) for word in words):
            return kind
    return Actor.Kind.OTHER


def plan_import(*, territory, raw, progress=None):
    """Read and check every row of the file; write nothing. Return the ImportPlan."""
    text = decode(raw)
    records = read_rows(text)
    rows = []
    communes = CommuneIndex()
    themes = {simplify(theme.name): theme.slug for theme in Theme.objects.all()}
    themes.update({simplify(slug): slug for slug in themes.values()})
    existing = list(territory.actors.all())
    by_siret = {actor.siret: actor for actor in existing if actor.siret}
    by_name = {(simplify(actor.name), actor.commune_id): actor for actor in existing
               if not actor.siret}
    seen_sirets = {}
    columns = None
    url_validator, email_validator = URLValidator(), EmailValidator()

    for line, header, record in records:
        if columns is None:
            columns = map_columns(header)
        if len(rows) >= MAX_ROWS:
            raise ImportFileError(f"Fichier trop long : {MAX_ROWS} lignes au plus par import.")

        def cell(name, record=record, columns=columns):
            index = columns.get(name)
            return record[index].strip() if index is not None and index < len(record) else ""

        if progress:
            progress(len(rows))
        result = RowResult(line=line, name=cell("name"))
        errors = result.errors
        if not result.name:
            errors.append("nom vide")
        if len(result.name) > 200:
            errors.append("nom trop long (200 caractères au plus)")
        siret = normalize_siret(cell("siret"))
        if siret:
            try:
                validate_siret(siret)
            except ValidationError as error:
                errors.append(error.messages[0])
            else:
                if siret in seen_sirets:
                    errors.append(f"SIRET {siret} déjà présent ligne {seen_sirets[siret]}")
                else:
                    seen_sirets[siret] = line
        commune_given = any(cell(name) for name in ("insee", "postal_code", "commune"))
        commune_id = communes.find(insee=cell("insee"), postal_code=cell("postal_code"),
                                   name=cell("commune"))
        if commune_given and commune_id is None:
            place = " ".join(filter(None, [cell("insee"), cell("postal_code"), cell("commune")]))
            errors.append(f"commune inconnue : « {place} »")
        latitude = parse_decimal(cell("latitude"), "latitude", -90, 90, errors)
        longitude = parse_decimal(cell("longitude"), "longitude", -180, 180, errors)
        if (latitude is None) != (longitude is None) and not errors:
            errors.append("latitude et longitude vont ensemble")
        website, email = cell("website"), cell("email")
        if website and not website.startswith(("http://", "https://")):
            website = "https://" + website
        for value, validator, label in ((website, url_validator, "site web"),
                                        (email, email_validator, "e-mail")):
            if value:
                try:
                    validator(value)
                except ValidationError:
                    errors.append(f"{label} invalide : « {value} »")
        theme_slugs = []
        for theme_name in re.split(r"[,;/|]", cell("themes")):
            if simplify(theme_name):
                slug = themes.get(simplify(theme_name))
                if slug is None:
                    errors.append(f"thème inconnu : « {theme_name.strip()} »")
                else:
                    theme_slugs.append(slug)

        if errors:
            result.action = "reject"
            rows.append(result)
            continue
        result.values = {
            "name": result.name, "kind": guess_kind(cell("kind")), "siret": siret,
            "commune_id": commune_id, "address": cell("address")[:300],
            "latitude": latitude, "longitude": longitude, "website": website[:200],
            "email": email, "description": cell("description"),
        }
        result.themes = sorted(set(theme_slugs))
        actor = by_siret.get(siret) if siret else by_name.get((simplify(result.name), commune_id))
        result.actor = actor
        if actor is None:
            result.action = "create"
        elif _differs(actor, result):
            result.action = "update"
        else:
            result.action = "unchanged"
        rows.append(result)
    if columns is None:
        raise ImportFileError("Le fichier ne contient aucune ligne d'acteur sous les en-têtes.")
    return ImportPlan(columns=sorted(columns), rows=rows)


def _differs(actor, result):
    for name in FIELDS:
        if name in ("description", "address", "website", "email") and not result.values[name]:
            continue  # an empty cell never erases what someone typed on the platform
        if getattr(actor, name) != result.values[name]:
            return True
    return bool(set(result.themes) - set(actor.themes.values_list("slug", flat=True)))


INSERT_COLUMNS = ["territory_id", "is_published", "created_at", "updated_at", "version",
                  *FIELDS]


def insert_actors(*, territory, publish, rows):
    """Insert new actors without themes in one pass: COPY on PostgreSQL, executemany elsewhere.

    bulk_create spends ~90 µs a row preparing each value in Python; the import
    writes tens of thousands of plain rows, where the database's own bulk path is
    ten times faster. Actors with themes still go through bulk_create, which
    returns their keys for the theme links.
    """
    if not rows:
        return
    now = timezone.now()
    columns = [Actor._meta.get_field(name.removesuffix("_id")).column for name in INSERT_COLUMNS]
    table = connection.ops.quote_name(Actor._meta.db_table)
    names = ", ".join(connection.ops.quote_name(column) for column in columns)
    rows = [(territory.pk, publish, now, now, 1, *(row.values[name] for name in FIELDS))
            for row in rows]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            stamp = connection.ops.adapt_datetimefield_value(now)
            placeholders = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({placeholders})",  # noqa: S608 - names from the model
                               [(row[0], row[1], stamp, stamp, *row[4:]) for row in rows])


@transaction.atomic
def apply_import(*, territory, plan, publish=False, progress=None):
    """Write the plan: create new actors (published or as drafts), update changed ones, in
    bulk. Return the summary."""
    plain, with_themes, to_update, theme_links = [], [], [], []
    now = timezone.now()
    for row in plan.rows:
        if row.action == "create" and not row.themes:
            plain.append(row)
        elif row.action == "create":
            row.actor = Actor(territory=territory, is_published=publish, **row.values)
            with_themes.append(row.actor)
        elif row.action == "update":
            for name, value in row.values.items():
                if value or name not in ("description", "address", "website", "email"):
                    setattr(row.actor, name, value)
            row.actor.updated_at = now
            to_update.append(row.actor)
    insert_actors(territory=territory, publish=publish, rows=plain)
    Actor.objects.bulk_create(with_themes, batch_size=2000)
    if progress:
        progress(len(plain) + len(with_themes))
    Actor.objects.bulk_update(to_update, [*FIELDS, "updated_at"], batch_size=2000)
    # An edit form opened before the import must not write the old values back.
    bump_versions(Actor, [actor.pk for actor in to_update])
    if progress:
        progress(len(plain) + len(with_themes) + len(to_update))
    through = Actor.themes.through
    for row in plan.rows:
        if row.action in ("create", "update") and row.themes:
            theme_links.extend(through(actor_id=row.actor.pk, theme_id=slug) for slug in row.themes)
    through.objects.bulk_create(theme_links, batch_size=5000, ignore_conflicts=True)
    return plan.summary()


def format_report(report):
    """Return the report as the lines printed by the command and shown in the browser."""
    summary = report["summary"]
    lines = [
        f"{summary['create']} acteur(s) à créer, {summary['update']} à mettre à jour, "
        f"{summary['unchanged']} inchangé(s), {summary['reject']} ligne(s) rejetée(s)."
    ]
    lines += [f"Ligne {row['line']} : {' ; '.join(row['errors'])}" for row in report["rejected"]]
    return lines
