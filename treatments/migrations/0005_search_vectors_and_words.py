"""Search that finds what a patient types (treatments/fulltext.py):

- a summary column and, on PostgreSQL, a stored, GIN-indexed search vector
  per SearchDocument; SQLite's FTS5 table gets the summary column too;
- SearchWord, the content's vocabulary for spelling correction: a pg_trgm GIN
  index on PostgreSQL, an FTS5 trigram table on SQLite.

GIN indexes exist on PostgreSQL only: PostgresOnlyAddIndex records them in the
migration state (the models declare them) and creates them there alone.
The search index is rebuilt at the next search.
"""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models

SQLITE_TABLES = (
    "CREATE VIRTUAL TABLE treatments_search_fts USING fts5("
    "title, summary, text, tokenize = 'unicode61 remove_diacritics 2')",
    "CREATE VIRTUAL TABLE treatments_searchword_trigrams USING fts5("
    "word, language UNINDEXED, tokenize = 'trigram')",
)


class PostgresOnlyAddIndex(migrations.AddIndex):
    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


def rebuild_at_next_search(apps, schema_editor):
    apps.get_model("treatments", "SearchDocument").objects.all().delete()
    apps.get_model("treatments", "ContentChange").objects.update(search_indexed_at=None)


def create_sqlite_tables(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS treatments_search_fts")
        for sql in SQLITE_TABLES:
            schema_editor.execute(sql)
    rebuild_at_next_search(apps, schema_editor)


def drop_sqlite_tables(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS treatments_searchword_trigrams")
        schema_editor.execute("DROP TABLE IF EXISTS treatments_search_fts")
        schema_editor.execute(
            "CREATE VIRTUAL TABLE treatments_search_fts USING fts5("
            "title, text, tokenize = 'unicode61 remove_diacritics 2')"
        )
    rebuild_at_next_search(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("treatments", "0004_import_records")]

    operations = [
        TrigramExtension(),
        migrations.AddField(
            model_name="searchdocument",
            name="summary",
            field=models.TextField(default=""),
        ),
        migrations.AddField(
            model_name="searchdocument",
            name="vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="searchdocument",
            name="title_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        PostgresOnlyAddIndex(
            model_name="searchdocument",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["vector"], name="treatments_search_vector_gin"
            ),
        ),
        migrations.CreateModel(
            name="SearchWord",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "language",
                    models.CharField(choices=[("fr", "French"), ("en", "English")], max_length=8),
                ),
                ("word", models.CharField(max_length=100)),
                ("spelling", models.CharField(max_length=100)),
                ("documents", models.PositiveIntegerField(default=0)),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(fields=("language", "word"), name="unique_search_word")
                ],
            },
        ),
        PostgresOnlyAddIndex(
            model_name="searchword",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["word"], name="treatments_word_trgm", opclasses=["gin_trgm_ops"]
            ),
        ),
        migrations.RunPython(create_sqlite_tables, drop_sqlite_tables),
    ]
