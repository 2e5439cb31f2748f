"""The steps at a glance: a column on a phone, rows on a desktop, for every treatment."""

import pytest
from django.utils.translation import override

from treatments.models import Therapy

from .conftest import DESKTOP, PHONE, SCREENSHOTS

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_each_treatment_s_timeline_fits_the_screen(browser, live_server, viewport):
    SCREENSHOTS.mkdir(exist_ok=True)
    page = browser.new_context(viewport=viewport).new_page()
    for language in ("fr", "en"):
        for therapy in Therapy.objects.published():
            page.goto(live_server.url + therapy_url(therapy, language))
            steps = page.locator(".timeline__step")
            first, second = steps.nth(0).bounding_box(), steps.nth(1).bounding_box()
            if viewport is PHONE:  # a column: one station under the other
                assert first["x"] == second["x"] and second["y"] > first["y"], therapy.key
            else:  # a row: side by side
                assert first["y"] == second["y"] and second["x"] > first["x"], therapy.key
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= viewport["width"], f"{therapy.key} scrolls sideways"
            picture = SCREENSHOTS / f"timeline-{therapy.key}-{language}-{viewport['width']}.png"
            page.locator(".timeline").screenshot(path=picture)
    page.context.close()


def therapy_url(therapy, language):
    with override(language):
        return therapy.get_absolute_url()
