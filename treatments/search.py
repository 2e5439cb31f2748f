"""Bilingual search over treatments, side effects, diseases and glossary terms,
made for what a patient types: a sentence, no accents, a typo, everyday words.

1. The query is cut into plain words (letters and digits only, so that no SQL,
   FTS or HTML syntax from a visitor ever reaches an engine or the page).
2. A word the content does not know is corrected to the nearest word it does
   know, one or two letters off ("radiotérapie" → "radiothérapie"); the page
   then says so and links to the search as typed (`correct=False`).
3. Staff-edited synonym groups (content/synonyms) are matched on the
   meaningful words ("perdre mes cheveux" = "perdre ses cheveux"), so that
   everyday words reach the page that uses the medical term.
4. The stop words of both languages are dropped ("est-ce que je vais…"); each
   remaining word is a *concept*: the word, its correction, its synonyms.
5. Pages match if they match any concept and are ranked by how many concepts
   they match, then how many their title matches (as typed first, then with
   synonyms), then treatment, side-effect and disease pages before glossary
   entries, then the engine's rank.

The engines (PostgreSQL full-text search, SQLite FTS5) are in fulltext.py. Both
search SearchDocument rows, built from each kind's `search_text()` whenever the
content has changed since the last build, with SearchWord, the vocabulary of
the content and of the synonyms for spelling correction.
"""

import bisect
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Case, IntegerField, Value, When
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from .fulltext import MARK_END, MARK_START, prefix_stem
from .models import (
    LANGUAGE_CODES,
    Article,
    ContentChange,
    Disease,
    GlossaryTerm,
    SearchDocument,
    SearchWord,
    SideEffect,
    SynonymGroup,
    Therapy,
)

MAX_QUERY_LENGTH = 200
MAX_RESULTS = 30
MAX_CONCEPTS = 8  # meaningful words searched for; the rest of a long query is ignored
MAX_PHRASES = 16  # forms of one concept (the word, its synonyms)
LONGEST_WORD = 40

# What search shows, kind by kind; each model gives its text (`search_text()`).
KINDS = {
    "therapy": (Therapy, _("Treatment")),
    "side-effect": (SideEffect, _("Side effect")),
    "disease": (Disease, _("Blood cancer")),
    "article": (Article, _("Understanding")),
    "glossary": (GlossaryTerm, _("Glossary")),
}
# Glossary entries come after the pages that match as well.
SECONDARY_KINDS = ["glossary"]

WORD = re.compile(r"[^\W_]+")


def fold(text: str) -> str:
    """Lower case without accents, character for character (é → e, Œ → œ)."""
    return "".join(
        unicodedata.normalize("NFKD", char)[0] if char.isalpha() else char for char in text.lower()
    )


def _words(text: str) -> list[str]:
    return WORD.findall(fold(text))


# The words of a question that say nothing of what is sought, in both languages
# (folded): "est-ce que je vais perdre mes cheveux" → perdre, cheveux. Not "car"
# (CAR-T) nor "mal" (mal au ventre). Single letters are dropped too.
FRENCH_STOP_WORDS = """
ai aie aient aies ait alors apres as au aussi autre autres aux avais avait avant avec
avez avoir avons ayant beaucoup bien ca ce ceci cela celle celles celui ces cest cet
cette ceux chaque chez comme comment contre dans de deja depuis des dois doit donc dont
du elle elles en encore entre es est et etais etait ete etes etre eu faire fais fait
faut il ils je la le les leur leurs lui ma mais me meme mes moi moins mon ne ni nos
notre nous on ont ou par parce pas pendant peu peut peuvent peux plus pour pourquoi
pourrai pourrais puis puisque qu quand que quel quelle quelles quels qui quoi sa sans
se sera serai serais ses si sois soit son sont sous suis sur ta te tes toi ton tous
tout toute toutes tres tu un une va vais vas vers veut veux vont vos votre vous
sens sent sentir chose choses normal normale temps toujours vraiment souvent
"""
ENGLISH_STOP_WORDS = """
about after again am an and any are as at be because been before being both but by
can cant could did do does doing don during each feel feeling feels felt few for from
get gets getting go going got had has have having he her here him his how if im in
into is it its ive just me might more most much must my no nor not now of off on
once only or other our out over own same she should so some such than that the their
them then there these they this those through to too under until up very was we were
what when where which while who whom why will with would you your
all also im ive always bit keep keeps lot normal really thing things time
"""
STOP_WORDS = {*FRENCH_STOP_WORDS.split(), *ENGLISH_STOP_WORDS.split()}


