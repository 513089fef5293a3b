"""Sign and send the funders' webhooks, and check where they may go.

Each delivery is a POST of a small JSON event::

    {"id": "…uuid…", "type": "dossier.submitted", "created_at": "2027-03-09T09:00:00+01:00",
     "data": {"dossier_id": 42, "call": "territoire-french-impact", "status": "depose",
              "url": "https://…/api/instruction/dossiers/42/"}}

with the headers `X-Cluster-Event` (the type), `X-Cluster-Delivery` (the event's id, the
same on every attempt: a receiver skips an id it already handled) and
`X-Cluster-Signature: t=<unix time>,v1=<hex>`, where `v1` is the HMAC-SHA256, keyed with
the endpoint's secret, of `"<t>.<body>"`. A receiver checks it with `verify_signature`,
which it may copy as is::

    import hashlib, hmac, time

    def verify_signature(secret, header, body, tolerance=300):
        if isinstance(body, str):
            body = body.encode()
        parts = dict(item.split("=", 1) for item in header.split(",") if "=" in item)
        try:
            timestamp = int(parts["t"])
        except (KeyError, ValueError):
            return False
        if abs(time.time() - timestamp) > tolerance:
            return False
        expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + body,
                            hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected, parts.get("v1", ""))

    # In a Django view: verify_signature(SECRET, request.headers["X-Cluster-Signature"],
    #                                    request.body)

Where deliveries may go (server-side request forgery): HTTPS only, unless DEBUG; the host
is resolved when sending, and every address it resolves to must be public: private,
loopback, link-local, multicast, reserved and unspecified addresses are refused, IPv4
and IPv6 alike, IPv4 inside IPv6 (mapped, NAT64, 6to4, Teredo) included, unless
WEBHOOKS_ALLOW_PRIVATE is true (tests, DEBUG). The connection then goes to the address
that was checked, never to a second resolution (no DNS rebinding in between); the TLS
certificate is still checked against the host's name. Redirects are not followed.
"""

import hashlib
import hmac
import ipaddress
import socket
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx
from django.conf import settings
from django.utils.translation import gettext as _

from cluster.errors import DomainError

SIGNATURE_HEADER = "X-Cluster-Signature"
EVENT_HEADER = "X-Cluster-Event"
DELIVERY_HEADER = "X-Cluster-Delivery"
USER_AGENT = "Clusters-Webhooks/1.0"
TIMEOUT = httpx.Timeout(connect=3.0, read=5.0, write=5.0, pool=3.0)
MAX_URL_LENGTH = 500

# IPv6 prefixes that carry an IPv4 address in their last 32 bits (NAT64).
NAT64 = ipaddress.ip_network("64:ff9b::/96")


