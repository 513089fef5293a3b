"""Typed readers for the settings that come from the environment.

Each reader fails loudly with ImproperlyConfigured, naming the variable and
what it expected, so a typo in a deployment stops start-up instead of
silently falling back to a default.
"""

import os
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _raw(name):
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return None
    return value.strip()


def env_str(name, default=None, *, required=False):
    """Return the variable as a string, or the default when it is unset or empty."""
    value = _raw(name)
    if value is None:
        if required:
            raise ImproperlyConfigured(
                f"La variable d'environnement {name} est obligatoire (voir .env.example)."
            )
        return default
    return value


def env_bool(name, default):
    """Return the variable as a boolean; accept 1/0, true/false, yes/no, on/off."""
    value = _raw(name)
    if value is None:
        return default
    lowered = value.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name}={value!r} n'est pas un booléen : utilisez true ou false (ou 1/0, yes/no, on/off)."
    )


def env_int(name, default, *, minimum=None):
    """Return the variable as an integer, at least `minimum` when one is given."""
    value = _raw(name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} n'est pas un nombre entier.") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name}={number} doit être supérieur ou égal à {minimum}.")
    return number


def env_list(name, default):
    """Return the comma-separated variable as a list of non-empty, stripped items."""
    value = _raw(name)
    if value is None:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def env_url(name, default=None, *, required=False):
    """Return the variable as the address of a site, "https://host[:port][/path]", without
    its trailing slash; refuse another scheme, a missing host, a query or a fragment."""
    value = env_str(name, default, required=required)
    if value is None:
        return None
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query \
            or parts.fragment or any(character.isspace() for character in value):
        raise ImproperlyConfigured(
            f"{name}={value!r} n'est pas l'adresse d'un site : écrivez par exemple "
            "https://clusters.example.org (http ou https, sans ? ni #)."
        )
    return value.rstrip("/")
