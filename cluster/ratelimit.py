"""Rate limits counted in the cache, for pages as well as the API.

DRF's rate throttle does the counting (a sliding window of timestamps in the default
cache: Redis when REDIS_URL is set, so every web process shares the count). This module
only lets a caller choose what is counted: a client address, an e-mail address…
"""

import hashlib

from rest_framework.throttling import SimpleRateThrottle

from cluster.client_ip import client_ip


class ClientAddressThrottle(SimpleRateThrottle):
    """A DRF throttle keyed on the client address as cluster.client_ip finds it.

    DRF's own get_ident believes any X-Forwarded-For a client sends; this one trusts it
    only as far as TRUSTED_PROXY_COUNT.
    """

    def get_ident(self, request):
        return client_ip(request)


class KeyedRateThrottle(SimpleRateThrottle):
    """Allow `rate` requests (e.g. "5/hour") per value of `ident` within `scope`."""

    def __init__(self, *, scope, rate, ident):  # noqa: D107 - no rate lookup by scope
        self.scope = scope
        self.rate = rate
        self.num_requests, self.duration = self.parse_rate(rate)
        # Hashed: an e-mail address never lands in a cache key in clear.
        self.ident = hashlib.sha256(str(ident).encode()).hexdigest()

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.ident}


def within_rates(request, throttles):
    """Count the request against each throttle in turn; return the seconds to wait, or None.

    A throttle that refuses stops the count: the following ones are not charged.
    """
    for throttle in throttles:
        if not throttle.allow_request(request, None):
            return throttle.wait() or 0
    return None
