"""Key points on a phone: the block opens the treatment page, fits 360 px, and
stays visible in dark mode and when printed. Screenshots go to screenshots/."""

import pytest
from playwright.sync_api import expect

from .conftest import PHONE, screenshot

pytestmark = pytest.mark.browser

CAR_T = {
    "fr": ("/fr/traitements/cellules-car-t/", "L’essentiel"),
    "en": ("/en/treatments/car-t-cell-therapy/", "Key points"),
}


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("language", ["fr", "en"])
def test_key_points_open_the_treatment_page_on_a_phone(browser, live_server, language, scheme):
    path, heading = CAR_T[language]
    context = browser.new_context(viewport=PHONE, color_scheme=scheme)
    page = context.new_page()
    page.goto(live_server.url + path)
    block = page.locator("section.key-points")
    expect(block.get_by_role("heading", level=2)).to_have_text(heading)
    expect(block.locator("li")).to_have_count(5)
    # Nothing but the title, the summary and the review date comes before it.
    assert block.bounding_box()["y"] < page.locator("nav.toc").bounding_box()["y"]
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # It stands out: its own background, unlike the page's.
    background = block.evaluate("e => getComputedStyle(e).backgroundColor")
    page_background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background != page_background
    block.scroll_into_view_if_needed()
    screenshot(page, f"key-points-car-t-{language}-{scheme}-360")
    page.emulate_media(media="print")
    expect(block).to_be_visible()
    context.close()
