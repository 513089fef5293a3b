"""The words a page's script shows, rendered by the page in the person's language.

The scripts of `static/js` hold no word of their own: the template that includes one
renders its words with `{% load script_words %}` then, e.g.,
`{% script_words "objective-words" baseline=baseline_word target=_("Cible") %}`, which
prints `<script id="objective-words" type="application/json">{"baseline": "Départ", …}</script>`;
the script reads them with `JSON.parse(document.getElementById("objective-words").textContent)`.
"""

from django import template
from django.utils.html import json_script

register = template.Library()


@register.simple_tag
def script_words(element_id, **words):
    return json_script({name: str(word) for name, word in words.items()}, element_id)
