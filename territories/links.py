"""Absolute links to the platform, for what is read away from it: e-mails, calendar feeds, PDFs.

Every such link starts with the `SITE_URL` setting, never with the host of the request that
happened to trigger it (a proxy's, a test server's, or none in a background task).
"""

from django.conf import settings
from django.urls import reverse


def absolute_url(path):
    """Return "https://clusters.example.org/path": SITE_URL followed by `path` ("/…")."""
    return settings.SITE_URL.rstrip("/") + path


def absolute_reverse(name, *args, **kwargs):
    """Return the absolute link of the URL pattern `name`, as `reverse` takes it."""
    return absolute_url(reverse(name, args=args or None, kwargs=kwargs or None))
