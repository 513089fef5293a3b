"""`{% options choices selected %}`: the `<option>`s of a long `<select>`, built in one call.

A `{% for %}` loop resolves each option's variables one lookup at a time, and
`format_html` checks every argument for laziness: for the platform's territories (a
thousand in a national network) either was most of the search page's time. `choices`
are (value, label) pairs; `selected` is one value or a list of them (a `<select
multiple>`). Every value and label is escaped.
"""

from html import escape

from django import template
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag
def options(choices, selected=None):
    if isinstance(selected, list | tuple | set | frozenset):
        chosen = {str(value) for value in selected}
    else:
        chosen = set() if selected in (None, "") else {str(selected)}
    html = "".join(
        f'<option value="{escape(str(value))}"{" selected" if str(value) in chosen else ""}>'
        f"{escape(str(label))}</option>" for value, label in choices)
    return mark_safe(html)  # noqa: S308 -- every value and label is escaped above
