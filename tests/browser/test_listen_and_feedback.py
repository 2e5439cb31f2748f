"""Issue 16 in Chromium: "Listen to this page" (speech synthesis stubbed: the test
records what the page asks of it) and "Was this page helpful?" with and without script;
no CSP violation, axe clean."""

import pytest
from playwright.sync_api import expect

from feedback.models import Answer

from .conftest import DESKTOP
from .test_accessibility import axe_violations

pytestmark = pytest.mark.browser

THERAPY = {"fr": "/fr/traitements/cellules-car-t/", "en": "/en/treatments/car-t-cell-therapy/"}
GUIDE = "/en/treatments/car-t-cell-therapy/side-effects/"
SIDE_EFFECT = "/fr/effets-indesirables/syndrome-de-relargage-des-cytokines/"

# A speechSynthesis that records the calls and lets the test end an utterance.
SPEECH_STUB = """
window.__speech = {calls: [], said: []};
Object.defineProperty(window, "speechSynthesis", {configurable: true, value: {
  speak(u) { __speech.calls.push("speak"); __speech.said.push(u); },
  pause() { __speech.calls.push("pause"); },
  resume() { __speech.calls.push("resume"); },
  cancel() { __speech.calls.push("cancel"); },
}});
"""
NO_SPEECH = 'Object.defineProperty(window, "speechSynthesis", {value: undefined});'
# Every CSP violation the page meets, as the browser reports it.
CSP_WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation",
  (e) => __violations.push(e.violatedDirective + " " + e.blockedURI));
