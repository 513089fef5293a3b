"""The navigation bar stays on one line when wide, folds into a menu when narrow."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

MEASURE = """() => {
  const box = (selector) => document.querySelector(selector)?.getBoundingClientRect();
  const controls = [...document.querySelectorAll("#menu a, #menu button, #menu input")]
    .filter((element) => element.offsetParent !== null);
  return {
    search: box("#q").width,
    account: box("#user-menu")?.height,
    signIn: box("#menu a.btn")?.height,
    right: Math.max(...controls.map((element) => element.getBoundingClientRect().right)),
    navbar: box("nav.navbar").height,
  };
}"""


def sign_in(page, live_server, user, password):
    page.goto(f"{live_server.url}/compte/connexion/")
    page.get_by_label("Adresse e-mail").fill(user.email)
    page.get_by_label("Mot de passe").fill(password)
    page.locator("main").get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", name="Bonjour Camille Martin")).to_be_visible()


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("signed_in", [True, False])
def test_at_1280_px_everything_fits_on_one_line(live_server, page, facilitator, password,
                                                language, signed_in):
    page.set_viewport_size({"width": 1280, "height": 800})
    if signed_in:
        sign_in(page, live_server, facilitator, password)
    page.context.add_cookies([{"name": "django_language", "value": language,
                               "url": live_server.url}])
    page.goto(live_server.url)
    sizes = page.evaluate(MEASURE)
    assert sizes["search"] >= 150  # a usable field, not a 26 px box
    assert sizes["right"] <= 1280 - 40  # inside the container, nothing pushed out
    assert sizes["navbar"] < 70  # one line
    if signed_in:
        assert sizes["account"] < 45  # "Camille Martin" on one line
    else:
        assert sizes["signIn"] < 40  # "Se connecter" / "Sign in" on one line


@pytest.mark.parametrize("width", [1024, 390])
def test_narrow_screens_fold_the_menu_behind_a_button(live_server, page, facilitator,
                                                       password, width):
    page.set_viewport_size({"width": width, "height": 800})
    sign_in(page, live_server, facilitator, password)
    search = page.get_by_role("searchbox", name="Rechercher un acteur, un lieu ou un territoire")
    expect(search.first).to_be_hidden()
    toggler = page.get_by_role("button", name="Ouvrir le menu")
    expect(toggler).to_have_attribute("aria-expanded", "false")
    toggler.click()
    expect(toggler).to_have_attribute("aria-expanded", "true")
    expect(page.get_by_role("link", name="Accueil")).to_have_attribute("aria-current", "page")
    page.get_by_role("button", name="Camille Martin").click()
    expect(page.get_by_role("link", name="Mon profil et mes jetons d'API").first).to_be_visible()
    sizes = page.evaluate(MEASURE)
    assert sizes["right"] <= width
    assert sizes["search"] >= 150


def test_keyboard_reaches_the_menu_in_reading_order(live_server, page, facilitator, password):
    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in(page, live_server, facilitator, password)
    order = []
    for _ in range(9):
        page.keyboard.press("Tab")
        order.append(page.evaluate(
            "() => document.activeElement.id || document.activeElement.textContent.trim()"))
    assert order[:9] == ["Aller au contenu", "Clusters d'innovation responsable", "Accueil",
                         "Clusters", "Territoires", "network-menu", "q", "user-menu",
                         "Langue — English"]
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Enter")  # opens the account menu
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()
    # The network's pages, grouped in one menu, open and are walked from the keyboard.
    page.keyboard.press("Escape")
    page.locator("#network-menu").focus()
    page.keyboard.press("Enter")
    menu = page.locator("#menu")
    for name in ("Tableau de bord du réseau", "Carte nationale", "Données ouvertes", "API"):
        page.keyboard.press("ArrowDown")
        expect(menu.get_by_role("link", name=name, exact=True)).to_be_focused()
