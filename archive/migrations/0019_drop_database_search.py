"""The databases' own full-text indexes go: the search engine (tantivy) answers searches.

PostgreSQL's `SearchDocument` table (its GIN index with it) and SQLite's FTS5 table.
Reversed, both come back empty, as a new database had them; the code of that time
fills them with `rebuild_search_index`.
"""

from django.db import migrations

FTS_TABLE = "archive_article_fts"
FTS5_TOKENIZER = "porter unicode61 remove_diacritics 2"
GIN_INDEX = "archive_searchdocument_vector_gin"


def drop_fts5(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")


def create_fts5(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} "
            f"USING fts5(title, secondary, body, tokenize='{FTS5_TOKENIZER}')"
        )


def create_gin_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {GIN_INDEX} ON archive_searchdocument USING gin (vector)"
        )


class Migration(migrations.Migration):
    dependencies = [("archive", "0018_import_staging")]

    operations = [
        # Reversed, these run bottom up: the FTS5 table, the model's table, then its index.
        migrations.RunPython(migrations.RunPython.noop, create_gin_index),
        migrations.DeleteModel(name="SearchDocument"),
        migrations.RunPython(drop_fts5, create_fts5),
    ]
