"""French typography and formats for the documents the platform prints.

Pages follow the person's language through Django's i18n; a printed document
(the schéma directeur) is French whatever the reader's language, so these
helpers format French explicitly: "12 500,50 €", "1er mars 2027", and
non-breaking spaces where French typography wants them (before : ; ! ?, inside
« »), so that a line never starts with a colon or a closing guillemet.
"""

import html
import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

NBSP = "\u00a0"  # before : and inside « », between a number and its unit
NNBSP = "\u202f"  # narrow: before ; ! ? and as the thousands separator

MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
          "septembre", "octobre", "novembre", "décembre"]

_SPACES = " \u00a0\u202f"
# A space (or none, after a word) before ; ! ? becomes a narrow non-breaking space. The
# mark must end a word (followed by a space, a closing mark or the end): "?q=1" in an
# address is left alone.
_BEFORE_TIGHT = re.compile(rf"(?:[{_SPACES}]+|(?<=[\w»)]))([;!?]+)(?=[\s»).,;:!?]|$)")
# A colon only when a space precedes it: "10:30" and "https:" stay as they are.
_BEFORE_COLON = re.compile(rf"[{_SPACES}]+:")
_OPEN_QUOTE = re.compile(rf"«[{_SPACES}]*")
_CLOSE_QUOTE = re.compile(rf"[{_SPACES}]*»")
_NUMBER_UNIT = re.compile(rf"(\d)[{_SPACES}]+(%|€|‰)")
_APOSTROPHE = re.compile(r"(?<=\w)'(?=\w)")


def typography(text):
    """Return the text with French non-breaking spaces and apostrophes.

    "Bonjour !" keeps its "!" on its line; "l'air" becomes "l’air".
    """
    if not text:
        return text or ""
    text = _BEFORE_TIGHT.sub(lambda match: NNBSP + match.group(1), str(text))
    text = _BEFORE_COLON.sub(NBSP + ":", text)
    text = _OPEN_QUOTE.sub("«" + NBSP, text)
    text = _CLOSE_QUOTE.sub(NBSP + "»", text)
    text = _APOSTROPHE.sub("’", text)
    return _NUMBER_UNIT.sub(lambda match: match.group(1) + NBSP + match.group(2), text)


_MARKUP = re.compile(r"(<style\b.*?</style>|<script\b.*?</script>|<!--.*?-->|<[^>]*>)",
                     re.DOTALL | re.IGNORECASE)


def typeset(document):
    """Apply `typography` to every text of an HTML document, leaving its markup and styles.

    Entities are decoded first and the text escaped again, so that "&amp;" is never
    mistaken for a word followed by a semicolon.
    """
    parts = _MARKUP.split(document)
    for index in range(0, len(parts), 2):  # even parts are text, odd ones markup
        if parts[index].strip():
            parts[index] = html.escape(typography(html.unescape(parts[index])), quote=False)
    return "".join(parts)


def to_decimal(value):
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        return value
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def number(value, decimals=None):
    """Return "12 500,5": grouped by thousands with a narrow space, a decimal comma.

    Without `decimals`, show up to two decimals and drop trailing zeros.
    """
    amount = to_decimal(value)
    if amount is None:
        return "—"
    if decimals is None:
        amount = amount.quantize(Decimal("0.01"))
        text = f"{amount:,.2f}".rstrip("0").rstrip(".")
    else:
        text = f"{amount:,.{decimals}f}"
    whole, _dot, fraction = text.partition(".")
    whole = whole.replace(",", NNBSP)
    return f"{whole},{fraction}" if fraction else whole


def money(value):
    """Return "12 500,50 €", or "35 000 €" for whole euros."""
    amount = to_decimal(value)
    if amount is None:
        return "—"
    amount = amount.quantize(Decimal("0.01"))
    decimals = 0 if amount == amount.to_integral_value() else 2
    return f"{number(amount, decimals)}{NBSP}€"


def percent(share):
    """Return "45 %" for a share from 0 to 1."""
    amount = to_decimal(share)
    if amount is None:
        return "—"
    return f"{number(amount * 100, 0)}{NBSP}%"


def to_date(value):
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return datetime.fromisoformat(str(value)).date()
    except ValueError:
        return None


def long_date(value):
    """Return "1er mars 2027", "12 mars 2027"."""
    day = to_date(value)
    if day is None:
        return "—"
    first = "1er" if day.day == 1 else str(day.day)
    return f"{first}{NBSP}{MONTHS[day.month - 1]} {day.year}"


def month_year(value):
    """Return "mars 2027"."""
    day = to_date(value)
    if day is None:
        return "—"
    return f"{MONTHS[day.month - 1]} {day.year}"
