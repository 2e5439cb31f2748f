"""Each treatment's sheet prints on exactly one A4 page, in both languages, with the
style sheet's margins and with a browser's usual ones; it reads on a phone too."""

import re

import pytest
from django.utils.translation import override

from treatments.models import Therapy

from .conftest import PHONE, SCREENSHOTS, screenshot
from .test_accessibility import axe_violations

pytestmark = pytest.mark.browser

BROWSER_MARGINS = {"top": "1cm", "bottom": "1cm", "left": "1cm", "right": "1cm"}


def pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?!s)", pdf))


def sheet_url(therapy, language):
    with override(language):
        return therapy.get_sheet_url()


def test_every_sheet_prints_on_one_a4_page(page, live_server):
    SCREENSHOTS.mkdir(exist_ok=True)
    for language in ("fr", "en"):
        for therapy in Therapy.objects.published():
            page.goto(live_server.url + sheet_url(therapy, language))
            for margins in (None, BROWSER_MARGINS):
                options = {"margin": margins} if margins else {}
                pdf = page.pdf(format="A4", print_background=True, **options)
                assert pdf_pages(pdf) == 1, (therapy.key, language, margins)
            (SCREENSHOTS / f"sheet-{therapy.key}-{language}.pdf").write_bytes(pdf)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_sheet_reads_on_a_phone_and_passes_axe(browser, live_server, language):
    context = browser.new_context(viewport=PHONE, bypass_csp=True)
    page = context.new_page()
    page.goto(live_server.url + sheet_url(Therapy.objects.published().get(key="car-t"), language))
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"]
    assert not axe_violations(page)
    screenshot(page, f"sheet-car-t-{language}-360")
    context.close()
