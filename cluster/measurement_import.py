"""Import an objective's measurements from a CSV file: a preview first, then a confirmation.

Columns: date, valeur, source, under French headers and their variants. The file
is read like the actor import of the territories app (`territories.csvfiles`):
UTF-8 with or without BOM or Windows-1252, `;` or `,`, CRLF, quoted fields.
Dates are JJ/MM/AAAA or AAAA-MM-JJ; values take decimal commas and spaces
between thousands.

`measurements_preview` checks every row against the rules of
`cluster.services.measurement_record` and writes nothing. Between the preview
and the confirmation the server keeps nothing: the preview page carries the
rows to add in a hidden field, signed with the project's secret key for this
objective and this person (`sign_rows`), so they cannot be altered on the way,
and refused after an hour (`unsign_rows`). `cluster.services.measurements_import`
then writes them in one transaction.
"""

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.core import signing
from django.utils.translation import gettext as _

from cluster.services.objectives import measurement_date_error
from territories.csvfiles import (
    ImportFileError,
    decode,
    match_columns,
    parse_number,
    read_headers,
    read_rows,
)

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
MAX_SOURCE_LENGTH = 300
# Measurement.value: 14 digits, 2 of them after the comma.
MAX_VALUE = Decimal(10) ** 12
PREVIEW_MAX_AGE = 3600
SALT = "cluster.measurement_import"

HEADERS = {
    "measured_on": ["date", "date de mesure", "date de la mesure", "date mesure",
                    "jour"],
    "value": ["valeur", "mesure", "valeur mesuree", "valeur de la mesure", "valeur mesure",
              "chiffre", "resultat"],
    "source": ["source", "sources", "source de la mesure", "source de la donnee", "origine"],
}
COLUMN_LABELS = {"measured_on": "Date", "value": "Valeur", "source": "Source"}

# 01/03/2026, 1-3-2026, 01.03.2026; spreadsheets sometimes add a time of day.
FRENCH_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$")
ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$")


@dataclass
class MeasurementRow:
    line: int
    date_text: str = ""
    value_text: str = ""
    source: str = ""
    measured_on: date | None = None
    value: Decimal | None = None
    errors: list = field(default_factory=list)

    @property
    def is_valid(self):
        return not self.errors


@dataclass
class MeasurementPreview:
    rows: list

    @property
    def to_add(self):
        return [row for row in self.rows if row.is_valid]

    @property
    def rejected(self):
        return [row for row in self.rows if not row.is_valid]


def parse_date(text):
    """Return the date written JJ/MM/AAAA or AAAA-MM-JJ, or raise ValueError."""
    text = text.strip()
    if match := FRENCH_DATE.match(text):
        day, month, year = (int(part) for part in match.groups())
    elif match := ISO_DATE.match(text):
        year, month, day = (int(part) for part in match.groups())
    else:
        raise ValueError(text)
    return date(year, month, day)


def _columns(header):
    columns = match_columns(header, HEADERS)
    missing = [COLUMN_LABELS[name] for name in HEADERS if name not in columns]
    if missing:
        raise ImportFileError(
            _("Colonnes introuvables : %(missing)s. Le fichier doit avoir une ligne d'en-têtes "
              "« Date ; Valeur ; Source ». En-têtes lus : %(read)s")
            % {"missing": ", ".join(f"« {label} »" for label in missing),
               "read": read_headers(header) or "—"})
    return columns


def _check_row(row, *, today, measured, seen):
    if not row.date_text:
        row.errors.append(_("date vide"))
    else:
        try:
            row.measured_on = parse_date(row.date_text)
        except ValueError:
            row.errors.append(_("date invalide : « %(text)s » (attendu JJ/MM/AAAA ou "
                                "AAAA-MM-JJ)") % {"text": row.date_text})
    if not row.value_text:
        row.errors.append(_("valeur vide"))
    else:
        try:
            row.value = parse_number(row.value_text)
        except ValueError:
            row.errors.append(_("valeur non numérique : « %(text)s »") % {"text": row.value_text})
        else:
            if abs(row.value) >= MAX_VALUE:
                row.errors.append(_("valeur trop grande : « %(text)s »") % {"text": row.value_text})
            elif row.value != row.value.quantize(Decimal("0.01")):
                row.errors.append(_("valeur : deux décimales au plus (« %(text)s »)")
                                  % {"text": row.value_text})
    if not row.source:
        row.errors.append(_("source manquante"))
    elif len(row.source) > MAX_SOURCE_LENGTH:
        row.errors.append(_("source trop longue (%(max)s caractères au plus)")
                          % {"max": MAX_SOURCE_LENGTH})
    if row.measured_on is None:
        return
    if row.measured_on in seen:
        row.errors.append(_("date déjà présente ligne %(line)s du fichier")
                          % {"line": seen[row.measured_on]})
        return
    seen[row.measured_on] = row.line
    error = measurement_date_error(measured_on=row.measured_on, today=today,
                                   already_measured=row.measured_on in measured)
    if error is not None:
        row.errors.append(error.message)


def measurements_preview(*, objective, raw, today):
    """Read and check every row of the file; write nothing. Return the MeasurementPreview.

    Raise ImportFileError, with a French message, when the file cannot be read.
    """
    if len(raw) > MAX_BYTES:
        raise ImportFileError(_("Fichier trop lourd : 2 Mo au plus."))
    measured = set(objective.measurements.values_list("measured_on", flat=True))
    seen, rows, columns = {}, [], None
    for line, header, record in read_rows(decode(raw)):
        if columns is None:
            columns = _columns(header)
        if len(rows) >= MAX_ROWS:
            raise ImportFileError(_("Fichier trop long : %(max)s lignes au plus par import.")
                                  % {"max": f"{MAX_ROWS:,}".replace(",", "\u202f")})

        def cell(name, record=record, columns=columns):
            index = columns[name]
            return record[index].strip() if index < len(record) else ""

        row = MeasurementRow(line=line, date_text=cell("measured_on"),
                             value_text=cell("value"), source=cell("source"))
        _check_row(row, today=today, measured=measured, seen=seen)
        rows.append(row)
    if columns is None:
        raise ImportFileError(_("Le fichier ne contient aucune mesure sous ses en-têtes."))
    return MeasurementPreview(rows=rows)


def sign_rows(rows, *, objective, user):
    """Return the rows to add as a signed text, for the confirmation form of the preview."""
    return signing.dumps(
        {"objective": objective.pk, "user": user.pk,
         "rows": [[row.measured_on.isoformat(), str(row.value), row.source] for row in rows]},
        salt=SALT, compress=True)


def unsign_rows(payload, *, objective, user):
    """Return the rows [(date, value, source), …] signed by `sign_rows` for this objective
    and person, or raise ImportFileError when they expired or were altered."""
    try:
        data = signing.loads(payload, salt=SALT, max_age=PREVIEW_MAX_AGE)
    except signing.SignatureExpired:
        raise ImportFileError(_("L'aperçu date de plus d'une heure : envoyez le fichier à "
                                "nouveau.")) from None
    except signing.BadSignature:
        raise ImportFileError(_("L'aperçu n'est plus valable : envoyez le fichier à "
                                "nouveau.")) from None
    if data.get("objective") != objective.pk or data.get("user") != user.pk:
        raise ImportFileError(_("Cet aperçu concerne un autre objectif : envoyez le fichier à "
                                "nouveau."))
    return [(date.fromisoformat(day), Decimal(value), source)
            for day, value, source in data["rows"]]
