"""The two full-text engines behind search.py, with one interface: querysets.

PostgreSQL: each SearchDocument stores its `vector` (title weighted A, summary
B, text C) in the `french_unaccent` or `english_unaccent` configuration
(accents dropped, then Snowball stems; migration 0001), GIN-indexed, and its
title's alone (`title_vector`); they are queried with SearchQuery, SearchRank
and SearchHeadline. Spelling candidates come from pg_trgm's `%` operator over
SearchWord, GIN-indexed too.

SQLite: the FTS5 table treatments_search_fts holds the same three columns
(diacritics removed, words matched on a light stem as prefixes); spelling
candidates come from the FTS5 trigram table treatments_searchword_trigrams.

A query reaches the engines as *concepts*: one per meaningful word the
visitor typed, each a list of phrases (tuples of lower-case words without
accents) any of which counts as that word: first the word as typed (or as
corrected), then its synonyms. `search()` annotates each page with how many
concepts it matches anywhere (`coverage`), how many its title matches with the
word as typed (`typed_title_coverage`) and with any phrase (`title_coverage`),
a relevance `rank`, and an `excerpt`: the summary where it matches, else a
passage of the text that does, else the summary, with the matched words
between MARK_START and MARK_END (search.py escapes it and turns those into
<mark>). Words are letters and digits only (search.py), so they are safe in
either engine's query syntax.
"""

from django.contrib.postgres.lookups import TrigramSimilar
from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVector,
)
from django.db import connections, models
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Concat
from django.db.models.lookups import StartsWith

POSTGRES_CONFIGS = {"fr": "french_unaccent", "en": "english_unaccent"}
MARK_START, MARK_END = "\ue000", "\ue001"  # private-use characters: never in the content
FTS_TABLE = "treatments_search_fts"
TRIGRAM_TABLE = "treatments_searchword_trigrams"
# How much a match counts in each part of a page (title, summary, text).
SQLITE_WEIGHTS = (10.0, 4.0, 1.0)
POSTGRES_WEIGHTS = [0.1, 0.25, 0.5, 1.0]  # D (unused), C, B, A
EXCERPT_WORDS = 30


def prefix_stem(word: str) -> str:
    """What SQLite matches as a prefix, for its lack of a stemmer: plural and
    -ing forms share it (myélomes → myelome*, bleeding → bleed*)."""
    for ending in ("ing", "ies", "s", "x"):
        if word.endswith(ending) and len(word) - len(ending) >= 4:
            return word[: -len(ending)]
    return word


def _is_postgresql(queryset) -> bool:
    return connections[queryset.db].vendor == "postgresql"


# --- Query syntax ------------------------------------------------------------------------


def _tsquery(phrases, weight="") -> str:
    """to_tsquery syntax; a `weight` keeps the matches in one part (B: summary)."""

    def lexeme(word, prefix):
        flags = ("*" if prefix else "") + weight
        return f"{word}:{flags}" if flags else word

    parts = [
        lexeme(phrase[0], len(phrase[0]) >= 4)
        if len(phrase) == 1
        else "(" + " <-> ".join(lexeme(word, False) for word in phrase) + ")"
        for phrase in phrases
    ]
    return "(" + " | ".join(parts) + ")"


def _fts5(phrases, column="") -> str:
    """FTS5 MATCH syntax; `column` restricts it to one column."""

    def phrase(words):
        if len(words) == 1:
            word = prefix_stem(words[0])
            return f'"{word}"*' if len(word) >= 4 else f'"{word}"'
        return '"' + " ".join(words) + '"'

    expression = "(" + " OR ".join(phrase(words) for words in phrases) + ")"
    return f"{{{column}}} : {expression}" if column else expression


# --- Documents -----------------------------------------------------------------------------


