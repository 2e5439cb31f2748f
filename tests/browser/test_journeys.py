"""The patient journeys of the portal, in Chromium, on a phone and on a desktop."""

import pytest
from playwright.sync_api import expect

from .conftest import DESKTOP, PHONE, screenshot

pytestmark = pytest.mark.browser

VIEWPORTS = pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])


@pytest.fixture
def new_page(browser):
    contexts = []

    def make(viewport, locale="fr-FR"):
        context = browser.new_context(viewport=viewport, locale=locale)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def tab_to(page, name, limit=150):
    """Presses Tab until the focused element's text is `name` (keyboard only)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.textContent.trim()")
        if focused == name:
            outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
            assert outline != "none", f"no visible focus on {name!r}"
            return
    raise AssertionError(f"{name!r} cannot be reached with the Tab key")


@VIEWPORTS
def test_find_what_to_do_about_a_fever_after_car_t_then_read_it_in_french(
    new_page, live_server, viewport
):
    page = new_page(viewport, locale="en-GB")
    page.goto(live_server.url + "/")
    expect(page).to_have_url(live_server.url + "/en/")
    page.get_by_role("link", name="CAR-T cell therapy").click()
    page.get_by_role("link", name="The side-effects guide of CAR-T cell therapy").first.click()
    expect(page.locator("h1")).to_have_text("Side effects: CAR-T cell therapy")
    urgent = page.get_by_role("complementary", name="When to call at once")
    expect(urgent).to_contain_text("Fever of 38 °C or more")
    expect(urgent).to_contain_text("Call your care team now, day or night")
    crs = page.locator("#page-effect-cytokine-release-syndrome")
    expect(crs).to_contain_text("fever")
    # The row's own tier first, then its warning signs from the triage table.
    expect(crs.locator(".action").first).to_have_text("Call your care team now, day or night")
    screenshot(page, f"journey-fever-en-{viewport['width']}")

    page.get_by_role("navigation", name="Language").get_by_role("link", name="Français").click()
    expect(page).to_have_url(
        live_server.url + "/fr/traitements/cellules-car-t/effets-indesirables/"
    )
    expect(page.locator("h1")).to_have_text("Effets indésirables\u00a0: Cellules CAR-T")


@VIEWPORTS
def test_keyboard_only_from_home_to_graft_versus_host_disease(new_page, live_server, viewport):
    page = new_page(viewport)
    page.goto(live_server.url + "/fr/")
    tab_to(page, "Aller au contenu principal")
    page.keyboard.press("Enter")
    tab_to(page, "Allogreffe de cellules souches")
    page.keyboard.press("Enter")
    expect(page).to_have_url(live_server.url + "/fr/traitements/allogreffe-de-cellules-souches/")
    tab_to(page, "Principaux effets indésirables")  # the "on this page" list
    page.keyboard.press("Enter")
    expect(page).to_have_url(
        live_server.url + "/fr/traitements/allogreffe-de-cellules-souches/#page-side-effects"
    )
    tab_to(page, "Réaction aiguë du greffon contre l\u2019hôte (GVH aiguë)")
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_contain_text("greffon contre l\u2019hôte")
    screenshot(page, f"journey-keyboard-gvh-fr-{viewport['width']}")


@VIEWPORTS
def test_a_browser_asking_for_french_lands_on_the_french_home(new_page, live_server, viewport):
    page = new_page(viewport, locale="fr-FR")
    page.goto(live_server.url + "/")
    expect(page).to_have_url(live_server.url + "/fr/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("h1")).to_have_text("Comprendre votre traitement")
