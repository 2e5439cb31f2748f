"""One urgency per symptom, on every page a patient reads, in both languages.

Every page of the sitemap (home, lists, treatments, their side-effects guides,
side effects, diseases, glossary) is rendered with the test client; its visible
text is cut into sentences. No sentence may give fever, heavy bleeding,
breathlessness at rest, confusion or suicidal thoughts a deferred tier ("dans
la journée", "next visit"…), and every passage that mentions suicidal thoughts
gives 3114 and 15 or 112. A side-effect row counts as one sentence: its name
(and the page's title) with the tier it is given.

Both languages' patterns are applied to every page: a page shown in French for
want of a translation is checked too.
"""

import re
from html import unescape
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.django_db

# Everyday words for the symptoms that are never deferred. A negation ("sans
# fièvre", "without a fever") or another illness ("fièvre jaune") is no mention.
URGENT = {
    "fever": r"(?<!sans )(?<!pas de )(?<!no )(?<!without )(?<!without a )(?<!yellow )(?<!hay )"
    r"\b(?:fièvre|fever)(?! jaune)|\bfébrile|\bfebrile",
    "heavy bleeding": r"saignements? (?:très )?(?:abondants?|importants?|graves?)"
    r"|saignements? qui ne s'arrêtent? pas|hémorragie|saign\w* beaucoup|heavy bleeding"
    r"|bleeding heavily|severe bleeding|bleeding that (?:will not|won't|does not|doesn't|"
    r"cannot|can't) stop|ha?emorrhage",
    "breathlessness at rest": r"(?:essouffl|respir|breath)[^.;]{0,40}\b(?:au repos|at rest)\b"
    r"|\b(?:au repos|at rest)\b[^.;]{0,30}(?:essouffl|respir|breath)"
    r"|(?:grande |grave )?difficulté à respirer|gêne respiratoire (?:importante|sévère)"
    r"|(?:du )?mal à respirer|(?:great|severe) difficulty breathing|struggling to breathe"
    r"|lèvres (?:qui )?(?:deviennent |virent )?bleues|lips (?:turn )?blue",
    "confusion": r"\bconfus|\bdésorient|\bdisorient",
    "suicidal thoughts": r"suicid|idées (?:noires|de mort)|envie de (?:vous|se|me) "
    r"(?:faire du mal|tuer)|thoughts of (?:death|dying|ending|harming|hurting)"
    r"|(?:harm|hurt)(?:ing)? yourself|dark thoughts|end(?:ing)? your life",
}
URGENT_PATTERNS = {name: re.compile(pattern) for name, pattern in URGENT.items()}
# What puts off the call: a tier below "now, day or night". "Plusieurs fois dans
# la journée" counts, it does not defer.
DEFERRED = re.compile(
    r"(?<!fois )dans la journée|\bjour même|prochaine (?:consultation|visite)"
    r"|prochain rendez-vous|dans les (?:24|48) ?h|\ble lendemain|same day|\btoday\b"
    r"|next (?:visit|appointment|consultation|check-?up)|within (?:24|48) hours|next day"
)
# "Sans attendre la prochaine visite", "do not wait until the next day" defer nothing.
NOT_WAITING = re.compile(r"(?:sans attendre|n'attendez pas|do not wait|don't wait|never wait)\W+$")
SUICIDE_LINE = re.compile(r"\b3114\b")
EMERGENCY_NUMBER = re.compile(r"\b(?:15|112)\b")

BLOCKS = {
    "p", "li", "td", "th", "dt", "dd", "h1", "h2", "h3", "h4", "div", "section", "article",
    "aside", "header", "footer", "nav", "ul", "ol", "dl", "table", "tr", "br", "main",
    "blockquote", "title", "figcaption", "form", "label", "button", "option",
}  # fmt: skip
INVISIBLE = {"script", "style", "head", "template", "noscript"}


class TextBlocks(HTMLParser):
    """The visible text of a page, one entry per block (paragraph, list item, cell…)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks, self.current, self.hidden = [], [], 0

    def end_block(self):
        text = " ".join("".join(self.current).split())
        if text:
            self.blocks.append(text)
        self.current = []

    def handle_starttag(self, tag, attrs):
        if tag in INVISIBLE:
            self.hidden += 1
        elif tag in BLOCKS:
            self.end_block()

    def handle_endtag(self, tag):
        if tag in INVISIBLE:
            self.hidden = max(0, self.hidden - 1)
        elif tag in BLOCKS:
            self.end_block()

    def handle_data(self, data):
        if not self.hidden:
            self.current.append(data)


def normalise(text):
    """Lower case, plain spaces and apostrophes: what the patterns expect."""
    text = re.sub(r"[\u00a0\u202f\u2009]", " ", text).replace("\u2019", "'")
    return text.lower()


def blocks_of(html):
    parser = TextBlocks()
    parser.feed(html)
    parser.end_block()
    return parser.blocks


def sentences_of(block):
    """A block's sentences; a semicolon starts a new one ("…; call 15 for…")."""
    return [s for s in re.split(r"(?<=[.!?])\s+|\s*;\s*", block) if s.strip()]


