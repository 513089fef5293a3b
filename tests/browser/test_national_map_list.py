"""The list beside the national map follows the map's view, on a desktop and at 320 px,
and keeps the keyboard's focus where a person left it."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.test_national_map import demo_site  # noqa: F401
from tests.browser.test_offline_map import offline

pytestmark = pytest.mark.browser


def number(text):
    found = re.search(r"\d[\d\u202f\xa0]*", text)
    return int(re.sub(r"\D", "", found.group())) if found else 0


def in_view_counts(page):
    """The number of items the map says it draws, and the number the list says it holds."""
    map_text = page.locator("#map-status").text_content()
    list_text = page.locator("#map-list-count").text_content()
    return number(map_text), number(list_text)


def shown(page):
    return page.locator("#map-list").get_attribute("data-shown")


def click_and_wait(page, selector):
    """Click a zoom button without moving the focus; wait until the list shows the new view."""
    before = shown(page)
    page.locator(selector).dispatch_event("click")
    page.wait_for_function(
        "(before) => document.getElementById('map-list').dataset.shown !== before", arg=before)
    wait_for_the_list(page)


def wait_for_the_list(page):
    expect(page.locator("#map-list-count")).to_contain_text("dans cette vue de la carte")
    page.wait_for_function(
        "() => { const m = document.querySelector('#map-status').textContent.match(/\\d+/);"
        " const l = document.querySelector('#map-list-count').textContent.match(/\\d+/);"
        " return (m ? m[0] : '0') === (l ? l[0] : '0'); }")


@pytest.mark.parametrize("width", [1280, 320])
def test_the_list_follows_the_map_and_keeps_the_focus(page, demo_site, width):  # noqa: F811
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    outside = offline(page, demo_site)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(demo_site + reverse("national_map"))
    wait_for_the_list(page)
    at_france, listed = in_view_counts(page)
    assert at_france == listed > 50
    assert page.locator(".national-map-list li").count() == 50

    # Zooming in (the button, as a mouse would, without moving the focus): fewer items,
    # the same on the map and in the list.
    for _ in range(3):
        click_and_wait(page, ".leaflet-control-zoom-in")
    closer, listed = in_view_counts(page)
    assert closer == listed < at_france

    # A list link under the focus keeps it when the map moves and the link stays.
    first_link = page.locator(".national-map-list a").first
    first_link.focus()
    href = first_link.get_attribute("href")
    click_and_wait(page, ".leaflet-control-zoom-out")
    focused = page.evaluate("document.activeElement.getAttribute('href') || "
                            "document.activeElement.id")
    assert focused in (href, "map-list-title")
    assert page.evaluate("document.getElementById('map-list').contains(document.activeElement)")

    # Back to France: the next page, from the keyboard, puts the focus on the list's title.
    for _ in range(2):
        click_and_wait(page, ".leaflet-control-zoom-out")
    first_name = page.locator(".national-map-list a").first.text_content()
    next_link = page.locator("#map-list").get_by_role("link", name="Suivante")
    next_link.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#map-list").get_by_text(re.compile(r"Page 2 sur \d+"))).to_be_visible()
    expect(page.locator("#map-list-title")).to_be_focused()
    assert page.locator(".national-map-list a").first.text_content() != first_name
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('#map-list') !== null")

    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert outside == []
    assert errors == []
