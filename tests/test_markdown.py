"""Staff Markdown can never put script into a patient's page."""

import pytest

from treatments.markdown import french_typography, render_markdown

from .builders import make_therapy

HOSTILE = [
    "<script>alert(1)</script>",
    '<img src="x" onerror="alert(1)">',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    '<a href="javascript:alert(1)">click</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<iframe src="https://evil.example"></iframe>',
    '<p style="background:url(javascript:alert(1))">x</p>',
    "<svg><script>alert(1)</script></svg>",
    '<div onclick="alert(1)">x</div>',
    "<form action=/steal><input name=q></form>",
    '<h2 id="main">clobber</h2>',
    '<object data="evil.swf"></object>',
    "![x](https://tracker.example/pixel.gif)",
]


@pytest.mark.parametrize("source", HOSTILE)
def test_hostile_markdown_is_defused(source):
    html = render_markdown(source, "en").lower()
    for forbidden in (
        "<script", "javascript:", "onerror", "onclick", "<iframe", "style=",
        "<svg", "<form", "<input", "data:", 'id="main"', "<object", "<img",
    ):  # fmt: skip
        assert forbidden not in html, f"{forbidden!r} survived in {html!r}"


def test_ordinary_markdown_keeps_its_structure():
    html = render_markdown(
        "# Title\n\n## Qu’est-ce que c’est ?\n\nA [link](https://www.e-cancer.fr/).\n\n"
        "- one\n- two\n\n| a | b |\n|---|---|\n| 1 | 2 |",
        "en",
    )
    assert "<h1" not in html, "the page title is the only h1"
    assert '<h2 id="title">Title</h2>' in html
    assert '<h2 id="quest-ce-que-cest">' in html
    assert '<a href="https://www.e-cancer.fr/" rel="noopener noreferrer">link</a>' in html
    assert "<li>one</li>" in html
    assert "<th>a</th>" in html


def test_french_text_gets_non_breaking_spaces():
    assert french_typography("Pourquoi ? Voici : « oui » ; non !") == (
        "Pourquoi\u202f? Voici\u00a0: «\u00a0oui\u00a0»\u202f; non\u202f!"
    )
    # After a closing parenthesis, a guillemet or bold text too.
    assert french_typography("<strong>Fièvre</strong> : appelez (ICANS) : « oui » : non") == (
        "<strong>Fièvre</strong>\u00a0: appelez (ICANS)\u00a0: «\u00a0oui\u00a0»\u00a0: non"
    )
    assert "</strong>\u00a0: appelez" in render_markdown("- **Fièvre** : appelez", "fr")
    # Tags, entities, times and addresses are left alone.
    assert french_typography('<a href="https://x.fr/?q=1">à 10:30 &amp; plus</a>') == (
        '<a href="https://x.fr/?q=1">à 10:30 &amp; plus</a>'
    )


def test_english_text_keeps_its_spaces():
    assert render_markdown("Why? Here: yes.", "en") == "<p>Why? Here: yes.</p>"


@pytest.mark.django_db
def test_hostile_markdown_never_reaches_the_page(client):
    therapy = make_therapy(
        body_en="## Attack\n\n<script>alert(1)</script>\n\n[x](javascript:alert(1)) "
        '<img src=x onerror="alert(1)">',
        daily_life_en="<iframe src=//evil.example></iframe>",
    )
    html = client.get(f"/en/treatments/{therapy.slug_en}/").content.decode().lower()
    assert "alert(1)" not in html.replace("&lt;script&gt;alert(1)&lt;/script&gt;", "")
    assert "<iframe" not in html and "javascript:" not in html and "onerror" not in html
