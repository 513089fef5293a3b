"""SITE_URL builds every absolute link read away from the site: e-mails, iCal feeds, PDFs."""

import io
import re
import shutil
import subprocess
import sys

import pytest
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from cluster.credentials import ical_token
from cluster.env import env_url
from cluster.masterplan import preview_snapshot
from cluster.masterplan_document import render_html, write_pdf
from tests.cluster.test_deploy_settings import PRODUCTION, ROOT, clean_env, settings_of
from tests.helpers import page_text

SITE = "https://clusters.exemple.fr"

needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                     reason="pdftotext (poppler-utils) reads the PDFs")


@pytest.fixture
def site(settings):
    settings.SITE_URL = SITE
    return SITE


@pytest.mark.parametrize(("raw", "expected"), [
    ("https://clusters.exemple.fr", "https://clusters.exemple.fr"),
    ("https://clusters.exemple.fr/", "https://clusters.exemple.fr"),
    ("  http://127.0.0.1:8000  ", "http://127.0.0.1:8000"),
    ("https://exemple.fr/clusters/", "https://exemple.fr/clusters"),
])
def test_env_url_reads_a_site_address(monkeypatch, raw, expected):
    monkeypatch.setenv("ADDRESS", raw)
    assert env_url("ADDRESS") == expected


@pytest.mark.parametrize("raw", [
    "clusters.exemple.fr", "ftp://clusters.exemple.fr", "https://", "https://exemple.fr/?a=1",
    "https://exemple.fr/#haut", "https://exemple .fr", "javascript:alert(1)", "https:///chemin",
])
def test_env_url_refuses_what_is_not_a_site_address(monkeypatch, raw):
    monkeypatch.setenv("ADDRESS", raw)
    with pytest.raises(ImproperlyConfigured, match="n'est pas l'adresse d'un site"):
        env_url("ADDRESS")


def test_production_requires_site_url_and_debug_defaults_to_localhost():
    without = {name: value for name, value in PRODUCTION.items() if name != "SITE_URL"}
    result = subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "-c", "import django; django.setup()"], cwd=ROOT,
        capture_output=True, text=True, timeout=60,
        env=clean_env(DJANGO_SETTINGS_MODULE="cluster.settings", **without))
    assert result.returncode != 0
    assert "SITE_URL est obligatoire" in result.stderr
    assert settings_of(["SITE_URL"], **PRODUCTION) == {"SITE_URL": "https://example.org"}
    assert settings_of(["SITE_URL"], DEBUG="true") == {"SITE_URL": "http://127.0.0.1:8000"}
    assert settings_of(["SITE_URL"], DEBUG="true", SITE_URL="https://a.fr/") == {
        "SITE_URL": "https://a.fr"}


@pytest.mark.django_db
def test_the_password_reset_email_links_to_site_url(client, site, member_a,
                                                    django_capture_on_commit_callbacks):
    """The request comes to "testserver"; the e-mail still points to SITE_URL."""
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("password_reset"), {"email": member_a.email})
    body = mail.outbox[0].body
    assert "testserver" not in body
    link = re.search(re.escape(SITE) + r"(/\S+)", body)
    assert link is not None
    assert client.get(link.group(1), follow=True).context["validlink"]


@pytest.mark.django_db
def test_the_ical_feed_and_its_subscription_link_use_site_url(client, site, member_a, cluster):
    client.force_login(member_a)
    page = page_text(client.get(reverse("cluster_dashboard", args=[cluster.pk])))
    assert f'href="{SITE}/clusters/{cluster.pk}/jalons.ics?jeton=' in page
    feed = Client().get(reverse("milestones_ical", args=[cluster.pk]),
                        {"jeton": ical_token(member_a, cluster)})
    events = Calendar.from_ical(feed.content).walk("VEVENT")
    assert events
    assert all(str(event["URL"]).startswith(f"{SITE}/clusters/{cluster.pk}/etapes/")
               for event in events)


@needs_pdftotext
@pytest.mark.django_db
def test_the_master_plan_pdf_links_to_site_url(site, cluster):
    target = io.BytesIO()
    write_pdf(render_html(preview_snapshot(cluster), draft=True), target)
    text = subprocess.run(["pdftotext", "-", "-"], input=target.getvalue(),  # noqa: S607
                          capture_output=True, check=True).stdout.decode()
    assert f"{SITE}/territoires/{cluster.territory.slug}/" in text