class SearchDocumentQuerySet(models.QuerySet):
    def update_index(self):
        """Fills the engine's index from the SearchDocument rows."""
        if _is_postgresql(self):
            for language, config in POSTGRES_CONFIGS.items():
                title = SearchVector("title", weight="A", config=config)
                self.filter(language=language).update(
                    vector=title
                    + SearchVector("summary", weight="B", config=config)
                    + SearchVector("text", weight="C", config=config),
                    title_vector=title,
                )
            return
        with connections[self.db].cursor() as cursor:
            cursor.execute(f"DELETE FROM {FTS_TABLE}")  # noqa: S608 - constant names
            cursor.execute(
                f"INSERT INTO {FTS_TABLE}(rowid, title, summary, text) "  # noqa: S608
                "SELECT id, title, summary, text FROM treatments_searchdocument"
            )

    def search(self, concepts: list[list[tuple[str, ...]]], language: str):
        """Pages of `language` matching at least one concept, annotated with
        coverage, title_coverage, rank and excerpt (see the module's docstring)."""
        if _is_postgresql(self):
            return self._search_postgresql(concepts, language)
        return self._search_sqlite(concepts, language)

    def _search_postgresql(self, concepts, language):
        config = POSTGRES_CONFIGS[language]

        def query(text):
            return SearchQuery(text, config=config, search_type="raw")

        def every(weight=""):
            return query(" | ".join(_tsquery(phrases, weight) for phrases in concepts))

        def count(vector, typed_only=False):
            return sum(
                (
                    Case(
                        When(
                            **{vector: query(_tsquery(phrases[:1] if typed_only else phrases))},
                            then=1,
                        ),
                        default=0,
                    )
                    for phrases in concepts
                ),
                Value(0),
            )

        def headline(field, **options):
            return SearchHeadline(
                field, every(), config=config, start_sel=MARK_START, stop_sel=MARK_END, **options
            )

        return self.filter(language=language, vector=every()).annotate(
            coverage=count("vector"),
            # The small title vector costs less to read than the whole page's.
            typed_title_coverage=count("title_vector", typed_only=True),
            title_coverage=count("title_vector"),
            # Normalization 1: divided by 1 + log(length), so that a long article
            # does not win by its length alone.
            rank=SearchRank(F("vector"), every(), weights=POSTGRES_WEIGHTS, normalization=Value(1)),
            excerpt=Case(
                When(vector=every("B"), then=headline("summary", highlight_all=True)),
                When(
                    vector=every("C"),
                    then=Concat(
                        Value("… "),
                        headline("text", max_words=EXCERPT_WORDS, min_words=EXCERPT_WORDS // 2),
                        Value(" …"),
                        output_field=models.TextField(),
                    ),
                ),
                default=F("summary"),
            ),
        )

    def _search_sqlite(self, concepts, language):
        table = self.model._meta.db_table
        matching = f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s"  # noqa: S608

        def count(column, typed_only=False):
            sql = " + ".join(f"({table}.id IN ({matching}))" for _phrases in concepts)
            params = [_fts5(phrases[:1] if typed_only else phrases, column) for phrases in concepts]
            return RawSQL(  # noqa: S611 - constant SQL, the query as a parameter
                f"({sql})", params, output_field=IntegerField()
            )

        marks = f"'{MARK_START}', '{MARK_END}'"
        summary = f"highlight({FTS_TABLE}, 1, {marks})"
        text = f"snippet({FTS_TABLE}, 2, {marks}, '…', {EXCERPT_WORDS})"
        # The FTS5 table joined in FROM, so that its rank and excerpt functions work
        # on the one full-text query (the ORM has no other way to join a virtual table).
        return (
            self.filter(language=language)
            .extra(  # noqa: S610 - constant SQL, the query as a parameter
                tables=[FTS_TABLE],
                where=[f"{FTS_TABLE}.rowid = {table}.id", f"{FTS_TABLE} MATCH %s"],
                params=[" OR ".join(_fts5(phrases) for phrases in concepts)],
                select={
                    "rank": f"-bm25({FTS_TABLE}, %s, %s, %s)",
                    "excerpt": f"CASE WHEN instr({summary}, '{MARK_START}') THEN {summary} "
                    f"WHEN instr({text}, '{MARK_START}') THEN {text} ELSE {table}.summary END",
                },
                select_params=SQLITE_WEIGHTS,
            )
            .annotate(
                coverage=count(""),
                typed_title_coverage=count("title", typed_only=True),
                title_coverage=count("title"),
            )
        )


# --- Spelling ------------------------------------------------------------------------------


def _trigrams(word: str) -> set[str]:
    padded = f" {word} "  # as pg_trgm does: the first and last letters weigh more
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


class SearchWordQuerySet(models.QuerySet):
    def update_index(self):
        """Fills SQLite's trigram table from the words just written."""
        if _is_postgresql(self):
            return  # the GIN index follows the table
        with connections[self.db].cursor() as cursor:
            cursor.execute(f"DELETE FROM {TRIGRAM_TABLE}")  # noqa: S608
            cursor.execute(
                f"INSERT INTO {TRIGRAM_TABLE}(rowid, word, language) "  # noqa: S608
                "SELECT id, ' ' || word || ' ', language FROM treatments_searchword"
            )

    def near(self, words: list[str], language: str):
        """Words of `language` that start like one of `words` (on its light stem)
        or share many of its trigrams: the candidates for a spelling correction."""
        if not words:
            return self.none()
        condition = Q()
        for word in words:
            condition |= Q(StartsWith(F("word"), prefix_stem(word)))
            if _is_postgresql(self):
                condition |= Q(TrigramSimilar(F("word"), word))
            else:
                trigrams = " OR ".join(f'"{trigram}"' for trigram in sorted(_trigrams(word)))
                condition |= Q(
                    id__in=RawSQL(  # noqa: S611 - constant SQL, the query as a parameter
                        f"SELECT rowid FROM {TRIGRAM_TABLE} WHERE {TRIGRAM_TABLE} MATCH %s "  # noqa: S608
                        "AND language = %s ORDER BY rank LIMIT 30",
                        [trigrams, language],
                    )
                )
        return self.filter(condition, language=language)
