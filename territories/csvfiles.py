"""Read the CSV files people actually have, for every import of the platform.

Excel exports in UTF-8 (with or without BOM) or Windows-1252, `;`, `,` or tab
separators, CRLF, quoted fields holding separators and newlines, French headers
and numbers written the French way (`1 234,5`). The actor import of this app
and the measurement import of the cluster app both read through here.
"""

import csv
import functools
import io
import re
import unicodedata
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

NON_ALPHANUMERIC = re.compile(r"[^a-z0-9]+")
SAINT = re.compile(r"(^| )st (?=\w)")
# Spaces people and spreadsheets put between thousands: plain, non-breaking, narrow.
THOUSANDS_SPACES = re.compile(r"[ \u00a0\u202f]")


class ImportFileError(Exception):
    """The file as a whole cannot be read; the message says why, in French."""


@functools.lru_cache(maxsize=65536)
def simplify(text):
    """Return the text lower-cased, unaccented, single-spaced: 'St-Étienne' → 'saint etienne'."""
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(char for char in text if not unicodedata.combining(char)).lower()
    text = NON_ALPHANUMERIC.sub(" ", text).strip()
    return SAINT.sub(r"\1saint ", text)


def decode(raw):
    """Return the text of a file in UTF-8 (BOM or not), UTF-16 with BOM (Excel's "Unicode
    text") or, failing that, Windows-1252. Refuse a binary file (a workbook, an image)."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            pass
    elif b"\x00" not in raw[:65536]:
        for encoding in ("utf-8-sig", "cp1252"):
            try:
                return raw.decode(encoding)
            except UnicodeDecodeError:
                continue
    if raw.startswith(b"PK\x03\x04"):
        raise ImportFileError(_(
            "Ce fichier est un classeur (.xlsx ou .ods), pas un CSV : dans Excel ou "
            "LibreOffice, choisissez « Enregistrer sous » puis le format CSV."))
    raise ImportFileError(_(
        "Encodage du fichier non reconnu : ce n'est pas un texte CSV lisible. "
        "Enregistrez-le en CSV UTF-8."))


def read_rows(text):
    """Yield (line number, header, row) for each record; the line is where the record starts."""
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    if first_line.count("\t") > max(first_line.count(";"), first_line.count(",")):
        delimiter = "\t"
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    # The header is the first row with something in it: blank lines above it are skipped.
    header = next((row for row in reader if any(cell.strip() for cell in row)), None)
    if header is None:
        raise ImportFileError(_("Le fichier est vide."))
    line = reader.line_num + 1
    for row in reader:
        if any(cell.strip() for cell in row):
            yield line, header, row
        line = reader.line_num + 1


def match_columns(header, aliases):
    """Return {field: column index} for the headers of `aliases` ({field: [header, …]}).

    Headers are compared without accents, case or punctuation; the first column
    recognised for a field wins.
    """
    lookup = {simplify(alias): name for name, names in aliases.items() for alias in names}
    columns = {}
    for index, title in enumerate(header):
        name = lookup.get(simplify(title))
        if name and name not in columns:
            columns[name] = index
    return columns


def read_headers(header):
    """Return the non-empty headers of the file, to quote them in an error message."""
    return ", ".join(title.strip() for title in header if title.strip())


def parse_number(text):
    """Return the Decimal written in `text` the French or the English way, None when empty.

    Decimal commas and spaces between thousands are accepted: « 1 234,5 » → 1234.5.
    Raise ValueError when the text is not a number.
    """
    text = THOUSANDS_SPACES.sub("", text.strip())
    if not text:
        return None
    try:
        number = Decimal(text.replace(",", "."))
    except InvalidOperation:
        raise ValueError(text) from None
    if not number.is_finite():
        raise ValueError(text)
    return number
