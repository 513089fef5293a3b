"""Filters that print money, numbers and dates through `cluster.formatting`.

`{% load formatting %}` then `{{ plan.budget_total|euros }}` → "12 500,50 €",
`{{ territory.population|number:0 }}` → "1 939 077", `{{ share|percent }}` → "45 %",
`{{ part.percent|percentage }}` → "45 %" (points), `{{ mix.hhi|index }}` → "1 833",
`{{ meeting.held_on|day }}` → "1er mars 2027".
"""

from django import template

from cluster import formatting

register = template.Library()


@register.filter
def euros(amount):
    return formatting.euros(amount)


@register.filter
def number(value, decimals=None):
    return formatting.number(value, None if decimals in (None, "") else int(decimals))


@register.filter
def percent(share, decimals=0):
    return formatting.percent(share, int(decimals))


@register.filter
def percentage(points):
    return formatting.percentage(points)


@register.filter
def index(value):
    return formatting.index(value)


@register.filter
def day(value):
    return formatting.day(value)


@register.filter
def month(value):
    return formatting.month(value)


@register.filter
def absolute(amount):
    """Drop the sign: a negative "reste à financer" reads as a surplus of that amount."""
    return abs(amount) if amount not in (None, "") else amount
