"""Search at today's content and at 10× and 100× of it. Not part of pytest.

Run it (PostgreSQL is the production path; SQLite works too):
    DATABASE_URL=postgres://hemato:hemato@127.0.0.1:5432/hemato \\
        .venv/bin/python tests/perf/search_bench.py
    SEARCH_BENCH_SIZES=1,10 SEARCH_BENCH_ROUNDS=3 .venv/bin/python tests/perf/search_bench.py
    SEARCH_BENCH_KEEP=1 ...   keeps the test database (and reuses it: the rows already there count)

What it does: creates a throwaway test database (`test_<name>`, as pytest does), migrates
it, loads content/ and builds the search index. Then, for each size, it copies every
SearchDocument row until there are that many times today's rows, each copy with varied text
(its sentences shuffled, sentences of other pages of its language mixed in, and a few new
made-up words, so that the vocabulary grows too), rebuilds the engine's index and the
vocabulary from all the rows, and times `search.search()` (parse, spelling, synonyms,
ranking, excerpts: all but the HTML) for the relevance test's everyday queries in both
languages, SEARCH_BENCH_ROUNDS times each (default 5), keeping each query's median.

The figures, per size:
    docs        SearchDocument rows (both languages); words: SearchWord rows
    median, p90, max   over the queries of each query's median time, in ms
    SQL         queries per search (the view adds one: the page cache's content change)
    index MB    PostgreSQL: size of searchdocument + its indexes, and of searchword
and, at the largest size, the plan of the ranking query for one sentence (EXPLAIN ANALYZE).
"""

import io
import os
import random
import statistics
import string
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import (  # noqa: E402
    CaptureQueriesContext,
    setup_databases,
    teardown_databases,
)

from tests.test_search_relevance import ENGLISH, FRENCH  # noqa: E402
from treatments import search  # noqa: E402
from treatments.models import SearchDocument, SearchWord  # noqa: E402

SIZES = [int(size) for size in os.environ.get("SEARCH_BENCH_SIZES", "1,10,100").split(",")]
ROUNDS = int(os.environ.get("SEARCH_BENCH_ROUNDS", "5"))
KEEP = os.environ.get("SEARCH_BENCH_KEEP") == "1"  # keep the grown database for a next run
NEW_WORDS_PER_COPY = 5
EXPLAINED = ("fr", "est-ce que je vais perdre mes cheveux")


def sentences(text):
    return [sentence for sentence in text.replace("? ", ". ").split(". ") if sentence]


def made_up_word(rng):
    return "".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(6, 11)))


def varied_copy(document, number, others, rng):
    """Another page like `document`: its sentences shuffled, with three sentences of
    other pages of its language and a few words no other page uses."""
    parts = sentences(document.text)
    rng.shuffle(parts)
    for _ in range(3):
        parts.insert(rng.randrange(len(parts) + 1), rng.choice(others))
    parts.append(" ".join(made_up_word(rng) for _ in range(NEW_WORDS_PER_COPY)))
    return SearchDocument(
        language=document.language,
        kind=document.kind,
        title=f"{document.title} ({number})",
        summary=document.summary,
        text=". ".join(parts),
        url=f"{document.url}#copy-{number}",
    )


def grow_to(size, originals):
    """Copies of the original rows until there are `size` times as many rows."""
    rng = random.Random(size)
    have = SearchDocument.objects.count() // len(originals)
    pool = {
        language: [s for d in originals if d.language == language for s in sentences(d.text)]
        for language in {d.language for d in originals}
    }
    for number in range(have, size):
        SearchDocument.objects.bulk_create(
            (varied_copy(d, number, pool[d.language], rng) for d in originals), batch_size=500
        )
    SearchDocument.objects.update_index()
    SearchWord.objects.all().delete()
    for language in pool:
        documents = SearchDocument.objects.filter(language=language).only(
            "title", "summary", "text"
        )
        words = search._vocabulary(language, documents.iterator(), search._synonym_groups(language))
        SearchWord.objects.bulk_create(words, batch_size=2000)
    SearchWord.objects.update_index()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE treatments_searchdocument; ANALYZE treatments_searchword")


def megabytes(table):
    if connection.vendor != "postgresql":
        return "-"
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_total_relation_size(%s)", [table])
        return f"{cursor.fetchone()[0] / 2**20:.0f}"


def measure():
    queries = [("fr", query) for query, _url in FRENCH] + [("en", q) for q, _url in ENGLISH]
    times, sql = [], set()
    for language, query in queries:
        rounds = []
        for _ in range(ROUNDS):
            with CaptureQueriesContext(connection) as captured:
                start = time.perf_counter()
                search.search(query, language)
                rounds.append((time.perf_counter() - start) * 1000)
            sql.add(len(captured))
        times.append(statistics.median(rounds))
    times.sort()
    return {
        "median": statistics.median(times),
        "p90": times[int(len(times) * 0.9) - 1],
        "max": times[-1],
        "sql": "/".join(map(str, sorted(sql))),
    }


def explain():
    language, raw = EXPLAINED
    query = search.parse_query(raw, language)
    ranked = (
        SearchDocument.objects.search(query.concepts, language)
        .order_by("-coverage", "-typed_title_coverage", "-title_coverage", "-rank")
        .values("title", "excerpt")[: search.MAX_RESULTS]
    )
    return ranked.explain(analyze=True)


def main():
    print(f"Search benchmark on {connection.vendor}, sizes {SIZES}, {ROUNDS} rounds a query")
    old_config = setup_databases(verbosity=0, interactive=False, keepdb=KEEP)
    try:
        call_command("load_content", verbosity=0, stdout=io.StringIO())
        search.ensure_index()
        originals = list(SearchDocument.objects.exclude(url__contains="#copy-"))
        print(f"{'size':>5} {'docs':>7} {'words':>7} {'median':>7} {'p90':>7} {'max':>7}"
              f" {'SQL':>5} {'docs MB':>8} {'words MB':>8} {'build s':>8}")  # fmt: skip
        for size in SIZES:
            start = time.perf_counter()
            grow_to(size, originals)
            built = time.perf_counter() - start
            measure()  # warm-up: caches, plans
            figures = measure()
            print(
                f"{size:>4}× {SearchDocument.objects.count():>7} {SearchWord.objects.count():>7}"
                f" {figures['median']:>5.1f}ms {figures['p90']:>5.1f}ms {figures['max']:>5.1f}ms"
                f" {figures['sql']:>5} {megabytes('treatments_searchdocument'):>8}"
                f" {megabytes('treatments_searchword'):>8} {built:>8.1f}",
                flush=True,
            )
        if connection.vendor == "postgresql":
            print(f"\nPlan at {SIZES[-1]}× for {EXPLAINED[1]!r}:\n{explain()}")
    finally:
        teardown_databases(old_config, verbosity=0, keepdb=KEEP)


if __name__ == "__main__":
    main()
