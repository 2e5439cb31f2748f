"""axe-core (vendored, never fetched) on every page type, both languages, both colour schemes.

Any violation of a WCAG 2.0, 2.1 or 2.2 rule at level A or AA fails the test.
Screenshots of each page type at 360 px and 1280 px go to screenshots/."""

from pathlib import Path

import pytest

from .conftest import DESKTOP, PHONE

pytestmark = pytest.mark.browser

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
PAGE_TYPES = {
    "home": ("/fr/", "/en/"),
    "therapy-list": ("/fr/traitements/", "/en/treatments/"),
    "therapy": (
        "/fr/traitements/allogreffe-de-cellules-souches/",
        "/en/treatments/allogeneic-stem-cell-transplant/",
    ),
    "guide": (
        "/fr/traitements/cellules-car-t/effets-indesirables/",
        "/en/treatments/car-t-cell-therapy/side-effects/",
    ),
    "guide-filtered": (
        "/fr/traitements/chimiotherapie/effets-indesirables/?when=long-term",
        "/en/treatments/chemotherapy/side-effects/?when=long-term",
    ),
    "side-effect": (
        "/fr/effets-indesirables/syndrome-de-relargage-des-cytokines/",
        "/en/side-effects/cytokine-release-syndrome/",
    ),
    "side-effect-list": ("/fr/effets-indesirables/", "/en/side-effects/"),
    "disease-list": ("/fr/maladies/", "/en/diseases/"),
    "disease": ("/fr/maladies/myelome-multiple/", "/en/diseases/multiple-myeloma/"),
    "glossary": ("/fr/glossaire/", "/en/glossary/"),
    "search": ("/fr/recherche/?q=greffe", "/en/search/?q=transplant"),
    "search-empty": ("/fr/recherche/?q=zzzz", "/en/search/?q="),
    "search-corrected": ("/fr/recherche/?q=radiot%C3%A9rapie", "/en/search/?q=chemoterapy"),
    "contact": ("/fr/contact/", "/en/contact/"),
    "article": ("/fr/essais-cliniques/", "/en/clinical-trials/"),
    "what-to-do": ("/fr/que-faire/", "/en/what-to-do/"),
    "what-to-do-answer": (
        "/fr/que-faire/?symptom=fever&treatment=car-t",
        "/en/what-to-do/?symptom=suicidal-thoughts",
    ),
    "404": ("/fr/traitements/inconnu/", "/en/treatments/unknown/"),
}
CASES = [
    pytest.param(path, id=f"{name}-{language}")
    for name, paths in PAGE_TYPES.items()
    for language, path in zip(("fr", "en"), paths, strict=True)
]


def axe_violations(page):
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
    )
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} — "
        + "; ".join(node["target"][0] for node in violation["nodes"][:5])
        for violation in result["violations"]
    ]


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", CASES)
def test_no_wcag_violation(browser, live_server, path, scheme):
    # bypass_csp lets axe's script in without weakening the site's policy.
    context = browser.new_context(color_scheme=scheme, viewport=DESKTOP, bypass_csp=True)
    page = context.new_page()
    page.goto(live_server.url + path)
    violations = axe_violations(page)
    context.close()
    assert not violations, "\n".join(violations)


# 320 px is also what a 1280 px window shows at 400 % zoom, 640 px at 200 %.
@pytest.mark.parametrize(
    "viewport", [{"width": 320, "height": 640}, PHONE, {"width": 640, "height": 800}, DESKTOP]
)
def test_every_page_type_reflows_and_stays_on_our_origin(browser, live_server, viewport):
    """No sideways scrolling, nothing fetched from another origin; and screenshots
    at 360 and 1280 px for people to look at."""
    screenshots = Path(__file__).parent / "screenshots"
    screenshots.mkdir(exist_ok=True)
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    for name, paths in PAGE_TYPES.items():
        for language, path in zip(("fr", "en"), paths, strict=True):
            page.goto(live_server.url + path)
            if viewport["width"] in (PHONE["width"], DESKTOP["width"]):
                picture = screenshots / f"{name}-{language}-{viewport['width']}.png"
                page.screenshot(path=picture, full_page=True)
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= viewport["width"], f"{path} scrolls sideways at {viewport['width']} px"
    context.close()
    foreign = [url for url in requested if not url.startswith(live_server.url)]
    assert not foreign, foreign


def test_the_audit_does_catch_violations(page):
    """The harness itself: a page with known faults must not pass."""
    page.set_content(
        '<html><body><img src="x.png"><a href="/"></a>'
        '<p style="color:#bbb;background:#fff">faint</p></body></html>'
    )
    found = " ".join(axe_violations(page))
    for rule in ("image-alt", "link-name", "color-contrast", "html-has-lang"):
        assert rule in found
