"""The national map and the home page's network on the demo, offline, at 320 px and on a
desktop: perimeters drawn, clusters and markers from the server, the list beside it."""

import os

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.test_offline_map import offline
from tests.conftest import FAST_PASSWORD_HASHERS

pytestmark = pytest.mark.browser


@pytest.fixture
def demo_site(live_server, settings, tmp_path, migration_rows):
    settings.MAP_TILE_URL = ""
    with override_settings(DEBUG=True, PASSWORD_HASHERS=FAST_PASSWORD_HASHERS,
                           MEDIA_ROOT=tmp_path):
        call_command("load_demo", verbosity=0)
    return live_server.url


def test_the_national_map_and_the_home_page_offline_on_a_phone_and_a_desktop(
        page, browser, demo_site):
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    outside = offline(page, demo_site)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(demo_site + reverse("national_map"))

    expect(page.locator("#map path.map-perimeter").first).to_be_attached()
    shown = page.locator("#map .map-marker, #map .map-cluster")
    expect(shown.first).to_be_visible()
    expect(page.locator("#map-status")).to_contain_text("dans cette vue de la carte")
    assert page.locator(".national-map-list li").count() == 50
    expect(page.get_by_role("link", name="Suivante")).to_be_visible()

    # A cluster is a button: from the keyboard, Enter zooms on it.
    cluster = page.locator("#map .map-cluster").first
    if cluster.count():
        zoom_before = page.evaluate("document.querySelector('#map-status').textContent")
        cluster.focus()
        page.keyboard.press("Enter")
        expect(page.locator("#map-status")).not_to_have_text(zoom_before)

    # Filtering by kind redraws the map with that kind only.
    page.select_option("#id_kind", "place")
    expect(page.locator("#map .map-marker-actor")).to_have_count(0)

    shot = os.environ.get("MAP_SCREENSHOT")
    for url in (reverse("national_map"), reverse("home")):
        narrow = browser.new_page(viewport={"width": 320, "height": 740}, locale="fr-FR")
        narrow.on("pageerror", lambda error: errors.append(str(error)))
        outside += offline(narrow, demo_site)
        narrow.goto(demo_site + url)
        expect(narrow.locator("#map .map-marker, #map .map-cluster").first).to_be_attached()
        expect(narrow.locator("#map path.map-perimeter").first).to_be_attached()
        assert narrow.evaluate("document.documentElement.scrollWidth") <= 320, url
        if shot:
            narrow.screenshot(path=f"{shot}-{url.strip('/') or 'home'}.png", full_page=True)
        narrow.close()

    page.goto(demo_site + reverse("home"))
    expect(page.get_by_role("heading", name="Le réseau des territoires")).to_be_visible()
    expect(page.get_by_text("Vague 1 : 20 territoires")).to_be_visible()
    expect(page.get_by_text("Vague 2 : 7 territoires")).to_be_visible()
    expect(page.locator("#map .map-marker, #map .map-cluster").first).to_be_visible()
    if shot:
        page.screenshot(path=f"{shot}-home-desktop.png", full_page=True)
    assert outside == []
    assert errors == []
