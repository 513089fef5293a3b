"""French typography and formats for the documents the platform prints.

Pages follow the person's language through Django's i18n; a printed document
(the schéma directeur) is French whatever the reader's language, so these
helpers format French explicitly: "12 500,50 €", "1er mars 2027", and
non-breaking spaces where French typography wants them (before : ; ! ?, inside
« »), so that a line never starts with a colon or a closing guillemet.
"""

import html
import re

from cluster import formatting
from cluster.formatting import NBSP, NNBSP  # NBSP before : and inside « »; NNBSP before ; ! ?
from territories.grammar import de, le  # "d'Aix-Marseille", "le Collectif porteur X"

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


# The formats of figures and dates live in cluster.formatting, shared with the pages; the
# documents' code calls them under these names.
money = formatting.euros
long_date = formatting.day
month_year = formatting.month
number = formatting.number
percent = formatting.percent
percentage = formatting.percentage
index = formatting.index
to_date = formatting.to_date
to_decimal = formatting.to_decimal
__all__ = ["NBSP", "NNBSP", "de", "le", "long_date", "money", "month_year", "number", "percent",
           "percentage", "index",
           "to_date", "to_decimal", "typeset", "typography"]