def sign(secret, body, timestamp):
    """Return the signature header's value for `body` (bytes) sent at `timestamp`."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body,
                      hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify_signature(secret, header, body, tolerance=300):
    """Return whether `header` signs `body` with `secret`, less than `tolerance` s ago.

    `body` is the raw request body (bytes or str), never a re-encoded JSON.
    """
    if isinstance(body, str):
        body = body.encode()
    parts = dict(item.split("=", 1) for item in (header or "").split(",") if "=" in item)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs(time.time() - timestamp) > tolerance:
        return False
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + body,
                        hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, parts.get("v1", ""))


# Where deliveries may go -----------------------------------------------------------------

def is_public_address(address):
    """Return whether the IP address (text or object) is one a webhook may reach."""
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address):
        ip = _embedded_ipv4(ip) or ip
    return ip.is_global and not (ip.is_private or ip.is_loopback or ip.is_link_local
                                 or ip.is_multicast or ip.is_reserved or ip.is_unspecified)


def _embedded_ipv4(ip):
    """Return the IPv4 address an IPv6 one carries (mapped, 6to4, Teredo, NAT64), if any."""
    if ip.ipv4_mapped:
        return ip.ipv4_mapped
    if ip.sixtofour:
        return ip.sixtofour
    if ip.teredo:
        return ip.teredo[1]
    if ip in NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def private_allowed():
    return bool(getattr(settings, "WEBHOOKS_ALLOW_PRIVATE", False))


def check_url(url):
    """Refuse, with a French message, an address the platform will not send to.

    Checked when an endpoint is saved; the host's addresses are checked again when
    sending, since a name may resolve elsewhere by then.
    """
    if not isinstance(url, str) or not url.strip():
        raise DomainError(_("Saisissez l'adresse du webhook."), code="invalid_url", field="url")
    if len(url) > MAX_URL_LENGTH:
        raise DomainError(_("L'adresse du webhook dépasse %(max)s caractères.")
                          % {"max": MAX_URL_LENGTH}, code="invalid_url", field="url")
    if any(ord(char) < 33 for char in url):
        raise DomainError(_("L'adresse du webhook contient des caractères interdits."),
                          code="invalid_url", field="url")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise DomainError(_("Saisissez une adresse web valide, par exemple "
                            "https://exemple.fr/webhooks."), code="invalid_url",
                          field="url") from None
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise DomainError(_("Saisissez une adresse web valide, par exemple "
                            "https://exemple.fr/webhooks."), code="invalid_url", field="url")
    if parts.scheme != "https" and not settings.DEBUG:
        raise DomainError(_("Le webhook doit utiliser HTTPS : l'adresse commence par "
                          "https://."), code="https_required", field="url")
    if parts.username or parts.password:
        raise DomainError(_("L'adresse du webhook ne doit pas contenir d'identifiant ni de "
                            "mot de passe."), code="invalid_url", field="url")
    if port == 0:
        raise DomainError(_("Saisissez une adresse web valide, par exemple "
                            "https://exemple.fr/webhooks."), code="invalid_url", field="url")
    try:
        literal = ipaddress.ip_address(parts.hostname)
    except ValueError:
        literal = None
    if literal is not None and not private_allowed() and not is_public_address(literal):
        raise DomainError(_("Cette adresse est privée ou réservée : le webhook doit être "
                            "joignable sur Internet."), code="private_address", field="url")
    return url


class Refused(Exception):
    """The delivery was not sent: the address is not allowed or cannot be resolved."""


def resolve(host, port):
    """Return the one address to connect to, after checking every address of the host."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise Refused(_("Nom d'hôte introuvable : %(host)s") % {"host": host}) from error
    addresses = [info[4][0].split("%", 1)[0] for info in infos]
    if not addresses:
        raise Refused(_("Nom d'hôte introuvable : %(host)s") % {"host": host})
    if not private_allowed():
        for address in addresses:
            if not is_public_address(address):
                raise Refused(_("Adresse refusée, privée ou réservée : %(address)s")
                              % {"address": address})
    return addresses[0]


# Sending ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Outcome:
    """What one attempt gave: an HTTP status, or the error that stopped it."""

    status_code: int | None = None
    error: str = ""

    @property
    def ok(self):
        return self.status_code is not None and 200 <= self.status_code < 300


def send(*, url, secret, body, event_type, event_id):
    """POST `body` (bytes) to `url`, signed; return its Outcome, never raise.

    The response's body is not read; its status alone counts (2xx: delivered).
    """
    try:
        check_url(url)
    except DomainError as error:
        return Outcome(error=str(error.message))
    try:
        target = httpx.URL(url)
        host = target.raw_host.decode("ascii")  # an international name in its IDNA form
    except (httpx.InvalidURL, UnicodeError) as error:
        return Outcome(error=f"{type(error).__name__}: {error}"[:500])
    port = target.port or (443 if target.scheme == "https" else 80)
    try:
        address = resolve(host, port)
    except Refused as error:
        return Outcome(error=str(error))
    headers = {
        "Host": target.netloc.decode("ascii"),
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        EVENT_HEADER: event_type,
        DELIVERY_HEADER: str(event_id),
        SIGNATURE_HEADER: sign(secret, body, int(time.time())),
    }
    try:
        with httpx.Client(timeout=TIMEOUT, follow_redirects=False, trust_env=False) as client:
            request = client.build_request("POST", target.copy_with(host=address),
                                           headers=headers, content=body,
                                           extensions={"sni_hostname": host})
            response = client.send(request, stream=True)
            response.close()
    except httpx.TimeoutException as error:
        return Outcome(error=_("Délai dépassé (%(kind)s)") % {"kind": type(error).__name__})
    except httpx.HTTPError as error:
        return Outcome(error=f"{type(error).__name__}: {error}"[:500])
    return Outcome(status_code=response.status_code)
