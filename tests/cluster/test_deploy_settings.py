"""Production defaults: HTTPS only, secure cookies, HSTS, a Content-Security-Policy."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]

# The variables README.md and .env.example give for production.
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "example.org",
    "SITE_URL": "https://example.org",
}


def clean_env(**variables):
    """The environment without the test run's own settings (pytest-env), plus `variables`."""
    env = {name: value for name, value in os.environ.items()
           if name not in {"DEBUG", "SECRET_KEY", "SECURE_COOKIES", "SECURE_SSL_REDIRECT",
                           "SECURE_HSTS_SECONDS", "ALLOWED_HOSTS", "MAP_TILE_URL",
                           "BEHIND_HTTPS_PROXY", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE",
                           "SITE_URL"}}
    return {**env, **variables}


def settings_of(names, **variables):
    code = ("import json, django; from django.conf import settings; django.setup(); "
            f"print(json.dumps({{n: getattr(settings, n) for n in {names!r}}}, default=str))")
    result = subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60,
        env=clean_env(DJANGO_SETTINGS_MODULE="cluster.settings", **variables))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_deploy_check_passes_with_the_documented_production_variables():
    result = subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=clean_env(**PRODUCTION), capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_is_https_only_by_default():
    values = settings_of(["SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE",
                          "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS",
                          "SECURE_PROXY_SSL_HEADER"], **PRODUCTION)
    assert values == {"SECURE_SSL_REDIRECT": True, "SESSION_COOKIE_SECURE": True,
                      "CSRF_COOKIE_SECURE": True, "SECURE_HSTS_SECONDS": 31536000,
                      "SECURE_HSTS_INCLUDE_SUBDOMAINS": True, "SECURE_PROXY_SSL_HEADER": None}
    behind_proxy = settings_of(["SECURE_PROXY_SSL_HEADER"], BEHIND_HTTPS_PROXY="true",
                               **PRODUCTION)
    assert behind_proxy["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]


def test_a_plain_http_trial_turns_https_off():
    values = settings_of(["SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE"],
                         SECURE_SSL_REDIRECT="false", SECURE_COOKIES="false", **PRODUCTION)
    assert values == {"SECURE_SSL_REDIRECT": False, "SESSION_COOKIE_SECURE": False}
    debug = settings_of(["SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "SECURE_HSTS_SECONDS"],
                        DEBUG="true")
    assert debug == {"SECURE_SSL_REDIRECT": False, "SESSION_COOKIE_SECURE": False,
                     "SECURE_HSTS_SECONDS": 0}


def test_the_policy_lets_the_map_tiles_in():
    policy = settings_of(["CONTENT_SECURITY_POLICY"], DEBUG="true",
                         MAP_TILE_URL="https://{s}.tile.example.org/{z}/{x}/{y}.png")
    assert policy["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]["img-src"] == [
        "'self'", "data:", "https://*.tile.example.org"]


def directives(policy):
    """Return a Content-Security-Policy as {directive: its sources}."""
    pairs = (part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    return {name: sources for name, sources in pairs}


@pytest.mark.django_db
def test_pages_send_the_security_headers(client, settings):
    response = client.get(reverse("home"))
    # Directives in any order: django-csp does not keep one.
    policy = directives(response["Content-Security-Policy"])
    assert policy["default-src"] == policy["script-src"] == policy["style-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert response["X-Frame-Options"] == "DENY"
    # Only the API docs allow Swagger UI's inline styles.
    docs = client.get(reverse("api:docs"))
    assert directives(docs["Content-Security-Policy"])["style-src"] == "'self' 'unsafe-inline'"
    assert "<script>" not in docs.content.decode()


@pytest.mark.django_db
def test_plain_http_is_sent_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    response = client.get(reverse("home"))
    assert response.status_code == 301
    assert response.url == "https://testserver/"
    secure = client.get(reverse("home"), secure=True)
    assert secure.status_code == 200
    assert secure["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
