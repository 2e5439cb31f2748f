""" "I have a symptom: what do I do?" in Chromium: by keyboard alone, on a phone
and a desktop, and printed on one A4 page."""

import re

import pytest
from playwright.sync_api import expect

from .conftest import DESKTOP, PHONE, SCREENSHOTS, screenshot

pytestmark = pytest.mark.browser

PAGE = {"fr": "/fr/que-faire/", "en": "/en/what-to-do/"}


def pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?!s)", pdf))


@pytest.mark.parametrize("language", ["fr", "en"])
def test_keyboard_only_choose_a_symptom_and_read_the_answer(page, live_server, language):
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + PAGE[language])
    labels = {
        "fr": ("Que remarquez-vous", "Votre traitement", "Fièvre de 38 °C ou plus",
               "Cellules CAR-T", "Voir quoi faire", "de jour comme de nuit"),
        "en": ("What do you notice", "Your treatment", "Fever of 38 °C or more",
               "CAR-T cell therapy", "Show what to do", "day or night"),
    }[language]  # fmt: skip
    symptom_label, treatment_label, fever, car_t, submit, tier_words = labels
    # Tab from the top of the page until the symptom list has the focus.
    symptom = page.get_by_label(symptom_label)
    for _ in range(40):
        page.keyboard.press("Tab")
        if symptom.evaluate("element => element === document.activeElement"):
            break
    else:
        pytest.fail("the symptom list cannot be reached with Tab")
    symptom.select_option(label=fever)  # what the arrow keys do on a focused <select>
    page.keyboard.press("Tab")
    treatment = page.get_by_label(treatment_label)
    assert treatment.evaluate("element => element === document.activeElement")
    treatment.select_option(label=car_t)
    page.keyboard.press("Tab")
    button = page.get_by_role("button", name=submit)
    assert button.evaluate("element => element === document.activeElement")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"symptom=fever&treatment=car-t"))
    answer = page.locator(".answer")
    expect(answer).to_be_visible()
    expect(answer.locator(".answer__tier")).to_contain_text(tier_words)
    # On a phone, the answer's tier is on the first screens, not far below.
    assert answer.bounding_box()["y"] < 2 * PHONE["height"]
    screenshot(page, f"what-to-do-answer-{language}-360")


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["360", "1280"])
def test_the_page_fits_the_screen(page, live_server, viewport):
    page.set_viewport_size(viewport)
    for language in ("fr", "en"):
        page.goto(live_server.url + PAGE[language])
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= viewport["width"], f"{language}: {width} px wide"
        screenshot(page, f"what-to-do-{language}-{viewport['width']}")


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("query", ["", "?symptom=fever&treatment=car-t"], ids=["table", "answer"])
def test_printed_on_one_a4_page(page, live_server, language, query):
    page.goto(live_server.url + PAGE[language] + query)
    page.emulate_media(media="print")
    expect(page.locator(".triage-form")).to_be_hidden()
    pdf = page.pdf(format="A4", print_background=True)
    SCREENSHOTS.mkdir(exist_ok=True)
    name = "table" if not query else "answer"
    (SCREENSHOTS / f"what-to-do-{name}-{language}.pdf").write_bytes(pdf)
    assert pdf_pages(pdf) == 1
