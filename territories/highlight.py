"""Show why a search result matched: the searched words, highlighted in the person's text.

The text is escaped first; only the `<mark>` tags added here are HTML, so a
description holding `<script>` is shown as text, never run. Words are compared
without accents, case or ligatures ("coeur" marks "Cœur"), and by their start
("alimentation" marks "alimentaire" too, as the French stemming finds it).
"""

import re
import unicodedata

from django.utils.html import format_html, format_html_join

EXCERPT_LENGTH = 180

# What PostgreSQL's unaccent also undoes and Unicode decomposition leaves alone.
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss"})


def strip_accents(text):
    """Return the text without accents or ligatures ("Cœur d'Hérault" → "Coeur d'Herault")."""
    if text is None:
        return None
    text = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
    return "".join(char for char in text if not unicodedata.combining(char))


class _FoldTable(dict):
    """`str.translate` table folding a character (no accent, lower case), filled as
    characters are first met: folding a description is then one pass in C."""

    def __missing__(self, code):
        self[code] = folded = strip_accents(chr(code)).lower()
        return folded


_FOLD = _FoldTable()


def _folded_with_positions(text):
    """Return the text folded (no accent, lower case) and, per folded character, its
    position in the original text: folding may change the length ("œ" → "oe")."""
    folded = text.translate(_FOLD)
    if len(folded) == len(text):  # the common case: one character for one
        return folded, range(len(text))
    positions = [index for index, char in enumerate(text) for _ in _FOLD[ord(char)]]
    return folded, positions


def _stem(word):
    """Return the start of the word that its French variants share (plural, gender…)."""
    return word[:max(4, len(word) - 3)] if len(word) > 5 else word


def search_pattern(words):
    """Return a regular expression finding the words (folded) at the start of a word."""
    stems = sorted({_stem(strip_accents(word).lower()) for word in words if word}, key=len,
                   reverse=True)
    if not stems:
        return None
    return re.compile(r"\b(?:{})\w*".format("|".join(re.escape(stem) for stem in stems)))


def spans(text, pattern):
    """Return the (start, end) of the matches in the original text."""
    if not text or pattern is None:
        return []
    folded, positions = _folded_with_positions(text)
    return [(positions[match.start()], positions[match.end() - 1] + 1)
            for match in pattern.finditer(folded)]


def highlight(text, pattern, start=0, end=None):
    """Return text[start:end] escaped, its matches wrapped in <mark>."""
    end = len(text) if end is None else end
    pieces, cursor = [], start
    for match_start, match_end in spans(text, pattern):
        if match_start < start or match_end > end:
            continue
        pieces.append((text[cursor:match_start], text[match_start:match_end]))
        cursor = match_end
    return format_html_join("", "{}<mark>{}</mark>", pieces) + format_html("{}", text[cursor:end])


def excerpt(text, pattern, length=EXCERPT_LENGTH):
    """Return a short passage around the first match, highlighted, or None without match."""
    found = spans(text, pattern)
    if not found:
        return None
    first = found[0][0]
    start = max(0, first - length // 3)
    if start:  # begin on a word
        space = text.find(" ", start, first)
        start = space + 1 if space != -1 else start
    end = min(len(text), start + length)
    if end < len(text):
        space = text.rfind(" ", found[0][1], end)
        end = space if space != -1 else end
    passage = highlight(text, pattern, start, end)
    return format_html("{}{}{}", "… " if start else "", passage, " …" if end < len(text) else "")


def matches(text, pattern):
    return bool(spans(text, pattern))
