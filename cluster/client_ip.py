"""Who is on the other end of a request: the client address and the sign-in name.

One source for the client address, used by sign-in throttling (django-axes) and by the
rate limits (event sign-ups, password resets): a client that sends its own
X-Forwarded-For must not escape them by inventing a new address at each request.
"""

import ipaddress

from django.conf import settings


def _valid(address):
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_ip(request):
    """Return the client's address, trusting X-Forwarded-For only as far as TRUSTED_PROXY_COUNT.

    Each trusted proxy appends the address it received the request from, so with N proxies
    the client is the N-th address from the right; anything further left was written by the
    client and is ignored. Without trusted proxies, the connection's address is the client.
    """
    remote = _valid(request.META.get("REMOTE_ADDR", "")) or "0.0.0.0"  # noqa: S104
    count = settings.TRUSTED_PROXY_COUNT
    if count == 0:
        return remote
    forwarded = [part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
                 if part.strip()]
    if len(forwarded) < count:
        # The request did not come through every proxy: only the connection is known.
        return remote
    return _valid(forwarded[-count]) or remote


def sign_in_username(request, credentials):
    """Return the e-mail address typed to sign in, as the account is found: case-insensitive.

    django-axes counts failures per this name, so "Ana@x.fr" and "ana@x.fr" share a count.
    """
    # Django's sign-in form (the site's and the admin's) names the field "username".
    username = (credentials or {}).get("username")
    if username is None and request is not None:
        username = request.POST.get("username")
    return username.strip().lower() if isinstance(username, str) else None
