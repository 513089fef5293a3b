"""What every entry point (manage.py, WSGI, ASGI, Celery) does first: load the settings.

A bad environment variable makes cluster/settings.py raise ImproperlyConfigured with a
French message that names the variable. Print that message alone, not fifty lines of
traceback through Django's internals, and stop with status 1.
"""

import os
import sys

from django.core.exceptions import ImproperlyConfigured


def load_settings():
    """Load the settings, or print why they are invalid and exit with status 1."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cluster.settings")
    from django.conf import settings

    try:
        settings.INSTALLED_APPS  # noqa: B018 - reading one setting loads them all
    except ImproperlyConfigured as error:
        sys.stderr.write(f"Configuration invalide : {error}\n")
        sys.exit(1)
