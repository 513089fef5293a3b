"""Open data: the registry of the datasets the platform publishes at /donnees/.

A dataset is a title, a description, its documented columns and a function that yields its
rows, published items of published territories only. This app registers its own datasets
(territories with their outlines, actors, places, resources, local policies); the apps above
register theirs (défis, shared indicators, objectives, measurements, projects, their
outcomes and essaimages, events, funding sources) from their `AppConfig.ready()`, so the page
and the build gather from every app while imports still point down.

Every dataset is published under the Licence Ouverte / Open Licence 2.0 (Etalab), documented
by a Table Schema (frictionless) and listed in a DCAT-AP catalogue in JSON-LD that harvesters
such as data.gouv.fr read. The files themselves are written by `territories.opendata_build`.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

LICENCE_TITLE = "Licence Ouverte / Open Licence 2.0"
LICENCE_URL = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
LICENCE_SPDX = "etalab-2.0"

# Rows read from the database at a time: memory stays flat however large a dataset grows.
CHUNK_SIZE = 2000

# Table Schema field types a column may have.
TYPES = {"string", "integer", "number", "boolean", "date", "datetime"}

# In a CSV cell, the values of a list (themes, carriers…) are joined by this.
LIST_SEPARATOR = " | "


@dataclass(frozen=True)
class Format:
    key: str
    label: str
    suffix: str  # the file's name is the dataset's slug followed by this
    media_type: str  # what the download answers with
    iana: str  # the IANA media type, as DCAT-AP names it


FORMATS = {
    "csv": Format("csv", _("CSV (virgule)"), ".csv", "text/csv; charset=utf-8", "text/csv"),
    "csv-semicolon": Format("csv-semicolon", _("CSV (point-virgule, pour Excel)"),
                            "-point-virgule.csv", "text/csv; charset=utf-8", "text/csv"),
    "json": Format("json", _("JSON"), ".json", "application/json", "application/json"),
    "geojson": Format("geojson", _("GeoJSON"), ".geojson", "application/geo+json",
                      "application/geo+json"),
}


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    description: str
    choices: tuple = ()  # the values allowed, when the column holds a code

    def __post_init__(self):
        if self.type not in TYPES:
            raise ValueError(f"Type de colonne inconnu : {self.type!r} ({self.name}).")


@dataclass(frozen=True)
class Dataset:
    """A dataset of the open data: what it holds, its columns, and where its rows come from.

    `rows()` yields one dict per published item, keyed by column names; it reads the
    database in chunks (`.iterator(chunk_size=CHUNK_SIZE)`) and never builds a list.
    `geometry` names the longitude and latitude columns when the rows are points; `shape`
    names a key of each row (not a column: CSV and JSON leave it out) that holds a GeoJSON
    geometry, or None, such as a territory's outline. Either way the dataset is published
    in GeoJSON too.
    """

    slug: str
    title: str
    description: str
    columns: tuple
    rows: Callable[[], Iterable[dict]]
    geometry: tuple | None = None
    primary_key: str = "id"
    order: int = 100
    keywords: tuple = field(default=())
    shape: str | None = None

    @property
    def formats(self):
        spatial = self.geometry or self.shape
        keys = ["csv", "csv-semicolon", "json"] + (["geojson"] if spatial else [])
        return [FORMATS[key] for key in keys]

    def filename(self, format_key):
        return f"{self.slug}{FORMATS[format_key].suffix}"

    @property
    def column_names(self):
        return [column.name for column in self.columns]


_DATASETS = {}


def register_dataset(slug, title, description, *, columns, rows, geometry=None,
                     primary_key="id", order=100, keywords=(), shape=None):
    """Add a dataset to the open data; `columns` are (name, type, description[, choices])."""
    columns = tuple(column if isinstance(column, Column) else Column(*column)
                    for column in columns)
    names = [column.name for column in columns]
    if geometry and not set(geometry) <= set(names):
        raise ValueError(f"Colonnes de géométrie absentes du jeu {slug} : {geometry}.")
    if primary_key and primary_key not in names:
        raise ValueError(f"Clé primaire absente du jeu {slug} : {primary_key}.")
    if geometry and shape:
        raise ValueError(f"Le jeu {slug} a des points ou des formes, pas les deux.")
    if shape in names:
        raise ValueError(f"La forme du jeu {slug} n'est pas une colonne : {shape}.")
    _DATASETS[slug] = Dataset(slug=slug, title=title, description=description,
                              columns=columns, rows=rows, geometry=tuple(geometry or ()),
                              primary_key=primary_key, order=order, keywords=tuple(keywords),
                              shape=shape)


def unregister_dataset(slug):
    """Remove a dataset (tests register throwaway ones)."""
    _DATASETS.pop(slug, None)


def datasets():
    """Return the registered datasets, in the order the page lists them."""
    return sorted(_DATASETS.values(), key=lambda dataset: (dataset.order, dataset.slug))


def get_dataset(slug):
    return _DATASETS.get(slug)


# Helpers for the rows of the datasets ------------------------------------------------------

def streamed(queryset, *fields):
    """Yield the rows of the queryset as dicts of `fields`, CHUNK_SIZE rows at a time."""
    return queryset.values(*fields).iterator(chunk_size=CHUNK_SIZE)


def in_batches(rows, size=CHUNK_SIZE):
    """Yield lists of at most `size` rows: only one batch is ever held in memory."""
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def with_lists(rows, size=CHUNK_SIZE, **lists):
    """Add to each row the lists `lists` name, fetched for a batch of rows at a time.

    Each value of `lists` is a function of the batch's ids that returns (id, value) pairs,
    in the order the list shows them: one query per batch, however many rows it holds.
    `size` bounds the rows of a batch, smaller when a row's lists are long.
    """
    for batch in in_batches(rows, size):
        ids = [row["id"] for row in batch]
        found = {}
        for name, fetch in lists.items():
            found[name] = defaultdict(list)
            for pk, value in fetch(ids):
                found[name][pk].append(value)
        for row in batch:
            for name in lists:
                row[name] = found[name].get(row["id"], [])
            yield row


def url_maker(name, *kinds):
    """Return a function of the route's arguments that gives its absolute URL on SITE_URL.

    The route is reversed once, with marks in place of its arguments (`kinds` says whether
    each is an "int" or a "slug"), then the marks are replaced: rows are many.
    """
    marks = [str(9_876_543_210 + index) if kind == "int" else f"zqmark{index}zq"
             for index, kind in enumerate(kinds)]
    template = settings.SITE_URL.rstrip("/") + reverse(name, args=marks)

    def url(*values):
        result = template
        for mark, value in zip(marks, values, strict=True):
            result = result.replace(mark, str(value), 1)
        return result

    return url


# Metadata: Table Schema and DCAT-AP ---------------------------------------------------------

def table_schema(dataset, *, modified=None):
    """Return the Table Schema (frictionless) of the dataset, as a dict ready for JSON."""
    fields = []
    for column in dataset.columns:
        described = {"name": column.name, "type": column.type,
                     "description": str(column.description)}
        if column.type == "date":
            described["format"] = "%Y-%m-%d"
        if column.choices:
            described["constraints"] = {"enum": list(column.choices)}
        fields.append(described)
    schema = {
        "name": dataset.slug,
        "title": str(dataset.title),
        "description": str(dataset.description),
        "fields": fields,
        "missingValues": [""],
        "licenses": [{"name": LICENCE_SPDX, "title": LICENCE_TITLE, "path": LICENCE_URL}],
    }
    if dataset.primary_key:
        schema["primaryKey"] = dataset.primary_key
    if modified:
        schema["updated"] = modified
    return schema


DCAT_CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}


def _modified(value):
    return {"@value": value, "@type": "xsd:dateTime"}


def dcat_catalogue(*, manifest, absolute, site_title):
    """Return the DCAT-AP catalogue of the published datasets, in JSON-LD.

    `absolute(name, **kwargs)` returns the absolute URL of a named route; `manifest` is the
    last build's (None when nothing was published yet: datasets have no distribution then).
    """
    built = (manifest or {}).get("datasets", {})
    licence = {"@id": LICENCE_URL}
    entries = []
    for dataset in datasets():
        schema_url = absolute("opendata_schema", slug=dataset.slug)
        entry = {
            "@id": absolute("opendata") + f"#{dataset.slug}",
            "@type": "dcat:Dataset",
            "dct:identifier": dataset.slug,
            "dct:title": str(dataset.title),
            "dct:description": str(dataset.description),
            "dct:license": licence,
            "dct:conformsTo": {"@id": schema_url},
            "dcat:landingPage": {"@id": absolute("opendata")},
            "dcat:keyword": [str(word) for word in dataset.keywords],
            "dcat:distribution": [],
        }
        files = built.get(dataset.slug, {}).get("files", {})
        if files:
            entry["dct:modified"] = _modified(manifest["built_at"])
        for format_ in dataset.formats:
            stored = files.get(format_.key)
            if stored is None:
                continue
            url = absolute("opendata_file", filename=stored["name"])
            entry["dcat:distribution"].append({
                "@id": url,
                "@type": "dcat:Distribution",
                "dct:title": f"{dataset.title} — {format_.label}",
                "dcat:downloadURL": {"@id": url},
                "dcat:accessURL": {"@id": url},
                "dcat:mediaType": {
                    "@id": f"https://www.iana.org/assignments/media-types/{format_.iana}"},
                "dcat:byteSize": {"@value": str(stored["size"]), "@type": "xsd:decimal"},
                "dct:license": licence,
                "dct:conformsTo": {"@id": schema_url},
                "dct:modified": _modified(manifest["built_at"]),
            })
        entries.append(entry)
    catalogue = {
        "@context": DCAT_CONTEXT,
        "@id": absolute("opendata_catalogue"),
        "@type": "dcat:Catalog",
        "dct:title": str(_("Données ouvertes — %(site)s") % {"site": site_title}),
        "dct:description": str(_(
            "Les territoires et leurs contours, acteurs, lieux, ressources, politiques "
            "locales, défis, indicateurs partagés, objectifs et leurs mesures, projets, leurs "
            "résultats et leurs essaimages, évènements et sources de financement publiés sur "
            "la plateforme.")),
        "dct:language": {"@id": "http://publications.europa.eu/resource/authority/language/FRA"},
        "dct:license": licence,
        "dct:publisher": {"@type": "foaf:Agent", "foaf:name": site_title},
        "foaf:homepage": {"@id": absolute("opendata")},
        "dcat:dataset": entries,
    }
    if manifest:
        catalogue["dct:modified"] = _modified(manifest["built_at"])
    return catalogue
