"""The full-text engines behind treatments/search.py, one per database.

SQLite: an FTS5 table whose tokenizer removes diacritics (hôpital = hopital).
PostgreSQL: `unaccent` and text search configurations copied from `french` and
`english` that drop accents before stemming (the `french` configuration alone
does not match "hopital" to "hôpital").
"""

from django.db import migrations

SQLITE_CREATE = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS treatments_search_fts USING fts5("
    "title, text, tokenize = 'unicode61 remove_diacritics 2')"
)
POSTGRES_CONFIGS = {"french_unaccent": "french", "english_unaccent": "english"}


def create(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_CREATE)
    elif connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
        for name, base in POSTGRES_CONFIGS.items():
            schema_editor.execute(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {name}")
            schema_editor.execute(f"CREATE TEXT SEARCH CONFIGURATION {name} (COPY = {base})")
            schema_editor.execute(
                f"ALTER TEXT SEARCH CONFIGURATION {name} ALTER MAPPING FOR "
                f"hword, hword_part, word WITH unaccent, {base}_stem"
            )


def drop(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS treatments_search_fts")
    elif connection.vendor == "postgresql":
        for name in POSTGRES_CONFIGS:
            schema_editor.execute(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("treatments", "0004_diseases_glossary_search")]

    operations = [migrations.RunPython(create, drop)]
