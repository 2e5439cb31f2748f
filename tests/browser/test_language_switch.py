"""A first journey in Chromium: a treatment page on a phone, in both languages."""

import pytest
from playwright.sync_api import expect

from .conftest import DESKTOP, PHONE, screenshot

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_switching_language_on_a_treatment_page_keeps_the_treatment(page, live_server, viewport):
    page.set_viewport_size(viewport)
    page.goto(f"{live_server.url}/fr/traitements/cellules-car-t/")
    expect(page.locator("h1")).to_have_text("Cellules CAR-T")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    screenshot(page, f"therapy-car-t-fr-{viewport['width']}")
    # Nothing is wider than the phone's screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]

    page.get_by_role("navigation", name="Langue").get_by_role("link", name="English").click()

    expect(page).to_have_url(f"{live_server.url}/en/treatments/car-t-cell-therapy/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text("CAR-T cell therapy")
    screenshot(page, f"therapy-car-t-en-{viewport['width']}")

    page.get_by_role("navigation", name="Language").get_by_role("link", name="Français").click()
    expect(page).to_have_url(f"{live_server.url}/fr/traitements/cellules-car-t/")


def test_a_browser_asking_for_english_lands_on_the_english_home(browser, live_server):
    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(f"{live_server.url}/en/")
    expect(page.locator("h1")).to_have_text("Understanding your treatment")
    screenshot(page, "home-en-1280")
    context.close()
