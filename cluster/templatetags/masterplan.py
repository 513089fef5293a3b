"""Filters of the schéma directeur's templates: French formats, typography and Markdown.

A snapshot stores figures as strings ("12500.50") and dates as ISO text; these
filters print them as a French reader expects, whatever the page's language:
the document is French.
"""

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

from cluster import frenchtext as fr
from cluster.richtext import render_markdown
from cluster.templatetags import formatting

register = template.Library()


# The document's figures and dates, through cluster.formatting as on every page.
register.filter("fr_number", formatting.number)
register.filter("fr_money", formatting.euros)
register.filter("fr_percent", formatting.percent)
register.filter("fr_percentage", formatting.percentage)
register.filter("fr_index", formatting.index)
register.filter("fr_date", formatting.day)
register.filter("fr_month", formatting.month)


@register.filter
def share_width(share):
    """Return a share from 0 to 1 as a CSS width in percent, "0" when unknown."""
    amount = fr.to_decimal(share)
    if amount is None:
        return "0"
    return f"{max(0, min(100, float(amount) * 100)):.1f}"


@register.filter(is_safe=True)
def typo(value):
    """Escape the text, with French non-breaking spaces before : ; ! ? and inside « »."""
    if value is None:
        return ""
    return mark_safe(escape(fr.typography(str(value))))  # noqa: S308 - escaped


@register.filter(is_safe=True)
def markdown(value):
    """Render written Markdown as sanitised HTML (see cluster.richtext)."""
    return render_markdown(value or "")
