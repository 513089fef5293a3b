"""Write the files of the open data, streamed and switched atomically.

A build writes every format of every registered dataset into a staging folder of its own
under OPENDATA_ROOT, one row at a time (rows come from the database in chunks), each file
first as `*.part`, renamed with `os.replace` once complete. When every file is written the
staging folder becomes the build's folder, then `manifest.json` — which names the current
build, its date and its files' sizes — is replaced the same way: that rename is the moment
the new files are served. A build that fails midway removes its staging folder and leaves
the manifest, hence the previous files, untouched.

The current build and the one before it are kept (a download that started before the switch
finishes on the old file); older ones are removed.
"""

import json
import logging
import os
import secrets
import shutil
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone, translation

from territories.exports import SafeCsvWriter
from territories.opendata import LIST_SEPARATOR, datasets

logger = logging.getLogger(__name__)

MANIFEST = "manifest.json"
STAGING_PREFIX = ".build-"
LOCK_KEY = "opendata:build"
LOCK_SECONDS = 60 * 60


def root():
    return Path(settings.OPENDATA_ROOT)


# Reading what was published -------------------------------------------------------------------

def read_manifest():
    """Return the manifest of the last complete build, or None when none ran yet."""
    try:
        with open(root() / MANIFEST, encoding="utf-8") as handle:
            manifest = json.load(handle)
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        logger.exception("Manifeste des données ouvertes illisible")
        return None
    return manifest if isinstance(manifest, dict) and manifest.get("build") else None


def published_file(manifest, filename):
    """Return (dataset slug, format key, path) of a file of the current build, or None.

    Only names listed in the manifest are served: nothing else of the folder is reachable.
    """
    for slug, entry in (manifest or {}).get("datasets", {}).items():
        for format_key, stored in entry.get("files", {}).items():
            if stored.get("name") == filename:
                return slug, format_key, root() / manifest["build"] / filename
    return None


# Cells ------------------------------------------------------------------------------------------

def _csv_cell(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return LIST_SEPARATOR.join(str(item) for item in value)
    return value


def _json_default(value):
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)  # lazy translations


ENCODER = json.JSONEncoder(ensure_ascii=False, default=_json_default)


# Writers: one per format, fed the same rows ---------------------------------------------------

class _File:
    def __init__(self, path):
        self.path = path
        self.part = path.with_name(path.name + ".part")

    def close(self):
        self.handle.close()
        os.replace(self.part, self.path)
        return self.path.stat().st_size

    def abandon(self):
        if not self.handle.closed:
            self.handle.close()


class _CsvFile(_File):
    def __init__(self, path, *, columns, delimiter, bom):
        super().__init__(path)
        self.handle = open(self.part, "w", encoding="utf-8-sig" if bom else "utf-8",
                           newline="")
        self.writer = SafeCsvWriter(self.handle, delimiter=delimiter)
        self.writer.writerow(columns)

    def write(self, row, cells):
        self.writer.writerow(cells)


class _JsonFile(_File):
    """A JSON array of objects, written one object per line."""

    opening, closing = "[", "\n]\n"

    def __init__(self, path, *, columns):
        super().__init__(path)
        self.columns = columns
        self.handle = open(self.part, "w", encoding="utf-8")
        self.handle.write(self.opening)
        self.first = True

    def _item(self, row):
        return {name: row.get(name) for name in self.columns}

    def write(self, row, cells):
        self.handle.write("\n" if self.first else ",\n")
        self.first = False
        # encode() takes the C encoder; json.dump() would stream through the Python one.
        self.handle.write(ENCODER.encode(self._item(row)))

    def close(self):
        self.handle.write(self.closing)
        return super().close()


