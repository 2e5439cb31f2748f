"""Bilingual search over treatments, side effects, diseases and glossary terms.

One interface, two engines: SQLite's FTS5 (diacritics removed) on the embedded
default, PostgreSQL full-text search with `french`/`english` configurations
and `unaccent` in production. Both search the same SearchDocument rows, built
from the content whenever it has changed since the last build.

The query is reduced to plain words first, so that no SQL, FTS or HTML syntax
from a visitor ever reaches the engine or the page. Plural and singular forms
match (a final s or x is dropped, then words match as prefixes on SQLite; the
Snowball stemmer does it on PostgreSQL), and the staff-edited synonym groups
widen a query (GVH finds "maladie du greffon contre l'hôte").
"""

import re
import unicodedata
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from .markdown import plain_text
from .models import (
    LANGUAGE_CODES,
    ContentChange,
    Disease,
    GlossaryTerm,
    SearchDocument,
    SideEffect,
    SynonymGroup,
    Therapy,
)

MAX_QUERY_LENGTH = 200
MAX_RESULTS = 30
EXCERPT_LENGTH = 220

KINDS = {
    "therapy": _("Treatment"),
    "side-effect": _("Side effect"),
    "disease": _("Blood cancer"),
    "glossary": _("Glossary"),
}
POSTGRES_CONFIGS = {"fr": "french_unaccent", "en": "english_unaccent"}


def fold(text: str) -> str:
    """Lower case without accents, character for character (é → e, Œ → œ)."""
    return "".join(
        unicodedata.normalize("NFKD", char)[0] if char.isalpha() else char for char in text.lower()
    )


# Little words that find everything: not searched for, nor marked, on their own.
STOP_WORDS = {
    *("de", "du", "des", "la", "le", "les", "un", "une", "et", "ou", "en", "au", "aux", "l", "d"),
    *("a", "the", "of", "and", "or", "in", "to", "for"),
}


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", fold(text))


def _stem(word: str) -> str:
    return word[:-1] if len(word) > 4 and word[-1] in "sx" else word


# --- The index ---------------------------------------------------------------------------


def _documents(language):
    with override(language):
        for therapy in Therapy.objects.published():
            text = " ".join(
                [
                    therapy.summary,
                    plain_text(therapy.body_html),
                    plain_text(therapy.daily_life_html),
                ]
            )
            yield "therapy", therapy.name, text, therapy.get_absolute_url()
        for effect in SideEffect.objects.published():
            text = " ".join(
                [effect.summary, plain_text(effect.body_html), plain_text(effect.self_care_html)]
            )
            yield "side-effect", effect.name, text, effect.get_absolute_url()
        for disease in Disease.objects.published():
            text = f"{disease.summary} {plain_text(disease.body_html)}"
            yield "disease", disease.name, text, disease.get_absolute_url()
        for term in GlossaryTerm.objects.published():
            text = f"{plain_text(term.definition_html)} ({', '.join(term.forms(language))})"
            yield "glossary", term.name, text, term.get_absolute_url()


def _ensure_index():
    """Builds the index again when the content changed since it was built."""
    state = ContentChange.objects.filter(pk=1).first()
    if state is None:
        state = ContentChange.objects.create(pk=1, changed_at=timezone.now())
    if state.search_indexed_at == state.changed_at:
        return
    with transaction.atomic():
        state = ContentChange.objects.select_for_update().get(pk=1)
        if state.search_indexed_at == state.changed_at:
            return  # another process has just built it
        SearchDocument.objects.all().delete()
        SearchDocument.objects.bulk_create(
            SearchDocument(language=language, kind=kind, title=title, text=text, url=url)
            for language in LANGUAGE_CODES
            for kind, title, text, url in _documents(language)
        )
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("DELETE FROM treatments_search_fts")
                cursor.execute(
                    "INSERT INTO treatments_search_fts(rowid, title, text) "
                    "SELECT id, title, text FROM treatments_searchdocument"
                )
        state.search_indexed_at = state.changed_at
        state.save(update_fields=["search_indexed_at"])


# --- The query -----------------------------------------------------------------------------


@dataclass
class Query:
    """A visitor's query as alternatives: each a list of words or phrases, all required."""

    alternatives: list[list[list[str]]]  # [[phrase, phrase...], ...]; a phrase is [word...]

    @property
    def typed_words(self) -> set[str]:
        """The visitor's own words (the first alternative), before synonyms."""
        return {word for phrase in self.alternatives[0] for word in phrase}

    @property
    def words(self) -> set[str]:
        return {w for alt in self.alternatives for phrase in alt for w in phrase}

    def __bool__(self):
        return bool(self.alternatives)


def _synonym_groups(language):
    return [
        group.terms.splitlines()
        for group in SynonymGroup.objects.published().filter(language=language)
    ]


def _contains(text: str, term: str) -> bool:
    """Whole-word match; a term in capitals (ALL, LAM) only matches in capitals."""
    if term.isupper():
        return re.search(rf"(?<!\w){re.escape(term)}(?!\w)", text) is not None
    return re.search(rf"(?<!\w){re.escape(fold(term))}(?!\w)", fold(text)) is not None


