"""Redis, the cache of rate limits, is down: nothing answers 500, the limits fail open."""

import socket
import time

import pytest
from django.core.cache import caches
from django.urls import reverse
from django.utils.module_loading import import_string

from cluster.cache import TolerantRedisCache
from projects.models import Registration
from tests.projects.factories import EventFactory

BACKEND = "cluster.cache.TolerantRedisCache"


@pytest.fixture
def closed_port_url():
    """The address of a loopback port nobody listens on: Redis is down."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"redis://127.0.0.1:{port}/0"


def test_the_cache_answers_as_an_empty_one_at_once_while_redis_is_down(closed_port_url,
                                                                       caplog):
    cache = TolerantRedisCache(closed_port_url, {
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}})
    calls = {
        "get": (lambda: cache.get("compteur", "rien"), "rien"),
        "set": (lambda: cache.set("compteur", 1), False),
        "add": (lambda: cache.add("compteur", 1), False),
        "delete": (lambda: cache.delete("compteur"), False),
        "get_many": (lambda: cache.get_many(["a", "b"]), {}),
        "has_key": (lambda: cache.has_key("compteur"), False),
    }
    for name, (call, expected) in calls.items():
        started = time.monotonic()
        assert call() == expected, name
        assert time.monotonic() - started < 2, f"{name} a attendu Redis"
    started = time.monotonic()
    with pytest.raises(ValueError, match="not found"):
        cache.incr("compteur")  # as for a key that is not there
    assert time.monotonic() - started < 2
    warnings = [r for r in caplog.records if r.name == "cluster.cache"]
    assert len(warnings) == len(calls) + 1  # one line per call…
    assert not any(r.exc_info for r in warnings)  # …and no traceback


@pytest.mark.django_db
def test_with_the_cache_down_sign_ups_and_password_resets_still_go_through(
        client, settings, closed_port_url, member_a):
    # Replaces the locmem cache of tests/conftest.py; the settings fixture's setting_changed
    # signal drops the cache handlers, so DRF's throttles meet the unreachable Redis.
    settings.CACHES = {"default": {"BACKEND": BACKEND, "LOCATION": closed_port_url,
                                   "OPTIONS": {"socket_connect_timeout": 1,
                                               "socket_timeout": 1}}}
    assert isinstance(caches["default"], import_string(BACKEND))
    event = EventFactory(is_published=True, capacity=50)

    api = client.post(reverse("api:event-registrations", args=[event.pk]),
                      {"name": "Inès Moreau", "email": "ines@exemple.fr"},
                      content_type="application/json")
    assert api.status_code == 201
    page = client.post(reverse("projects:event_public", args=[event.slug]),
                       {"name": "Thomas Garcia", "email": "thomas@exemple.fr"})
    assert page.status_code == 302
    assert Registration.objects.filter(event=event).count() == 2

    reset = client.post(reverse("password_reset"), {"email": member_a.email})
    assert reset.status_code == 302
