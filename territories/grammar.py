"""French articles before the names of territories, collectives and funders.

A sentence built as "Carte de {{ name }}" reads "Carte de Aix-Marseille" or "Les projets de
Le Grand Narbonne". `de(name)` writes the preposition as French does, "d'Aix-Marseille",
"du Grand Narbonne", "des Mauges", "de la Métropole de Lyon"; `le(name)` gives the name its
article inside a sentence, "porté par le Collectif porteur…". cluster.frenchtext re-exports
them and the template filters `|de` and `|le` (territories/templatetags/french.py) call them,
so pages, e-mails and PDFs share one rule.

Only the French forms are grammar: in another language `de` gives "of <name>" and `le` the
name unchanged, so a translated sentence ("Map {{ of_name }}") still reads.
"""

from django.utils.translation import get_language

# Articles a name may start with, and what "de" + the article becomes.
_CONTRACTIONS = {"le ": "du ", "les ": "des ", "la ": "de la ", "l'": "de l'", "l’": "de l’"}
_VOWELS = set("aeiouyâàäéèêëîïôöûùüœæ")

# Common nouns that start the names of bodies and take the article in a sentence
# ("le Collectif porteur Lyon", "la Métropole de Lyon", "l'Agglomération du Grand Reims"),
# and "Grand" which does the same before a place ("le Grand Narbonne").
_MASCULINE = {"collectif", "conseil", "département", "pays", "pôle", "syndicat", "territoire",
              "parc", "comité", "réseau", "groupement", "grand", "label", "fonds", "ministère",
              "centre", "club", "incubateur", "tiers-lieu", "établissement"}
_FEMININE = {"communauté", "métropole", "ville", "région", "association", "fondation",
             "agglomération", "commune", "coopérative", "fédération", "maison", "mutuelle",
             "chambre", "caisse", "banque", "fabrique", "agence", "direction", "délégation",
             "collectivité", "entreprise", "union", "préfecture", "mission", "eurométropole"}
# Plural place names: the régions and départements whose name says so.
_PLURAL = {"communes", "hauts", "hautes", "bouches", "alpes", "pyrénées", "côtes", "landes",
           "vosges", "yvelines", "ardennes", "deux"}
_EXCEPTIONS = {"pays de la loire": "les "}


def _french():
    return (get_language() or "fr").lower().startswith("fr")


def _elides(word):
    return bool(word) and word[0].lower() in _VOWELS


def _with_article(name):
    """Return the name with the article French gives it inside a sentence.

    A name that holds its article keeps it as written ("Le Havre", "La Rochelle", "Le French
    Impact"); a name that starts with a common noun gets one in lower case ("le Collectif
    porteur X", "la Métropole de Lyon", "l'Association Y", "le Grand Narbonne").
    """
    lowered = name.lower()
    if any(lowered.startswith(article) for article in _CONTRACTIONS):
        return name
    if lowered in _EXCEPTIONS:
        return _EXCEPTIONS[lowered] + name
    first = lowered.split(" ", 1)[0].split("-", 1)[0]
    if first in _PLURAL:
        return "les " + name
    if first in _MASCULINE or first in _FEMININE:
        if _elides(first):
            return "l'" + name
        return ("le " if first in _MASCULINE else "la ") + name
    return name


def le(name):
    """Return the name as a sentence says it: "le Collectif porteur X", "la Métropole de
    Lyon", "l'Association Y", "le French Impact"; a place name stays as it is ("Lyon")."""
    name = " ".join(str(name or "").split())
    if not name or not _french():
        return name
    return _with_article(name)


def de(name):
    """Return "de" before the name as French writes it: "de Lyon", "d'Aix-Marseille",
    "du Grand Narbonne", "des Mauges", "de la Métropole de Lyon", "de l'Association X",
    "du Havre", "de La Rochelle". In another language: "of <name>"."""
    name = " ".join(str(name or "").split())
    if not name:
        return ""
    if not _french():
        return f"of {name}"
    said = _with_article(name)
    lowered = said.lower()
    for article, contracted in _CONTRACTIONS.items():
        if lowered.startswith(article):
            if article in ("la ", "l'", "l’"):
                return "de " + said  # "de la Métropole", "de La Rochelle", "de l'Association"
            return contracted + said[len(article):]  # "du Havre", "des Mauges"
    return ("d'" if _elides(said) else "de ") + said