class _GeoJsonFile(_JsonFile):
    """A GeoJSON FeatureCollection: points from two columns, or the shape a row carries.

    Rows without coordinates, or without a shape, have no geometry.
    """

    opening, closing = '{"type": "FeatureCollection", "features": [', "\n]}\n"

    def __init__(self, path, *, columns, geometry=(), shape=None):
        super().__init__(path, columns=[name for name in columns if name not in geometry])
        self.geometry, self.shape = geometry, shape

    def _item(self, row):
        if self.shape:
            return {"type": "Feature", "geometry": row.get(self.shape),
                    "properties": super()._item(row)}
        longitude, latitude = (row.get(name) for name in self.geometry)
        point = None
        if longitude is not None and latitude is not None:
            point = {"type": "Point", "coordinates": [longitude, latitude]}
        return {"type": "Feature", "geometry": point, "properties": super()._item(row)}


def _open_files(dataset, folder):
    columns = dataset.column_names
    files = {
        "csv": _CsvFile(folder / dataset.filename("csv"), columns=columns, delimiter=",",
                        bom=False),
        # The variant for Excel in French: `;` and a BOM, so that accents show.
        "csv-semicolon": _CsvFile(folder / dataset.filename("csv-semicolon"),
                                  columns=columns, delimiter=";", bom=True),
        "json": _JsonFile(folder / dataset.filename("json"), columns=columns),
    }
    if dataset.geometry or dataset.shape:
        files["geojson"] = _GeoJsonFile(folder / dataset.filename("geojson"), columns=columns,
                                        geometry=dataset.geometry, shape=dataset.shape)
    return files


def write_dataset(dataset, folder):
    """Write every format of the dataset into `folder`, streaming its rows once.

    Return {"rows": count, "files": {format: {"name", "size"}}}.
    """
    files = _open_files(dataset, folder)
    columns = dataset.column_names
    count = 0
    try:
        for row in dataset.rows():
            cells = [_csv_cell(row.get(name)) for name in columns]  # once for both CSVs
            for file in files.values():
                file.write(row, cells)
            count += 1
        sizes = {key: file.close() for key, file in files.items()}
    except BaseException:
        for file in files.values():
            file.abandon()
        raise
    return {"rows": count, "files": {
        key: {"name": files[key].path.name, "size": size} for key, size in sizes.items()}}


def _write_atomically(path, content):
    part = path.with_name(path.name + ".part")
    with open(part, "w", encoding="utf-8") as handle:
        handle.write(content)
    os.replace(part, path)


def _prune(folder, *, keep):
    """Remove builds older than those kept, and staging folders left by killed builds."""
    oldest_kept = min(keep)
    day_ago = timezone.now().timestamp() - 24 * 3600
    for path in folder.iterdir():
        if not path.is_dir():
            continue
        stale_staging = (path.name.startswith(STAGING_PREFIX)
                         and path.stat().st_mtime < day_ago)
        old_build = not path.name.startswith(".") and path.name < oldest_kept
        if stale_staging or old_build:
            shutil.rmtree(path, ignore_errors=True)


def build_open_data():
    """Write the files of every dataset and publish them at once; return the manifest.

    Rows are read in the site's language (French) whoever asks.
    """
    folder = root()
    folder.mkdir(parents=True, exist_ok=True)
    now = timezone.now()
    build = f"{now:%Y%m%dT%H%M%S%f}-{secrets.token_hex(3)}"
    staging = folder / f"{STAGING_PREFIX}{build}"
    staging.mkdir()
    previous = read_manifest()
    try:
        with translation.override(settings.LANGUAGE_CODE):
            entries = {dataset.slug: write_dataset(dataset, staging) for dataset in datasets()}
        os.replace(staging, folder / build)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    manifest = {"build": build, "built_at": now.isoformat(), "datasets": entries}
    _write_atomically(folder / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
    _prune(folder, keep={build, previous["build"]} if previous else {build})
    return manifest


def build_open_data_once():
    """Build unless another build is running (then return None): one at a time."""
    if not cache.add(LOCK_KEY, True, LOCK_SECONDS):
        return None
    try:
        return build_open_data()
    finally:
        cache.delete(LOCK_KEY)
