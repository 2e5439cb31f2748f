"""The migrations describe the models exactly, and a fresh migrate creates what
search needs beyond the models: on PostgreSQL the pg_trgm and unaccent
extensions, the accent-free text search configurations and the GIN indexes; on
SQLite the FTS5 tables. (The treatments app's migrations 0001-0015 were squashed
into one before any production database existed; the test database is built by
running them.)"""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's search (the tests run on SQLite)"
)
sqlite_only = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="SQLite's FTS5 search (the tests run on PostgreSQL)"
)


def _rows(sql):
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()


@pytest.mark.django_db
def test_no_model_change_lacks_a_migration():
    """The migrations' state is the models' state (makemigrations --check exits
    with 1 when they differ), the PostgreSQL-only GIN indexes included."""
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


@postgresql_only
@pytest.mark.django_db
def test_a_fresh_postgresql_database_has_what_search_needs():
    extensions = {name for (name,) in _rows("SELECT extname FROM pg_extension")}
    assert {"pg_trgm", "unaccent"} <= extensions
    indexes = dict(
        _rows(
            "SELECT indexname, indexdef FROM pg_indexes "
            "WHERE tablename IN ('treatments_searchdocument', 'treatments_searchword')"
        )
    )
    assert "USING gin (vector)" in indexes["treatments_search_vector_gin"]
    assert "USING gin (word gin_trgm_ops)" in indexes["treatments_word_trgm"]
    # A patient types without accents: "hopitaux" finds « Hôpital de jour »,
    # which the stock `french` configuration does not; "naive" finds "Naïve".
    [(french, french_stock, english, similar)] = _rows(
        "SELECT to_tsvector('french_unaccent', 'Hôpital de jour')"
        " @@ plainto_tsquery('french_unaccent', 'hopitaux'),"
        " to_tsvector('french', 'Hôpital de jour') @@ plainto_tsquery('french', 'hopitaux'),"
        " to_tsvector('english_unaccent', 'Naïve T cells')"
        " @@ plainto_tsquery('english_unaccent', 'naive cell'),"
        " 'radiotherapie' % 'radioterapie'"
    )
    assert (french, french_stock, english, similar) == (True, False, True, True)


@sqlite_only
@pytest.mark.django_db
def test_a_fresh_sqlite_database_has_what_search_needs():
    tables = dict(_rows("SELECT name, sql FROM sqlite_master WHERE sql LIKE '%USING fts5%'"))
    assert set(tables) == {"treatments_search_fts", "treatments_searchword_trigrams"}
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO treatments_search_fts (title, summary, text) VALUES (%s, '', '')",
            ["Unité Zéphyrine"],
        )
        cursor.execute(
            "INSERT INTO treatments_searchword_trigrams (word, language) VALUES (%s, 'fr')",
            ["zephyrine"],
        )
    # Accents dropped ("zephyrine" finds « Zéphyrine »), and a word found by
    # a part of it (trigrams), the start of spelling correction.
    assert _rows(
        "SELECT title FROM treatments_search_fts WHERE treatments_search_fts MATCH 'zephyrine'"
    ) == [("Unité Zéphyrine",)]
    assert _rows(
        "SELECT word FROM treatments_searchword_trigrams"
        " WHERE treatments_searchword_trigrams MATCH 'ephyri'"
    ) == [("zephyrine",)]
