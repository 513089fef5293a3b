"""Write the spreadsheets people download: every CSV and XLSX export of the platform.

What a member types (a territory's, an actor's, a collective's or a dossier's name)
ends up in a funder's spreadsheet. A cell whose text begins with `=`, `+`, `-`, `@`,
a tab or a carriage return is read by Excel, LibreOffice and Google Sheets as a
formula: `=HYPERLINK(...)` becomes a live link, worse can run commands. Such text
is written with a leading single quote, as OWASP advises against "CSV injection";
numbers (negative amounts included), dates and empty cells stay what they are.
Every export goes through `csv_content`, `SafeCsvWriter` or `xlsx_content`, never csv.writer or
openpyxl directly, so no export forgets.
"""

import csv
import io

from django.utils.functional import Promise
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(value):
    """Return the value as a spreadsheet may hold it without running it.

    Text that a spreadsheet would take for a formula gets a leading `'`; any other
    value (numbers, dates, None) is returned unchanged.
    """
    if isinstance(value, Promise):  # a lazy translation, as headers are
        value = str(value)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def spreadsheet_row(values):
    return [spreadsheet_cell(value) for value in values]


class SafeCsvWriter:
    """A csv.writer that neutralises formulas and writes None as an empty cell.

    It writes row by row to any text file, so a large export (the open data) streams to
    disk without holding its rows in memory.
    """

    def __init__(self, file, *, delimiter=","):
        self._writer = csv.writer(file, delimiter=delimiter)

    def writerow(self, values):
        self._writer.writerow(spreadsheet_row("" if value is None else value
                                              for value in values))


def csv_content(header, rows, *, delimiter=","):
    """Return the CSV bytes of the header and rows, in UTF-8 with a BOM for Excel.

    None is written as an empty cell.
    """
    buffer = io.StringIO()
    writer = SafeCsvWriter(buffer, delimiter=delimiter)
    writer.writerow(header)
    for row in rows:
        writer.writerow(row)
    return buffer.getvalue().encode("utf-8-sig")


def _xlsx_cell(value):
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, str):
        # Control characters make openpyxl refuse the whole file; they carry nothing.
        # Dropped first, so that what they hid is neutralised too.
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return spreadsheet_cell(value)


def xlsx_content(header, rows, *, sheet_title):
    """Return the XLSX bytes of one sheet holding the header and rows."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(str(sheet_title)[:31])
    sheet.append([_xlsx_cell(value) for value in header])
    for row in rows:
        sheet.append([_xlsx_cell(value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
