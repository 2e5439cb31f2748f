"""Property-based tests (Hypothesis) of the renderer: whatever staff write, the page gets
sanitised HTML, with no exception, within the deadline of the Hypothesis profile
(tests/conftest.py); the linear-time matching gives what the plain regexes define."""

import re
from datetime import timedelta
from html.parser import HTMLParser
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from treatments import markdown
from treatments.glossary import _matcher, link_glossary_terms
from treatments.limits import markdown_problem
from treatments.markdown import (
    ALLOWED_ATTRIBUTES,
    ALLOWED_TAGS,
    ALLOWED_URL_SCHEMES,
    TEMPLATE_ID_PREFIX,
    MarkdownTooComplex,
    french_typography,
    render_markdown,
)
from treatments.models import GlossaryTerm

HOSTILE_FRAGMENTS = [
    "<script>alert(1)</script>", "<SCRIPT SRC=//x.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>", '<a href="javascript:alert(1)">x</a>',
    "[x](javascript:alert(1))", "[x](JaVaScRiPt:alert(1))", "[x](java\tscript:alert(1))",
    '<a href="&#106;avascript:alert(1)">x</a>', '<a href="&#x6A;avascript:alert(1)">x</a>',
    "[x](&#106;avascript:alert(1))", "<a href='vbscript:msgbox(1)'>x</a>",
    '<a href="data:text/html,<script>alert(1)</script>">x</a>', "![x](javascript:alert(1))",
    "[x]: javascript:alert(1)\n\n[x]\n", '<p style="color:red">x</p>', "<style>p{}</style>",
    '<div onclick="alert(1)">x</div>', '<abbr title="x" onmouseover="alert(1)">y</abbr>',
    "<svg onload=alert(1)>", "<iframe src=//x.example></iframe>", "<form><input></form>",
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>', "<!-- x -->", "<![CDATA[x]]>",
    '<h2 id="page-main">x</h2>', '<h3 id="page-urgent-title">x</h3>', "## page main\n",
    "# Page-main\n", "### page\n", "<table><tr><td style=x>1</td></tr></table>",
]  # fmt: skip
MARKDOWN_FRAGMENTS = [
    "\n", "\n\n", "    ", "\t", "# ", "## ", "- ", "1. ", "> ", "| a | b |\n|---|---|\n| 1 | 2 |\n",
    "`code`", "```\ncode\n```\n", "**b**", "_i_", "[link](https://www.e-cancer.fr/)",
    "<https://x.example>", "<tel:15>", "---\n", "«\u00a0x\u00a0»", " ; ", " : ", " ! ", " ? ",
    "&amp;", "&#59;", "&", "<", ">", "«", "»", "\u00a0", "\u202f", "[", "]", "(", ")", "*", "_",
]  # fmt: skip
markdown_texts = st.lists(
    st.one_of(
        st.sampled_from(HOSTILE_FRAGMENTS),
        st.sampled_from(MARKDOWN_FRAGMENTS),
        st.text(max_size=12),
    ),
    max_size=16,
).map("".join)
# Only what matters to the typography: spaces, punctuation, tags and entities.
typography_texts = st.text(alphabet=" \u00a0\u202f;:!?«»<>&#/a1é\n", max_size=60)


class Elements(HTMLParser):
    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.elements = []  # (tag, {attribute: value}), values unescaped
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag


def assert_sanitised(html):
    allowed = {tag: set(ALLOWED_ATTRIBUTES.get(tag, ())) for tag in ALLOWED_TAGS}
    allowed["a"].add("rel")  # nh3's link_rel
    for tag, attributes in Elements(html).elements:
        assert tag in ALLOWED_TAGS, f"<{tag}> in {html!r}"
        assert set(attributes) <= allowed[tag], f"<{tag} {attributes}> in {html!r}"
        if "href" in attributes:  # as a browser reads it (WHATWG URL): trimmed, no tab, no newline
            href = re.sub(r"^[\x00-\x20]+|[\x00-\x20]+$|[\t\n\r]", "", attributes["href"] or "")
            scheme = re.match(r"([a-z][a-z0-9+.-]*):", href.lower())
            assert not scheme or scheme.group(1) in ALLOWED_URL_SCHEMES, href
        if "id" in attributes:
            assert not attributes["id"].startswith(TEMPLATE_ID_PREFIX), attributes
    lowered = html.lower()
    assert "<script" not in lowered and "<style" not in lowered


@given(text=markdown_texts, language=st.sampled_from(["fr", "en"]))
def test_any_markdown_gives_sanitised_html(text, language):
    assert_sanitised(render_markdown(text, language))


@given(text=st.text(max_size=200), language=st.sampled_from(["fr", "en"]))
def test_any_text_at_all_gives_sanitised_html(text, language):
    assert_sanitised(render_markdown(text, language))


# What Python-Markdown renders in quadratic time or worse, repeated thousands of times.
PATHOLOGICAL_FRAGMENTS = [
    "[", "](", "[](", "![", "[a](", "<a ", "*a", "**a", "_a", "\\", ">", "> x\n>", "- ", "1. ",
    "  - x\n", "`", "<", "&", "|", "(",
]  # fmt: skip
pathological_texts = st.tuples(
    st.lists(st.sampled_from(PATHOLOGICAL_FRAGMENTS), min_size=1, max_size=3),
    st.integers(min_value=1, max_value=20_000),
    markdown_texts,
).map(lambda drawn: (drawn[2] + "".join(drawn[0]) * drawn[1])[:200_000])


