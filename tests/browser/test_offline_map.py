"""The demo's flagship map, with tiles off and every outside request refused: all its actors
and places placed, its communes drawn, a marker reached and opened from the keyboard."""

import os
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from playwright.sync_api import expect

from tests.conftest import FAST_PASSWORD_HASHERS

pytestmark = pytest.mark.browser

FLAGSHIP = "aix-marseille-provence"


@pytest.fixture
def flagship_map(live_server, settings, tmp_path, migration_rows):
    settings.MAP_TILE_URL = ""
    with override_settings(DEBUG=True, PASSWORD_HASHERS=FAST_PASSWORD_HASHERS,
                           MEDIA_ROOT=tmp_path):
        call_command("load_demo", verbosity=0)
    return live_server.url + reverse("territories:map", args=[FLAGSHIP])


def offline(page, base):
    """Refuse, and record, every request to another host than the live server."""
    outside = []
    host = urlsplit(base).netloc

    def route(route):
        if urlsplit(route.request.url).netloc not in (host, ""):
            outside.append(route.request.url)
            route.abort()
        else:
            route.continue_()

    page.route("**/*", route)
    return outside


def test_the_flagship_map_places_everything_offline_and_opens_from_the_keyboard(
        page, browser, flagship_map):
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    outside = offline(page, flagship_map)
    # The view's reload (by box and zoom, after the first fit) made slow, as on a busy server:
    # it lands while the keyboard user is on a marker, who must keep their place.
    page.add_init_script("""window.fetch = (fetch => function (url, options) {
      if (!String(url).includes("bbox=")) { return fetch(url, options); }
      return new Promise(resolve => setTimeout(resolve, 1000)).then(() => fetch(url, options));
    })(window.fetch);""")
    page.goto(flagship_map)

    listed = page.locator(".map-list li a").all_inner_texts()
    assert len(listed) == 10  # 7 actors and 3 places
    markers = page.locator("#map .map-marker")
    expect(markers).to_have_count(len(listed))
    assert sorted(markers.evaluate_all("els => els.map(el => el.title)")) == sorted(listed)
    expect(page.locator("#map-status")).to_have_text(
        f"{len(listed)} éléments localisés sur la carte.")
    expect(page.locator("#map path.map-perimeter")).to_have_count(1)
    expect(page.get_by_role("button", name="Zoom avant", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Zoom arrière", exact=True)).to_be_visible()

    # Tab from the top of the page to the first marker: visible focus, Enter opens it.
    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('map-marker')"):
            break
    focused = page.locator("#map .map-marker:focus")
    expect(focused).to_have_count(1)
    assert focused.evaluate("el => getComputedStyle(el).outlineStyle") == "solid"
    name = focused.get_attribute("title")
    page.keyboard.press("Enter")
    popup = page.locator(".leaflet-popup-content")
    expect(popup).to_contain_text(name)
    page.wait_for_timeout(1500)  # the slow reload has landed
    expect(popup).to_contain_text(name)
    page.keyboard.press("Escape")
    expect(page.locator(".leaflet-popup")).to_have_count(0)
    expect(page.locator(f"#map .map-marker[title=\"{name}\"]")).to_be_focused()

    # A place, placed at its arrondissement's town hall, says so.
    place = page.locator("#map .map-marker[title='Friche la Belle de Mai']")
    place.focus()
    page.keyboard.press("Enter")
    expect(popup).to_contain_text("position approximative : la commune")

    shot = os.environ.get("MAP_SCREENSHOT")
    narrow = browser.new_page(viewport={"width": 390, "height": 844}, locale="fr-FR")
    outside += offline(narrow, flagship_map)
    narrow.goto(flagship_map)
    expect(narrow.locator("#map path.map-perimeter")).to_have_count(1)
    expect(narrow.locator("#map .leaflet-marker-icon").first).to_be_visible()
    assert narrow.evaluate("document.documentElement.scrollWidth") <= 390
    if shot:
        narrow.locator("#map").scroll_into_view_if_needed()
        narrow.screenshot(path=shot, full_page=True)
    narrow.close()
    assert outside == []
    assert errors == []