def parse_query(raw: str, language: str) -> Query:
    raw = (raw or "")[:MAX_QUERY_LENGTH]
    words = [word for word in _words(raw) if word not in STOP_WORDS]
    if not words:
        return Query([])
    alternatives = [[[word] for word in words]]
    for group in _synonym_groups(language):
        matched = [term for term in group if _contains(raw, term)]
        if not matched:
            continue
        matched_words = set(_words(" ".join(matched)))
        rest = [[word] for word in words if word not in matched_words]
        for term in group:
            phrase = _words(term)
            if phrase:
                alternatives.append([*rest, phrase])
    unique = []
    for alternative in alternatives:
        if alternative not in unique:
            unique.append(alternative)
    return Query(unique[:12])


def _fts5_match(query: Query) -> str:
    def phrase(words):
        if len(words) == 1:
            word = _stem(words[0])
            return f'"{word}"*' if len(word) >= 4 else f'"{word}"'
        return '"' + " ".join(words) + '"'

    alternatives = {
        "(" + " AND ".join(phrase(words) for words in alternative) + ")": None
        for alternative in query.alternatives
    }
    return " OR ".join(alternatives)


def _tsquery(query: Query) -> str:
    def phrase(words):
        if len(words) == 1:
            return f"{words[0]}:*" if len(words[0]) >= 4 else words[0]
        return "(" + " <-> ".join(words) + ")"

    alternatives = {
        "(" + " & ".join(phrase(words) for words in alternative) + ")": None
        for alternative in query.alternatives
    }
    return " | ".join(alternatives)


def _ranked_ids(query: Query, language: str) -> list[tuple[int, float]]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            config = POSTGRES_CONFIGS[language]
            cursor.execute(
                """
                SELECT d.id, ts_rank(
                    setweight(to_tsvector(%(config)s::regconfig, d.title), 'A')
                    || setweight(to_tsvector(%(config)s::regconfig, d.text), 'B'), q) AS rank
                FROM treatments_searchdocument d,
                     to_tsquery(%(config)s::regconfig, %(query)s) q
                WHERE d.language = %(language)s
                  AND (setweight(to_tsvector(%(config)s::regconfig, d.title), 'A')
                       || setweight(to_tsvector(%(config)s::regconfig, d.text), 'B')) @@ q
                ORDER BY rank DESC LIMIT %(limit)s
                """,
                {"config": config, "query": _tsquery(query), "language": language,
                 "limit": MAX_RESULTS},
            )  # fmt: skip
            return [(row[0], float(row[1])) for row in cursor.fetchall()]
        cursor.execute(
            """
            SELECT d.id, -bm25(treatments_search_fts, 10.0, 1.0) AS rank
            FROM treatments_search_fts JOIN treatments_searchdocument d
              ON d.id = treatments_search_fts.rowid
            WHERE treatments_search_fts MATCH %s AND d.language = %s
            ORDER BY rank DESC LIMIT %s
            """,
            [_fts5_match(query), language, MAX_RESULTS],
        )
        return [(row[0], float(row[1])) for row in cursor.fetchall()]


# --- Results -------------------------------------------------------------------------------


@dataclass
class Result:
    kind: str
    title: str
    url: str
    excerpt: str  # safe HTML: escaped text with <mark> around the matched words
    title_match: bool

    @property
    def kind_label(self):
        return KINDS[self.kind]


def _matches(text: str, words: set[str]):
    """Spans of `text` whose folded form is one of `words` or, for words of four
    letters or more, starts with its stem (plural and singular)."""
    words = {word for word in words if word not in STOP_WORDS}
    if not words:
        return []
    alternatives = sorted(
        (re.escape(_stem(word)) + r"\w*" if len(word) >= 4 else re.escape(word)) for word in words
    )
    pattern = re.compile(
        r"(?<!\w)(?:" + "|".join(sorted(alternatives, key=len, reverse=True)) + r")(?!\w)"
    )
    return [match.span() for match in pattern.finditer(fold(text))]


def highlight(text: str, words: set[str], length: int | None = None) -> str:
    spans = _matches(text, words)
    start = 0
    if length and len(text) > length:
        first = spans[0][0] if spans else 0
        start = max(0, min(first - length // 3, len(text) - length))
        start = text.rfind(" ", 0, start) + 1 if start else 0
        end = text.find(" ", start + length)
        text = text[start : end if end != -1 else len(text)]
        spans = [(a - start, b - start) for a, b in spans if a >= start and b <= start + len(text)]
    out, position = [], 0
    for begin, finish in spans:
        out.append(escape(text[position:begin]))
        out.append(f"<mark>{escape(text[begin:finish])}</mark>")
        position = finish
    out.append(escape(text[position:]))
    prefix = "… " if start else ""
    suffix = " …" if length and len(text) >= length else ""
    return mark_safe(prefix + "".join(out) + suffix)  # noqa: S308 - every piece is escaped


def search(raw_query: str, language: str) -> list[Result]:
    query = parse_query(raw_query, language)
    if not query:
        return []
    _ensure_index()
    ranked = _ranked_ids(query, language)
    documents = SearchDocument.objects.in_bulk([pk for pk, _rank in ranked])
    words = query.words
    results = []
    for pk, rank in ranked:
        document = documents[pk]
        title_match = bool(_matches(document.title, words))
        # A title with the visitor's own words first, then one with a synonym.
        typed_title_match = bool(_matches(document.title, query.typed_words))
        results.append(
            (
                (not typed_title_match, not title_match),
                -rank,
                Result(
                    kind=document.kind,
                    title=document.title,
                    url=document.url,
                    excerpt=highlight(document.text, words, EXCERPT_LENGTH),
                    title_match=title_match,
                ),
            )
        )
    results.sort(key=lambda item: item[:2])
    return [result for _title, _rank, result in results]
