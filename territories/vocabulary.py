"""The words people write in the "Type" and "Thèmes" columns, read as actor types and themes.

Words are compared without accents, case or punctuation (`simplify`). A theme is found by
its name, its identifier or a synonym that staff edit (`ThemeSynonym`), then by prefix:
"insertion professionnelle" starts with the synonym "insertion", "mobilité" begins the
theme "Mobilité douce". A word that still matches nothing is never a reason to refuse an
actor: the import keeps it as a free tag and warns.
"""

import functools
import re

from territories.csvfiles import simplify
from territories.models import Actor, Theme, ThemeSynonym

# A shorter word is too vague to stand for a theme by prefix ("eco", "art").
MIN_PREFIX = 4
THEME_SEPARATORS = re.compile(r"[,;/|\n]")

KIND_WORDS = [
    ("collectivite", ["collectivite", "mairie", "commune", "ville", "departement", "region",
                      "metropole", "communaute", "service public", "etat", "prefecture"]),
    ("cooperative", ["cooperative", "scop", "scic", "cae"]),
    ("mutuelle", ["mutuelle"]),
    ("fondation", ["fondation", "fonds de dotation"]),
    ("entreprise_sociale", ["entreprise sociale", "esus", "entreprise d insertion",
                            "entreprise adaptee", "siae"]),
    ("association", ["association", "asso", "loi 1901"]),
    ("incubateur", ["incubateur", "accelerateur", "pepiniere"]),
    ("reseau", ["cress", "cci", "ptce", "reseau", "chambre"]),
    ("recherche", ["universite", "recherche", "ecole", "laboratoire", "lycee"]),
    ("citoyens", ["collectif", "citoyen", "habitants"]),
    ("artistes", ["artiste", "culture", "compagnie"]),
    ("tpe", ["tpe", "micro entreprise", "auto entrepreneur", "artisan"]),
    ("pme", ["pme"]),
    ("eti", ["eti"]),
    ("grand_groupe", ["grand groupe", "grande entreprise"]),
]

# A company whose size the file does not say is classed as the demo classes one
# (territories.demo: "entreprise" → PME), with a warning to check it.
COMPANY_WORDS = ["entreprise", "societe", "sarl", "sas", "sasu", "eurl", "sa", "start up",
                 "startup"]

KIND_VALUES = frozenset(Actor.Kind.values)


@functools.lru_cache(maxsize=1024)
def match_kind(value):
    """Return (actor type, how it was found) for a "Type" cell.

    How: "empty", "exact", "word", "company" (a company of unknown size, read as a PME) or
    "unknown" (read as "autre").
    """
    simple = simplify(value)
    if not simple:
        return Actor.Kind.OTHER, "empty"
    if simple.replace(" ", "_") in KIND_VALUES:
        return simple.replace(" ", "_"), "exact"
    for kind, words in KIND_WORDS:
        if any(re.search(rf"\b{word}\b", simple) for word in words):
            return kind, "word"
    if any(re.search(rf"\b{word}\b", simple) for word in COMPANY_WORDS):
        return Actor.Kind.PME, "company"
    return Actor.Kind.OTHER, "unknown"


class ThemeMatcher:
    """Find the theme a word of a file means, from the themes and synonyms of the database."""

    def __init__(self):
        keys = {}
        for slug, name in Theme.objects.values_list("slug", "name"):
            keys[simplify(name)] = slug
            keys[simplify(slug)] = slug
        for word, slug in ThemeSynonym.objects.values_list("word", "theme_id"):
            keys.setdefault(simplify(word), slug)
        self.keys = keys
        self.longest_first = sorted(keys, key=len, reverse=True)
        self.cache = {}

    def find(self, word):
        """Return the theme's slug, or None."""
        simple = simplify(word)
        if simple not in self.cache:
            self.cache[simple] = self._find(simple)
        return self.cache[simple]

    def _find(self, simple):
        if not simple:
            return None
        if simple in self.keys:
            return self.keys[simple]
        # A longer phrase that starts with a known word, or its plural: "recycleries".
        for key in self.longest_first:
            if len(key) >= MIN_PREFIX and simple.startswith(key) and \
                    simple[len(key):len(key) + 1] in (" ", "s", "x"):
                return self.keys[key]
        # An abridged word: "mobilité" for "Mobilité douce", "énergie" for "énergies …".
        if len(simple) >= MIN_PREFIX:
            found = {slug for key, slug in self.keys.items() if key.startswith(simple)}
            if len(found) == 1:
                return found.pop()
        return None

    def split(self, cell):
        """Return (theme slugs, words kept as free tags) for a "Thèmes" cell."""
        slugs, tags = [], []
        for word in THEME_SEPARATORS.split(cell):
            word = " ".join(word.split())
            if not simplify(word):
                continue
            slug = self.find(word)
            if slug is not None:
                slugs.append(slug)
            elif simplify(word) not in {simplify(tag) for tag in tags}:
                tags.append(word)
        return sorted(set(slugs)), tags


def merge_tags(existing, new):
    """Return the free tags `existing` (text) plus those of `new` it lacks, as text."""
    tags = [tag.strip() for tag in existing.split(",") if tag.strip()]
    known = {simplify(tag) for tag in tags}
    tags += [tag for tag in new if simplify(tag) not in known]
    return ", ".join(tags)[:500]
