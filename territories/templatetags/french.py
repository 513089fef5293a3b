"""`{{ name|de }}` ("d'Aix-Marseille", "du Grand Narbonne") and `{{ name|le }}` ("le Collectif
porteur X"): French articles before names, on pages, e-mails and PDFs (territories.grammar)."""

from django import template

from territories import grammar

register = template.Library()
register.filter("de", grammar.de)
register.filter("le", grammar.le)
