"""Figures in a real Chromium: axe clean in both colour schemes, never wider
than the column, loaded from our own origin; screenshots at 360 and 1280 px."""

import pytest

from .conftest import DESKTOP, PHONE, screenshot
from .test_accessibility import axe_violations

pytestmark = pytest.mark.browser

PAGES = {
    "car-t-fr": "/fr/traitements/cellules-car-t/",
    "central-line-problems-en": "/en/side-effects/central-line-problems/",
}


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", PAGES.values(), ids=PAGES.keys())
def test_pages_with_figures_have_no_wcag_violation(browser, live_server, path, scheme):
    context = browser.new_context(color_scheme=scheme, viewport=DESKTOP, bypass_csp=True)
    page = context.new_page()
    page.goto(live_server.url + path)
    assert page.locator("figure.figure img").count() >= 1
    violations = axe_violations(page)
    context.close()
    assert not violations, "\n".join(violations)


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["360", "1280"])
def test_figures_fit_the_column_and_load(browser, live_server, viewport):
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    for name, path in PAGES.items():
        page.goto(live_server.url + path)
        images = page.locator("figure.figure img")
        for index in range(images.count()):
            image = images.nth(index)
            image.scroll_into_view_if_needed()
            image.evaluate("img => img.decode()")  # loaded (lazy), and a real image
            box = image.bounding_box()
            column = image.evaluate("img => img.closest('.prose').getBoundingClientRect().width")
            assert box["width"] <= column + 0.5, f"{path}: a figure is wider than its column"
            assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"]
        screenshot(page, f"figures-{name}-{viewport['width']}")
    context.close()