def row_units(html):
    """Each side-effect row as one sentence: the page title, the row's name, its tier."""
    title = " ".join(blocks_of("".join(re.findall(r"<h1[^>]*>.*?</h1>", html, re.S))))
    rows = re.findall(
        r'<h3 class="effect__name">(.*?)</h3>.*?<span class="action action--[\w-]+">(.*?)</span>',
        html,
        re.S,
    )
    return [f"{title} — {unescape(re.sub(r'<[^>]+>', ' ', name))} — {tier}" for name, tier in rows]


def urgent_symptoms(sentence):
    return [name for name, pattern in URGENT_PATTERNS.items() if pattern.search(sentence)]


def defers(sentence):
    return any(
        not NOT_WAITING.search(sentence[: match.start()])
        for match in DEFERRED.finditer(sentence)
    )


def wording_problems(html):
    """What a page says wrongly about urgent symptoms, one line per sentence."""
    problems = []
    blocks = blocks_of(html)
    for sentence in [s for block in blocks for s in sentences_of(block)] + row_units(html):
        text = normalise(sentence)
        symptoms = urgent_symptoms(text)
        if symptoms and defers(text):
            problems.append(f"defers {', '.join(symptoms)}: {sentence}")
    for block in blocks:
        text = normalise(block)
        if URGENT_PATTERNS["suicidal thoughts"].search(text) and not (
            SUICIDE_LINE.search(text) and EMERGENCY_NUMBER.search(text)
        ):
            problems.append(f"suicidal thoughts without 3114 and 15/112: {block}")
    return problems


def public_pages(client):
    """Every address of the sitemap, in both languages (it lists each one's alternate)."""
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    urls = re.findall(r"<loc>(.*?)</loc>|<xhtml:link[^>]*href=\"(.*?)\"", response.content.decode())
    paths = sorted({urlsplit(loc or href).path for loc, href in urls})
    assert {"/fr/", "/en/"} <= set(paths)
    return paths


def test_no_page_defers_an_urgent_symptom(client):
    pages = public_pages(client)
    # Every kind of page is there: treatments, guides, side effects, diseases, glossary.
    for segment in ("/fr/traitements/", "/en/treatments/", "/effets-indesirables/",
                    "/side-effects/", "/fr/maladies/", "/en/diseases/", "/fr/glossaire/",
                    "/en/glossary/"):  # fmt: skip
        assert any(segment in path for path in pages), segment
    found = []
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        found += [f"{path}: {problem}" for problem in wording_problems(response.content.decode())]
    assert not found, "\n".join(found)


@pytest.mark.parametrize(
    "html",
    [
        "<p>Toux, fièvre ou essoufflement à l’effort : appelez le service dans la journée.</p>",
        "<li>Si vous avez des idées noires, appelez le jour même, ou le 15 en cas d’urgence.</li>",
        "<p>Fever: call the team the same day if your white cells are normal.</p>",
        "<p>Heavy bleeding: mention it at your next visit.</p>",
        "<p>Du mal à respirer au repos\u00a0: appelez dans la journée.</p>",
        "<p>New confusion: call your care team today.</p>",
        "<p>Thoughts of harming yourself: call 15 or 112, day or night.</p>",
        '<h1>Fièvre et symptômes grippaux</h1><ul><li class="effect effect--call-today">'
        '<h3 class="effect__name"><a href="#">Immunothérapie</a></h3>'
        '<p class="effect__action"><span class="label">Que faire :</span>'
        '<span class="action action--call-today">Appelez l’équipe soignante dans la journée'
        "</span></p></li></ul>",
    ],
)
def test_the_check_finds_deferred_or_incomplete_advice(html):
    assert wording_problems(html)


@pytest.mark.parametrize(
    "html",
    [
        "<p>Fièvre de 38 °C ou plus : appelez tout de suite l’équipe, de jour comme de nuit ;"
        " une toux sans fièvre : appelez dans la journée.</p>",
        "<p>Des idées de mort : appelez le 3114 ou le 15, de jour comme de nuit.</p>",
        "<p>Prenez votre température plusieurs fois dans la journée si vous avez de la fièvre.</p>",
        "<p>A lump that grows: see your doctor; do not wait for the next visit.</p>",
        "<p>Vaccin contre la fièvre jaune : demandez à la prochaine consultation.</p>",
        "<p>If you have thoughts of suicide, call 3114 or 112 at once, day or night.</p>",
    ],
)
def test_the_check_accepts_correct_advice(html):
    assert not wording_problems(html)
