"""Money, numbers and dates as a French reader expects them, for pages and documents alike.

"12 500,50 €", "35 000 €", "1 939 077", "45 %", "1er mars 2027". One function per kind of
figure (amount, share, percentage, index, date) fixes its rounding once. Amounts are in euros and
the platform's readers are French: every page, PDF and export formats its figures through
this module (the template filters of `cluster.templatetags.formatting` call it), so that
a figure reads the same wherever it is shown. The spaces follow the French convention of
the Unicode CLDR: a narrow no-break space groups the thousands, a no-break space sits
between a number and its unit, so a line never ends between "12 500" and "€".

Values may come as numbers, `Decimal` or text (a frozen snapshot keeps figures as
"12500.50" and dates as ISO text); an empty or unreadable value prints as "—".
"""

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils import timezone

NBSP = "\u00a0"  # between a number and its unit
NNBSP = "\u202f"  # narrow: between groups of thousands
MISSING = "—"

MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
          "septembre", "octobre", "novembre", "décembre"]


def to_decimal(value):
    """Return the value as a finite `Decimal`, or None when it is empty or not a number."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    return amount if amount.is_finite() else None


def number(value, decimals=None):
    """Return "12 500,5": grouped by thousands with a narrow space, a decimal comma.

    Without `decimals`, show up to two decimals and drop trailing zeros.
    """
    amount = to_decimal(value)
    if amount is None:
        return MISSING
    amount = _round(amount, 2 if decimals is None else decimals)
    text = f"{amount:,f}"
    if decimals is None and "." in text:
        text = text.rstrip("0").rstrip(".")
    whole, _dot, fraction = text.partition(".")
    whole = whole.replace(",", NNBSP)
    return f"{whole},{fraction}" if fraction else whole


def _round(amount, decimals):
    """Round half away from zero, as people do by hand; a tiny negative becomes 0, not -0."""
    amount = amount.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return abs(amount) if amount == 0 else amount


def euros(value):
    """Return "12 500,50 €", or "35 000 €" for whole euros (cents only when there are some)."""
    amount = to_decimal(value)
    if amount is None:
        return MISSING
    amount = _round(amount, 2)
    decimals = 0 if amount == amount.to_integral_value() else 2
    return f"{number(amount, decimals)}{NBSP}€"


def percent(share, decimals=0):
    """Return "45 %" for a share from 0 to 1."""
    amount = to_decimal(share)
    if amount is None:
        return MISSING
    return f"{number(amount * 100, decimals)}{NBSP}%"


def percentage(points):
    """Return "45 %" for a percentage already in points (0 to 100), such as the whole
    percents of a breakdown rounded so that they add up to 100."""
    amount = to_decimal(points)
    if amount is None:
        return MISSING
    return f"{number(amount, 0)}{NBSP}%"


def index(value):
    """Return an index such as the Herfindahl-Hirschman (0 to 10 000) whole: "1 833".

    Its decimals mean nothing to a reader; every page and PDF shows it through here so
    that it never reads "1 833" on one and "1 832,66" on the other.
    """
    return number(value, 0)


def to_date(value):
    """Return the value as a `date` (an aware datetime gives its local day), or None."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return (timezone.localtime(value) if timezone.is_aware(value) else value).date()
    if isinstance(value, date):
        return value
    try:
        return datetime.fromisoformat(str(value)).date()
    except ValueError:
        return None


def day(value):
    """Return "1er mars 2027", "12 mars 2027"."""
    when = to_date(value)
    if when is None:
        return MISSING
    first = "1er" if when.day == 1 else str(when.day)
    return f"{first}{NBSP}{MONTHS[when.month - 1]} {when.year}"


def month(value):
    """Return "mars 2027"."""
    when = to_date(value)
    if when is None:
        return MISSING
    return f"{MONTHS[when.month - 1]} {when.year}"