def _is_stop_word(word: str) -> bool:
    return len(word) < 2 or word in STOP_WORDS


# --- The index ---------------------------------------------------------------------------


def _documents(language):
    with override(language):
        for kind, (model, _label) in KINDS.items():
            for page in model.objects.published():
                summary, text = page.search_text()
                yield SearchDocument(
                    language=language,
                    kind=kind,
                    title=page.name,
                    summary=summary,
                    text=text,
                    url=page.get_absolute_url(),
                )


def _vocabulary(language, documents, groups):
    """The words of `documents` and of the synonym `groups`, each once, with the
    way the content most often writes it and how many documents use it."""
    surfaces = Counter()  # lower-case written form: occurrences
    documents_using = Counter()  # lower-case written form: documents
    for document in documents:
        words = WORD.findall(f"{document.title} {document.summary} {document.text}".lower())
        surfaces.update(words)
        documents_using.update(set(words))
    for term in (term for group in groups for term in group):
        surfaces.update({surface: 0 for surface in WORD.findall(term.lower())})  # known
    spellings, documents_with = {}, Counter()
    for surface, _count in surfaces.most_common():  # the most frequent form first
        word = fold(surface)
        if 4 <= len(word) <= LONGEST_WORD and word.isalpha() and not _is_stop_word(word):
            spellings.setdefault(word, surface)
            documents_with[word] += documents_using[surface]
    return [
        SearchWord(language=language, word=word, spelling=spelling, documents=documents_with[word])
        for word, spelling in spellings.items()
    ]


def _synonym_groups(language) -> list[list[str]]:
    groups = SynonymGroup.objects.published().filter(language=language)
    return [group.terms.splitlines() for group in groups]


def _prepared_synonym_groups(language):
    return list(map(prepare_synonyms, _synonym_groups(language)))


_by_change = {}  # {(what, language, content change): value}, current content only


def _once_per_change(what, language, changed_at, compute):
    """compute(language), once per process and content change (the index's version)."""
    key = (what, language, changed_at)
    if key not in _by_change:
        if any(change != changed_at for _what, _language, change in _by_change):
            _by_change.clear()
        _by_change[key] = compute(language)
    return _by_change[key]


def _current_synonym_groups(language, changed_at):
    """The synonym groups, read and prepared."""
    return _once_per_change("synonyms", language, changed_at, _prepared_synonym_groups)


def _current_known_words(language, changed_at) -> list[str]:
    """Every word of the index in this language, sorted: a word whose stem starts one of
    them needs no correction, and no query to say so."""
    return _once_per_change(
        "words",
        language,
        changed_at,
        lambda language: sorted(
            SearchWord.objects.filter(language=language).values_list("word", flat=True)
        ),
    )


def _starts_a_known_word(stem: str, known_words: list[str]) -> bool:
    at = bisect.bisect_left(known_words, stem)
    return at < len(known_words) and known_words[at].startswith(stem)


def rebuild_index():
    """Builds every SearchDocument and SearchWord again from the published content."""
    SearchDocument.objects.all().delete()
    SearchWord.objects.all().delete()
    for language in LANGUAGE_CODES:
        documents = SearchDocument.objects.bulk_create(_documents(language))
        words = _vocabulary(language, documents, _synonym_groups(language))
        SearchWord.objects.bulk_create(words, batch_size=2000)
    SearchDocument.objects.update_index()
    SearchWord.objects.update_index()


def ensure_index():
    """Builds the index again when the content changed since it was built;
    returns the time of that change."""
    state = ContentChange.objects.filter(pk=1).first()
    if state is None:
        state = ContentChange.objects.create(pk=1, changed_at=timezone.now())
    if state.search_indexed_at == state.changed_at:
        return state.changed_at
    with transaction.atomic():
        state = ContentChange.objects.select_for_update().get(pk=1)
        if state.search_indexed_at != state.changed_at:  # else another process just built it
            rebuild_index()
            state.search_indexed_at = state.changed_at
            state.save(update_fields=["search_indexed_at"])
    return state.changed_at


