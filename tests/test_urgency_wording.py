"""One urgency per symptom, on every page a patient reads, in both languages.

Every page of the sitemap (home, lists, treatments, their side-effects guides,
side effects, diseases, glossary, the what-to-do page) and every answer of the
what-to-do page (each symptom of the triage table, alone and with each treatment
that changes it) is rendered with the test client; its visible
text is cut into sentences. No sentence may give fever, heavy bleeding,
breathlessness at rest, confusion, suicidal thoughts, frequent diarrhoea,
repeated vomiting or a new severe headache a deferred tier ("dans la journée",
"next visit"…), and every passage that mentions suicidal thoughts gives 3114
and 15 or 112. A side-effect row counts as one sentence: its name
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
    "fever": [
        r"(?<!sans )(?<!pas de )(?<!no )(?<!without )(?<!without a )(?<!yellow )(?<!hay )"
        r"\b(?:fièvre|fever)(?! jaune)",
        r"\bfébrile",
        r"\bfebrile",
    ],
    "heavy bleeding": [
        r"saignements? (?:très )?(?:abondants?|importants?|graves?)",
        r"saignements? qui ne s'arrêtent? pas",
        r"hémorragie",
        r"saign\w* beaucoup",
        r"heavy bleeding|bleeding heavily|severe bleeding",
        r"bleeding that (?:will not|won't|does not|doesn't|cannot|can't) stop",
        r"ha?emorrhage",
    ],
    "breathlessness at rest": [
        r"(?:essouffl|respir|breath)[^.;]{0,40}\b(?:au repos|at rest)\b",
        r"\b(?:au repos|at rest)\b[^.;]{0,30}(?:essouffl|respir|breath)",
        r"difficulté à respirer|gêne respiratoire (?:importante|sévère)|mal à respirer",
        r"(?:great|severe) difficulty breathing|struggling to breathe",
        r"lèvres (?:qui )?(?:deviennent |virent )?bleues|lips (?:turn )?blue",
    ],
    "confusion": [r"\bconfus", r"\bdésorient", r"\bdisorient"],
    "frequent diarrhoea": [
        r"selles liquides plusieurs fois",
        r"diarrh\w*[^.;]{0,40}\b(?:fréquente|abondante|importante)",
        r"diarrh\w* 4 fois par jour ou plus|diarrh\w* la nuit",
        r"watery stools several times",
        r"(?:frequent|heavy|severe) diarrhoea",
        r"diarrhoea[^.;]{0,20}\b(?:heavy|frequent|severe)\b",
        r"diarrhoea 4 or more|diarrhoea at night",
    ],
    "repeated vomiting": [
        r"vomi\w* plusieurs fois|ne gardez (?:plus )?rien|vomissements? (?:qui continuent|répétés)",
        r"vomiting several times|vomiting that goes on",
        r"(?:not keeping|cannot keep|can't keep) (?:anything|fluids)",
    ],
    "new severe headache": [
        r"mal de tête (?:très )?(?:fort|brutal|violent)|maux de tête (?:forts|violents)",
        r"(?:sudden|severe|new),? (?:severe )?headache",
    ],
    "suicidal thoughts": [
        r"suicid",
        r"idées (?:noires|de mort)",
        r"envie de (?:vous|se|me) (?:faire du mal|tuer)",
        r"thoughts of (?:death|dying|ending|harming|hurting)",
        r"(?:harm|hurt)(?:ing)? yourself|dark thoughts|end(?:ing)? your life",
    ],
}
URGENT_PATTERNS = {name: re.compile("|".join(words)) for name, words in URGENT.items()}
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
        not NOT_WAITING.search(sentence[: match.start()]) for match in DEFERRED.finditer(sentence)
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
    for path in pages + what_to_do_answers():
        response = client.get(path)
        assert response.status_code == 200, path
        found += [f"{path}: {problem}" for problem in wording_problems(response.content.decode())]
    assert not found, "\n".join(found)


def what_to_do_answers():
    """Every answer of the what-to-do page, in both languages: each symptom of the
    triage table alone and with each treatment that has a context for it."""
    from treatments.models import Symptom

    paths = []
    for symptom in Symptom.objects.published().prefetch_related("contexts"):
        queries = [f"symptom={symptom.key}"] + [
            f"symptom={symptom.key}&treatment={context.therapy_key}"
            for context in symptom.contexts.all()
        ]
        paths += [f"{page}?{query}" for page in ("/fr/que-faire/", "/en/what-to-do/")
                  for query in queries]  # fmt: skip
    assert len(paths) > 2 * 26
    return paths


@pytest.mark.parametrize(
    "html",
    [
        "<p>Toux, fièvre ou essoufflement à l’effort : appelez le service dans la journée.</p>",
        "<li>Si vous avez des idées noires, appelez le jour même, ou le 15 en cas d’urgence.</li>",
        "<p>Fever: call the team the same day if your white cells are normal.</p>",
        "<p>Heavy bleeding: mention it at your next visit.</p>",
        "<p>Du mal à respirer au repos\u00a0: appelez dans la journée.</p>",
        "<p>New confusion: call your care team today.</p>",
        "<p>Watery stools several times a day: call the team the same day.</p>",
        "<li>Vous vomissez plusieurs fois dans la journée : appelez le jour même.</li>",
        "<p>Un mal de tête brutal : parlez-en à la prochaine consultation.</p>",
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
        "<p>Selles plus molles, moins de 4 fois par jour : appelez l’équipe le jour même.</p>",
        "<p>Vous vomissez votre comprimé plusieurs jours de suite : appelez le jour même.</p>",
    ],
)
def test_the_check_accepts_correct_advice(html):
    assert not wording_problems(html)


# A row's tier is what to do for the signs it names: its notes may not send one
# of them to the care team sooner than the tier says. A sentence that sends a
# sign to 15 or 112 (or 3114) does not set the row's tier: those signs are in the
# box at the top of every guide and in each side effect's own list.
TIER_RANK = {"next-visit": 0, "call-today": 1, "call-now": 2, "emergency": 3}
NOTES_TIER = [
    (2, re.compile(r"tout de suite|aussitôt|immédiatement|de jour comme de nuit|at once"
                   r"|straight away|immediately|day or night")),
    (1, re.compile(r"jour même|dans la journée|same day|\btoday\b")),
]  # fmt: skip


def under_rated_rows(html):
    """The rows whose notes call for a sooner call than their tier."""
    rows = re.findall(
        r'<h3 class="effect__name">(.*?)</h3>.*?<span class="action action--([\w-]+)">'
        r'.*?<p class="effect__notes">(.*?)</p>',
        html,
        re.S,
    )
    problems = []
    for name, tier, notes in rows:
        text = normalise(unescape(re.sub(r"<[^>]+>", " ", notes)))
        care_team = [s for s in sentences_of(text) if not EMERGENCY_NUMBER.search(s)]
        needed = max(
            (rank for rank, pattern in NOTES_TIER for s in care_team if pattern.search(s)),
            default=0,
        )
        if TIER_RANK[tier] < needed:
            problems.append(f"{unescape(re.sub(r'<[^>]+>', '', name)).strip()} is {tier}: {text}")
    return problems


def test_no_row_is_under_rated_by_its_own_notes(client):
    found = []
    for path in public_pages(client):
        if "/side-effects/" in path or "/effets-indesirables/" in path:
            html = client.get(path).content.decode()
            found += [f"{path}: {problem}" for problem in under_rated_rows(html)]
    assert not found, "\n".join(found)
