"""The official geography: build the compact dataset committed in data/, and load it.

Source: the npm package @etalab/decoupage-administratif (data from INSEE's
Code officiel géographique, Licence Ouverte). `build_dataset` turns the
package's JSON files into the CSV files of `data/geography/`;
`import_geography` loads those files, idempotently, with bulk upserts.
"""

import csv
import gzip
import io
import json
from pathlib import Path

from django.db import transaction

from territories.models import Commune, Department, Epci, Region

DATA_DIR = Path(__file__).resolve().parent / "data" / "geography"
BATCH_SIZE = 2000

FILES = {
    "regions": "regions.csv",
    "departments": "departements.csv",
    "epci": "epci.csv",
    "communes": "communes.csv.gz",
}


def _open_text(path, mode="r"):
    if path.suffix == ".gz":
        # mtime=0 keeps the compressed bytes identical from one build to the next.
        raw = gzip.GzipFile(path, mode + "b", mtime=0)
        return io.TextIOWrapper(raw, encoding="utf-8", newline="")
    return path.open(mode, encoding="utf-8", newline="")


def _write_rows(path, header, rows):
    with _open_text(path, "w") as out:
        writer = csv.writer(out, delimiter=";", lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def _read_rows(path):
    with _open_text(path) as source:
        yield from csv.DictReader(source, delimiter=";")


def build_dataset(source_dir, target_dir=DATA_DIR):
    """Write the compact CSV files from the package's `data/` folder; return the counts."""
    source_dir, target_dir = Path(source_dir), Path(target_dir)
    load = lambda name: json.loads((source_dir / name).read_text(encoding="utf-8"))  # noqa: E731
    regions = load("regions.json")
    departments = load("departements.json")
    epcis = load("epci.json")
    communes = load("communes.json")

    epci_of = {member["code"]: epci["code"] for epci in epcis for member in epci["membres"]}
    kept = [c for c in communes if c["type"] in ("commune-actuelle", "arrondissement-municipal")]
    known_departments = {d["code"] for d in departments}
    kept = [c for c in kept if c.get("departement") in known_departments]

    target_dir.mkdir(parents=True, exist_ok=True)
    _write_rows(target_dir / FILES["regions"], ["code", "nom"],
                sorted((r["code"], r["nom"]) for r in regions))
    _write_rows(target_dir / FILES["departments"], ["code", "nom", "region"],
                sorted((d["code"], d["nom"], d.get("region", "")) for d in departments))
    _write_rows(target_dir / FILES["epci"], ["siren", "nom", "type", "population"],
                sorted((e["code"], e["nom"], e["type"], e.get("populationMunicipale", 0))
                       for e in epcis))
    _write_rows(
        target_dir / FILES["communes"],
        ["code", "nom", "type", "departement", "epci", "parent", "population", "codes_postaux"],
        sorted(
            (
                c["code"],
                c["nom"],
                "arrondissement" if c["type"] == "arrondissement-municipal" else "commune",
                c["departement"],
                epci_of.get(c["code"], "") if c["type"] == "commune-actuelle" else "",
                c.get("commune", ""),
                c.get("population", 0),
                " ".join(c.get("codesPostaux", [])),
            )
            for c in kept
        ),
    )
    return {"regions": len(regions), "departments": len(departments), "epci": len(epcis),
            "communes": len(kept)}


def _upsert(model, objects, fields):
    model.objects.bulk_create(
        objects, batch_size=BATCH_SIZE, update_conflicts=True,
        unique_fields=["code"], update_fields=fields,
    )
    return len(objects)


@transaction.atomic
def import_geography(data_dir=DATA_DIR):
    """Insert or update every région, département, EPCI and commune; return the counts.

    Running it twice changes nothing; a commune that left an EPCI loses its link.
    """
    data_dir = Path(data_dir)
    counts = {}
    counts["regions"] = _upsert(
        Region,
        [Region(code=r["code"], name=r["nom"]) for r in _read_rows(data_dir / FILES["regions"])],
        ["name"],
    )
    counts["departments"] = _upsert(
        Department,
        [Department(code=d["code"], name=d["nom"], region_id=d["region"] or None)
         for d in _read_rows(data_dir / FILES["departments"])],
        ["name", "region"],
    )
    counts["epci"] = _upsert(
        Epci,
        [Epci(code=e["siren"], name=e["nom"], kind=e["type"], population=int(e["population"]))
         for e in _read_rows(data_dir / FILES["epci"])],
        ["name", "kind", "population"],
    )
    rows = list(_read_rows(data_dir / FILES["communes"]))
    communes = [
        Commune(
            code=c["code"], name=c["nom"], kind=c["type"], department_id=c["departement"],
            epci_id=c["epci"] or None, parent_id=None, population=int(c["population"]),
            postal_codes=c["codes_postaux"],
        )
        for c in rows
    ]
    fields = ["name", "kind", "department", "epci", "population", "postal_codes"]
    counts["communes"] = _upsert(Commune, communes, fields)
    # Arrondissements point to their commune, which exists only once the first pass is done.
    arrondissements = [Commune(code=c["code"], parent_id=c["parent"]) for c in rows if c["parent"]]
    Commune.objects.bulk_update(arrondissements, ["parent"], batch_size=BATCH_SIZE)
    return counts


def communes_in(*, level, codes):
    """Return the communes (not arrondissements) of a perimeter given at one level."""
    communes = Commune.objects.filter(kind=Commune.Kind.COMMUNE)
    lookups = {
        "communes": "code__in",
        "epci": "epci__in",
        "departement": "department__in",
        "region": "department__region__in",
    }
    if level not in lookups:
        raise ValueError(f"Niveau de périmètre inconnu : {level!r}")
    return communes.filter(**{lookups[level]: codes})