# --- The query -----------------------------------------------------------------------------


@dataclass
class Token:
    """A word as typed, or words joined by hyphens (CAR-T, veino-occlusive)."""

    surface: str  # as typed (or as corrected)
    start: int
    end: int

    @property
    def parts(self) -> list[str]:
        return WORD.findall(self.surface)

    @property
    def words(self) -> tuple[str, ...]:
        """Its folded words; none when they are all stop words (est-ce, peut-on)."""
        words = tuple(fold(part) for part in self.parts)
        return () if all(_is_stop_word(word) for word in words) else words


TOKEN = re.compile(r"[^\W_]+(?:-[^\W_]+)*")


@dataclass
class Query:
    text: str  # what is searched for: the visitor's query, its spelling corrected
    corrected: bool = False
    # One per meaningful word: the phrases (tuples of folded words) that count as
    # it, the word as typed (or corrected) first.
    concepts: list[list[tuple[str, ...]]] = field(default_factory=list)

    def __bool__(self):
        return bool(self.concepts)


def edit_distance(a: str, b: str, limit: int | None = None) -> int:
    """Letters inserted, deleted, replaced or swapped with their neighbour; past `limit`,
    some number above it (the rest is not computed)."""
    previous2, previous = None, list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i]
        for j, char_b in enumerate(b, 1):
            cost = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b))
            if i > 1 and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b:
                cost = min(cost, previous2[j - 2] + 1)
            current.append(cost)
        if limit is not None and min(current) > limit and min(previous) > limit:
            return min(current)  # no cell of the rows to come can get back under it
        previous2, previous = previous, current
    return previous[-1]


def _corrections(words: list[str], language: str, known_words=None) -> dict[str, str]:
    """{typed word: correction} for the words the index does not know (neither
    the word nor a word starting with its stem): the known word closest to it,
    one letter off, or two for words of six letters or more that start with
    the same letter; then the word most pages use. With `known_words` (sorted), the words it
    knows are left out before any query."""
    if known_words is not None:
        words = [word for word in words if not _starts_a_known_word(prefix_stem(word), known_words)]
        if not words:
            return {}
    candidates = list(
        SearchWord.objects.near(words, language).values_list("word", "spelling", "documents")
    )
    corrections = {}
    for word in words:
        stem = prefix_stem(word)
        if any(known.startswith(stem) for known, _spelling, _n in candidates):
            continue
        scored = []
        for known, spelling, documents in candidates:
            allowed = 2 if len(word) >= 6 and known[0] == word[0] else 1
            if abs(len(known) - len(word)) <= allowed:
                distance = edit_distance(word, known, limit=allowed)
                if distance <= allowed:
                    scored.append((distance, -documents, spelling))
        if scored:
            corrections[word] = min(scored)[2]
    return corrections


def _same_case(spelling: str, typed: str) -> str:
    if typed.isupper() and len(typed) > 1:
        return spelling.upper()
    return spelling.capitalize() if typed[:1].isupper() else spelling


def _find(needle: tuple[str, ...], haystack: tuple[str, ...]) -> int | None:
    for start in range(len(haystack) - len(needle) + 1):
        if haystack[start : start + len(needle)] == needle:
            return start
    return None


def prepare_synonyms(terms: list[str]):
    """A synonym group as the query is matched against it: its phrases, and for
    each term the words to find and among which words of the query."""
    phrases = [tuple(_words(term)) for term in terms]
    needles = []
    for term, words in zip(terms, phrases, strict=True):
        meaningful = tuple(word for word in words if not _is_stop_word(word))
        if term.isupper():  # an abbreviation in capitals (ALL, SOS): only as typed
            needles.append(("typed", tuple(WORD.findall(term))))
        elif len(meaningful) == 1 and len(words) > 1:  # "feeling low" is not "low"
            needles.append(("all", words))
        elif meaningful:  # "perdre mes cheveux" is "perdre ses cheveux"
            needles.append(("meaningful", meaningful))
    return phrases, needles


