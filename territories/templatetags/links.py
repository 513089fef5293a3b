"""`{% absolute_url path %}` and `{% site_url %}` for e-mails and PDFs (territories.links)."""

from django import template
from django.conf import settings

from territories import links

register = template.Library()


@register.simple_tag
def absolute_url(path):
    return links.absolute_url(path)


@register.simple_tag
def site_url():
    return settings.SITE_URL.rstrip("/")
