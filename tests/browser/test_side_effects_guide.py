"""The side-effects guides in Chromium: on a phone, and printed as an A4 handout."""

import pytest
from django.utils.translation import override
from playwright.sync_api import expect

from treatments.models import Therapy

from .conftest import PHONE, SCREENSHOTS, screenshot

pytestmark = pytest.mark.browser


def guide_path(key, language):
    with override(language):
        return Therapy.objects.working().get(key=key).get_side_effects_url()


def test_every_guide_fits_a_phone_without_sideways_scrolling(page, live_server):
    page.set_viewport_size(PHONE)
    for key in Therapy.objects.values_list("key", flat=True):
        for language in ("fr", "en"):
            page.goto(live_server.url + guide_path(key, language))
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= PHONE["width"], f"{key} ({language}) is {width} px wide"
    screenshot(page, "guide-allograft-en-360")


def test_printing_a_guide_gives_a_clean_a4_handout(page, live_server):
    page.goto(live_server.url + guide_path("chemotherapy", "fr"))
    page.emulate_media(media="print")
    for hidden in (".site-header", ".site-nav", ".timing-filter", ".breadcrumbs"):
        expect(page.locator(hidden)).to_be_hidden()
    urgent = page.locator(".urgent").first
    expect(urgent).to_be_visible()
    expect(page.locator("h1")).to_contain_text("Chimiothérapie")
    header = page.locator(".print-header")
    expect(header).to_be_visible()
    expect(header).to_contain_text(live_server.url + guide_path("chemotherapy", "fr"))
    expect(header).to_contain_text("15")
    expect(header).to_contain_text("112")
    expect(page.locator(".review-date").first).to_contain_text("relecture médicale en attente")
    # The warning box comes before the first side effect on the page.
    first_effect = page.locator(".effect").first
    assert urgent.bounding_box()["y"] < first_effect.bounding_box()["y"]

    pdf = page.pdf(format="A4", print_background=True)
    assert pdf.startswith(b"%PDF")
    SCREENSHOTS.mkdir(exist_ok=True)
    (SCREENSHOTS / "guide-chemotherapy-fr.pdf").write_bytes(pdf)


def test_the_print_button_appears_with_javascript(page, live_server):
    page.goto(live_server.url + guide_path("car-t", "en"))
    expect(page.get_by_role("button", name="Print this guide")).to_be_visible()
