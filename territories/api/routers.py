"""The router of every app's API: ids are numbers and slugs are slugs in the addresses.

DRF's own router takes anything between two slashes as an id, so `/api/defis/abc/`
reached the view and failed there; with these patterns it is a 404 of the URL resolver,
before any query is built with it. It lives on the ground floor so that every app may use it.
"""

from rest_framework.routers import SimpleRouter

ID_PATTERN = "[0-9]+"
SLUG_PATTERN = "[-a-zA-Z0-9_]+"


class Router(SimpleRouter):
    def get_lookup_regex(self, viewset, lookup_prefix=""):
        if getattr(viewset, "lookup_value_regex", None):
            return super().get_lookup_regex(viewset, lookup_prefix)
        lookup_field = getattr(viewset, "lookup_field", "pk")
        return self._base_pattern.format(
            lookup_prefix=lookup_prefix,
            lookup_url_kwarg=getattr(viewset, "lookup_url_kwarg", None) or lookup_field,
            lookup_value=ID_PATTERN if lookup_field in ("pk", "id") else SLUG_PATTERN,
        )
