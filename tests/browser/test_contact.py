"""The service's numbers, once set: tappable on a phone, accessible, in both colour schemes."""

import pytest

from ..test_care_service import make_service
from .conftest import DESKTOP, PHONE, screenshot
from .test_accessibility import axe_violations

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_numbers_are_links_on_the_contact_page_and_in_the_warning_box(
    browser, live_server, viewport, scheme
):
    make_service()
    context = browser.new_context(viewport=viewport, color_scheme=scheme, bypass_csp=True)
    page = context.new_page()
    for path in ("/fr/contact/", "/en/treatments/car-t-cell-therapy/"):
        page.goto(live_server.url + path)
        ward = page.locator("a[href='tel:0142160000']").first
        assert ward.is_visible() and ward.inner_text() == "01 42 16 00 00"
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= viewport["width"], f"{path} scrolls sideways"
        violations = axe_violations(page)
        assert not violations, "\n".join(violations)
        if scheme == "light":
            screenshot(page, f"contact-{path.split('/')[1]}-{viewport['width']}")
    context.close()