@settings(deadline=timedelta(seconds=5), max_examples=20)
@given(text=pathological_texts, language=st.sampled_from(["fr", "en"]))
def test_pathological_markdown_gives_sanitised_html_or_a_refusal_in_bounded_time(text, language):
    """Within the deadline: Python-Markdown's conversion is stopped after its CPU budget
    (a short one here, for the suite's time: the rule is tested in test_hostile_content)."""
    with mock.patch.object(markdown, "RENDER_CPU_SECONDS", 0.3):
        try:
            html = render_markdown(text, language)
        except MarkdownTooComplex:
            return
    assert_sanitised(html)


@pytest.mark.parametrize("text", ["1. " * 500, "<script>alert(1)</script>" + "1. " * 2000])
def test_markdown_nested_beyond_the_parser_s_stack_is_refused_not_a_crash(text):
    """Python-Markdown recurses once per level: 500 nested list items raised a
    RecursionError (a 500 in the admin, a traceback in load_content). It is refused as
    too complex, with the message editors and the loader show."""
    with pytest.raises(MarkdownTooComplex):
        render_markdown(text, "fr")
    assert "nested hundreds deep" in markdown_problem(text)


# French typography ---------------------------------------------------------------------------

SPACES = re.compile("[ \u00a0\u202f]")
# The definition, as first written (quadratic on long runs of spaces or of "<").
REFERENCE_TAG_OR_TEXT = re.compile(r"(<[^>]*>|&#?\w+;)")
REFERENCE_SPACES = [
    (re.compile(r"[ \u00a0\u202f]*([;!?])"), "\u202f\\1"),
    (re.compile(r"(?:(?<=\S)|^)[ \u00a0\u202f]*:(?=\s|$)"), "\u00a0:"),
    (re.compile(r"«[ \u00a0\u202f]*"), "«\u00a0"),
    (re.compile(r"[ \u00a0\u202f]*»"), "\u00a0»"),
]


def reference_typography(text):
    parts = REFERENCE_TAG_OR_TEXT.split(text)
    for index in range(0, len(parts), 2):
        for pattern, replacement in REFERENCE_SPACES:
            parts[index] = pattern.sub(replacement, parts[index])
    return "".join(parts)


@given(text=typography_texts)
def test_french_typography_gives_what_the_plain_regexes_define(text):
    assert french_typography(text) == reference_typography(text)


@given(text=st.one_of(typography_texts, markdown_texts, st.text()))
def test_french_typography_only_changes_spaces(text):
    assert SPACES.sub("", french_typography(text)) == SPACES.sub("", text)


# Glossary linking ----------------------------------------------------------------------------


def glossary_texts(glossary):
    """Text made of the glossary's forms and of their words, cased and joined in every
    way, with letters whose case folding is unusual (long s, Kelvin sign, dotted i)."""
    forms = sorted({form for entry in glossary for form in entry.forms})
    words = sorted({word for form in forms for word in form.split()})
    piece = st.sampled_from(forms) | st.sampled_from(words) | st.sampled_from(["ſ", "K", "İ", "ı"])
    case = st.sampled_from([str, str, str.lower, str.upper, str.title])
    separator = st.sampled_from([" ", "  ", "\u00a0", "\u202f", "-", "", "\n", ", ", "(", ")", "’"])
    pieces = st.lists(st.tuples(st.builds(lambda w, c: c(w), piece, case), separator), max_size=12)
    return pieces.map(lambda pairs: "".join(word + sep for word, sep in pairs))


@pytest.fixture(scope="module")
def glossaries(django_db_setup, django_db_blocker):
    """{language: (the published glossary, a strategy of texts made of its words)}"""
    with django_db_blocker.unblock():
        glossaries = {
            language: GlossaryTerm.objects.for_linking(language) for language in ("fr", "en")
        }
    return {
        language: (glossary, glossary_texts(glossary)) for language, glossary in glossaries.items()
    }


LANGUAGES = st.sampled_from(["fr", "en"])
SETTINGS = settings(suppress_health_check=[HealthCheck.function_scoped_fixture])


# Marked as database tests so that they run with them, before the transactional tests
# (pytest-django runs those after, then tests without the database) empty the tables.
@pytest.mark.django_db
@SETTINGS
@given(data=st.data(), language=LANGUAGES)
def test_glossary_matching_finds_what_the_one_regex_finds(glossaries, data, language):
    glossary, texts = glossaries[language]
    matcher = _matcher(tuple(glossary))
    text = data.draw(texts)
    fast = [(match.span(), match.lastgroup) for match in matcher.finditer(text)]
    rule = [(match.span(), match.lastgroup) for match in re.finditer(matcher.pattern, text)]
    assert fast == rule


GLOSS = re.compile(
    r'<span class="gloss"><a href="[^"]*" aria-describedby="([^"]*)">(.*?)</a>'
    r'<span id="[^"]*" role="tooltip">[^<]*</span></span>',
    re.S,
)
TAGS = st.sampled_from(["<p>", "</p>", "<h2>", "</h2>", '<a href="/x">', "</a>", "<em>", "</em>"])


@pytest.mark.django_db
@SETTINGS
@given(data=st.data(), language=LANGUAGES)
def test_glossary_linking_only_adds_each_definition_once(glossaries, data, language):
    glossary, texts = glossaries[language]
    html = "".join(data.draw(st.lists(TAGS | texts, max_size=10)))
    linked = link_glossary_terms(html, glossary)
    assert GLOSS.sub(r"\2", linked) == html
    ids = GLOSS.findall(linked)
    assert len({definition for definition, _text in ids}) == len(ids), "one definition a term"
