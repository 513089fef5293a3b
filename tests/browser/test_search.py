"""The search on a phone: results with their reasons and the next page, no sideways scroll."""

import pytest
from playwright.sync_api import expect

from territories.models import Actor, Theme

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_search_fits_a_phone_and_pages_on(live_server, page, migration_rows, territory_a,
                                              tmp_path):
    food = Theme.objects.filter(slug="alimentation-durable")
    for number in range(25):
        actor = Actor.objects.create(
            territory=territory_a, name=f"Épicerie coopérative n°{number:02}", is_published=True,
            description="Une très longue description sans espace : " + "x" * 120)
        actor.themes.set(food)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/recherche/?q=alimentation")
    expect(page.get_by_role("link", name="Voir les 25 résultats : Acteurs")).to_be_visible()
    expect(page.locator("mark").first).to_have_text("Alimentation")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_role("link", name="Voir les 25 résultats : Acteurs").click()
    page.get_by_role("link", name="Page 2").click()
    expect(page.get_by_text("Page 2 sur 2")).to_be_visible()
    expect(page.get_by_role("link", name="Épicerie coopérative n°24")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(tmp_path / "search-390.png"), full_page=True)