"""


@pytest.fixture
def open_page(browser, live_server):
    contexts = []

    def make(path, *scripts, **options):
        context = browser.new_context(viewport=DESKTOP, **options)
        contexts.append(context)
        page = context.new_page()
        page.console_errors = []
        page.on("console", lambda m: m.type == "error" and page.console_errors.append(m.text))
        for script in (CSP_WATCH, *scripts):
            page.add_init_script(script)
        page.goto(live_server.url + path)
        return page

    yield make
    for context in contexts:
        context.close()


def no_csp_violation(page):
    assert page.evaluate("__violations") == []
    assert not [text for text in page.console_errors if "Content Security Policy" in text]


def said(page, index):
    return page.evaluate(
        f"({{text: __speech.said[{index}].text, lang: __speech.said[{index}].lang}})"
    )


@pytest.mark.parametrize(("language", "voice"), [("fr", "fr-FR"), ("en", "en-GB")])
def test_listen_reads_the_page_in_its_language_with_pause_resume_and_stop(
    open_page, language, voice
):
    page = open_page(THERAPY[language], SPEECH_STUB)
    names = {
        "fr": ("Écouter cette page", "Mettre en pause", "Reprendre", "Arrêter la lecture"),
        "en": ("Listen to this page", "Pause", "Resume", "Stop reading"),
    }[language]
    start, pause, resume, stop = (page.get_by_role("button", name=name) for name in names)
    expect(start).to_be_visible()
    expect(pause).to_be_hidden()

    # Keyboard: the button is a button (Enter starts it).
    start.focus()
    page.keyboard.press("Enter")
    assert page.evaluate("__speech.calls") == ["cancel", "speak"]
    first = said(page, 0)
    assert first["lang"] == voice
    # The first block is read first, and highlighted once it is spoken.
    page.evaluate("__speech.said[0].onstart()")
    current = page.locator(".listen-current")
    expect(current).to_have_count(1)
    assert current.inner_text().strip() == first["text"].strip()
    # Its end starts the next block, highlighted in its turn.
    page.evaluate("__speech.said[0].onend(); __speech.said[1].onstart()")
    expect(current).to_have_count(1)
    assert current.inner_text().strip() == said(page, 1)["text"].strip() != first["text"]
    assert said(page, 1)["lang"] == voice
    assert page.locator("h1").inner_text() in page.evaluate(
        "__speech.said.map((u) => u.text).join(' ')"
    )
    # The highlight is seen: another background than the page's.
    background = current.evaluate("(e) => getComputedStyle(e).backgroundColor")
    assert background not in ("rgba(0, 0, 0, 0)", "transparent")

    expect(pause).to_be_focused()
    page.keyboard.press("Space")
    expect(resume).to_be_visible()
    expect(resume).to_be_focused()
    expect(pause).to_be_hidden()
    resume.click()
    expect(pause).to_be_visible()
    stop.click()
    assert page.evaluate("__speech.calls") == [
        "cancel", "speak", "speak", "pause", "resume", "cancel"
    ]  # fmt: skip
    expect(current).to_have_count(0)
    expect(start).to_be_visible()
    expect(start).to_be_focused()
    expect(stop).to_be_hidden()
    # An utterance ending after the stop starts nothing.
    page.evaluate("__speech.said[1].onend()")
    assert page.evaluate("__speech.said.length") == 2
    # Navigation, sources and the buttons themselves are not read.
    page.evaluate("__speech.calls = []")
    start.click()
    page.evaluate(
        "for (let i = 0; i < 400 && __speech.calls.at(-1) === 'speak'; i++)"
        " __speech.said.at(-1).onend()"
    )
    texts = " ".join(page.evaluate("__speech.said.map((u) => u.text)"))
    assert names[0] not in texts and page.locator("#page-toc-title").inner_text() not in texts
    assert page.locator("#page-sources-title").inner_text() not in texts
    expect(start).to_be_visible()  # read to the end: back to the start
    no_csp_violation(page)


def test_french_shown_on_an_english_page_is_read_with_a_french_voice(open_page):
    """Where the English is missing, the page shows the French marked lang="fr"."""
    page = open_page(THERAPY["en"], SPEECH_STUB)
    page.evaluate("document.querySelector('article').lang = 'fr'")
    page.get_by_role("button", name="Listen to this page").click()
    assert said(page, 0)["lang"] == "fr-FR"


@pytest.mark.parametrize("path", [THERAPY["en"], GUIDE, SIDE_EFFECT])
def test_listen_is_hidden_where_the_browser_cannot_speak(open_page, path):
    page = open_page(path, NO_SPEECH)
    expect(page.locator("[data-listen]")).to_be_hidden()
    expect(page.locator("[data-listen] button").first).to_be_hidden()
    no_csp_violation(page)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_listen_controls_and_the_feedback_form_have_no_wcag_violation(open_page, scheme):
    page = open_page(GUIDE, SPEECH_STUB, color_scheme=scheme, bypass_csp=True)
    page.get_by_role("button", name="Listen to this page").click()
    page.evaluate("__speech.said[0].onstart()")  # a block highlighted, pause and stop shown
    violations = axe_violations(page)
    assert not violations, "\n".join(violations)


@pytest.mark.parametrize(
    ("language", "thanks"),
    [
        ("fr", "Merci\u00a0: votre réponse a bien été enregistrée."),
        ("en", "Thank you: your answer has been recorded."),
    ],
)
def test_feedback_is_sent_in_place_with_javascript(open_page, language, thanks):
    page = open_page(THERAPY[language])
    form = page.locator(".feedback form")
    form.get_by_label("Non" if language == "fr" else "No").check()
    page.locator("#feedback-comment").fill("<b>Trop</b> long")
    form.get_by_role("button").click()
    expect(page.locator("#feedback-thanks")).to_have_text(thanks)
    expect(page.locator("#feedback-thanks")).to_be_focused()
    expect(form).to_be_hidden()
    assert page.url == page.context.pages[0].url  # no navigation
    answer = Answer.objects.get()
    assert (answer.kind, answer.key, answer.language, answer.helpful) == (
        "therapy", "car-t", language, False
    )  # fmt: skip
    assert answer.comment == "<b>Trop</b> long"
    assert page.context.cookies() == []
    no_csp_violation(page)


def test_a_double_click_sends_one_answer(open_page):
    page = open_page(THERAPY["en"])
    form = page.locator(".feedback form")
    form.get_by_label("Yes").check()
    form.get_by_role("button").dblclick()
    expect(page.locator("#feedback-thanks")).to_be_focused()
    assert Answer.objects.count() == 1


def test_feedback_is_sent_without_javascript(open_page, live_server):
    page = open_page(SIDE_EFFECT, java_script_enabled=False)
    expect(page.locator("#feedback-thanks")).to_be_hidden()
    form = page.locator(".feedback form")
    form.get_by_label("Oui").check()
    form.get_by_role("button").click()
    expect(page).to_have_url(live_server.url + SIDE_EFFECT + "#feedback-thanks")
    expect(page.locator("#feedback-thanks")).to_be_visible()
    expect(page.locator("#feedback-thanks")).to_have_text(
        "Merci\u00a0: votre réponse a bien été enregistrée."
    )
    expect(form).to_be_hidden()
    assert Answer.objects.get().kind == "side-effect"
    assert page.context.cookies() == []


def test_a_refused_answer_shows_why_in_the_language(open_page):
    """Where the page cannot thank in place, the form is sent as without script."""
    page = open_page(THERAPY["en"])
    form = page.locator(".feedback form")
    form.get_by_label("Yes").check()
    page.evaluate("document.querySelector('[name=page]').value = 'therapy:nothing'")
    form.get_by_role("button").click()
    expect(page.locator("h1")).to_have_text("Your answer could not be sent")
    assert not Answer.objects.exists()