def _synonyms(tokens: list[Token], groups) -> dict[int, list[tuple[str, ...]]]:
    """{token index: phrases of every group one of whose terms the query holds}."""
    typed = [(index, part) for index, token in enumerate(tokens) for part in token.parts]
    folded = [(index, fold(part)) for index, part in typed]
    meaningful = [(index, word) for index, word in folded if not _is_stop_word(word)]
    among = {"typed": typed, "all": folded, "meaningful": meaningful}
    found = defaultdict(list)
    for phrases, needles in groups:
        for how, needle in needles:
            positions = among[how]
            start = _find(needle, tuple(word for _index, word in positions))
            if start is not None:
                for index, _word in positions[start : start + len(needle)]:
                    found[index].extend(phrases)
    return found


def parse_query(
    raw: str, language: str, correct: bool = True, synonym_groups=None, known_words=None
) -> Query:
    raw = (raw or "")[:MAX_QUERY_LENGTH]
    if synonym_groups is None:
        synonym_groups = _prepared_synonym_groups(language)
    tokens = [Token(match.group(), match.start(), match.end()) for match in TOKEN.finditer(raw)]
    # Only the words searched for (the first MAX_CONCEPTS) are worth correcting.
    searched = list(dict.fromkeys(token.words for token in tokens if token.words))
    typos = {
        words[0]
        for words in searched[:MAX_CONCEPTS]
        if len(words) == 1 and 4 <= len(words[0]) <= LONGEST_WORD and words[0].isalpha()
    }
    corrections = _corrections(sorted(typos), language, known_words) if correct and typos else {}
    text = raw
    for token in reversed(tokens):
        if len(token.words) == 1 and token.words[0] in corrections:
            token.surface = _same_case(corrections[token.words[0]], token.surface)
            text = text[: token.start] + token.surface + text[token.end :]
    synonyms = _synonyms(tokens, synonym_groups)
    concepts, seen = [], set()
    for index, token in enumerate(tokens):
        words = token.words if index not in synonyms else tuple(map(fold, token.parts))
        if not words or words in seen or max(map(len, words)) > LONGEST_WORD:
            continue
        seen.add(words)
        phrases = list(dict.fromkeys([words, *synonyms.get(index, [])]))
        concepts.append([phrase for phrase in phrases if phrase][:MAX_PHRASES])
    return Query(text=text.strip(), corrected=bool(corrections), concepts=concepts[:MAX_CONCEPTS])


# --- Results -------------------------------------------------------------------------------


@dataclass
class Result:
    kind: str
    title: str
    url: str
    excerpt: str  # safe HTML: escaped text with <mark> around the matched words

    @property
    def kind_label(self):
        return KINDS[self.kind][1]


def _excerpt_html(excerpt: str) -> str:
    """Escaped, with each matched word in <mark> (a phrase too: word by word)."""
    marked = re.sub(
        f"{MARK_START}(.*?){MARK_END}",
        lambda match: re.sub(r"(\S+)", f"{MARK_START}\\1{MARK_END}", match.group(1)),
        excerpt or "",
        flags=re.DOTALL,
    )
    html = escape(marked).replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")
    return mark_safe(html)  # noqa: S308 - the text is escaped, the marks are ours


def search(raw_query: str, language: str, correct: bool = True) -> tuple[Query, list[Result]]:
    """The query as understood, and the pages found for it, best first."""
    changed_at = ensure_index()
    query = parse_query(
        raw_query,
        language,
        correct,
        _current_synonym_groups(language, changed_at),
        _current_known_words(language, changed_at),
    )
    if not query:
        return query, []
    secondary = Case(
        When(kind__in=SECONDARY_KINDS, then=Value(1)), default=Value(0), output_field=IntegerField()
    )
    rows = list(
        SearchDocument.objects.search(query.concepts, language)
        .annotate(secondary=secondary)
        .order_by(
            "-coverage", "-typed_title_coverage", "-title_coverage", "secondary", "-rank", "title"
        )
        .values("kind", "title", "url", "excerpt", "coverage")[:MAX_RESULTS]
    )
    # A page that matches less than half the words the best page matches is noise.
    best = rows[0]["coverage"] if rows else 0
    return query, [
        Result(
            kind=row["kind"],
            title=row["title"],
            url=row["url"],
            excerpt=_excerpt_html(row["excerpt"]),
        )
        for row in rows
        if row["coverage"] and row["coverage"] * 2 >= best
    ]
