"""Amounts as French readers expect them: "12 500,50 €", "12 500 €"."""

from django import template
from django.template.defaultfilters import floatformat

register = template.Library()


@register.filter
def euros(amount):
    """Format an amount with thousands grouped, cents only when there are some, and €."""
    if amount is None or amount == "":
        return ""
    return f"{floatformat(amount, '-2g')}\u00a0€"


@register.filter
def percent(share, digits=0):
    """Format a share from 0 to 1 as a percent: 0.4321 → "43 %"."""
    if share is None or share == "":
        return "—"
    return f"{floatformat(share * 100, digits)}\u00a0%"


@register.filter
def absolute(amount):
    """Drop the sign: a negative "reste à financer" reads as a surplus of that amount."""
    return abs(amount) if amount not in (None, "") else amount
