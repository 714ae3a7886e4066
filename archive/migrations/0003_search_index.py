"""The full-text index: a GIN-indexed tsvector on PostgreSQL, an FTS5 table on SQLite."""

import django.contrib.postgres.search
from django.db import migrations

# As the search module named them then (it has moved on since: see 0019).
SEARCH_CONFIG = "english"
FTS5_TOKENIZER = "porter unicode61 remove_diacritics 2"
FTS_TABLE = "archive_article_fts"

GIN_INDEX = "archive_article_search_gin"
# The indexing SQL as it was at this migration (search.py has moved on: see 0010).
UPDATE_SQL = """
    WITH config AS (SELECT %s::regconfig AS name)
    UPDATE archive_article AS a SET search_vector =
        setweight(to_tsvector(config.name, coalesce(a.title, '')), 'A')
        || setweight(to_tsvector(config.name, concat_ws(' ', a.deck, a.summary,
            (SELECT string_agg(concat_ws(' ', au.honorific, au.name), ' ')
               FROM archive_authorship s JOIN authors_author au ON au.id = s.author_id
              WHERE s.article_id = a.id),
            (SELECT string_agg(concat_ws(' ', t.name, t.description), ' ')
               FROM archive_taggedtopic tt JOIN archive_topic t ON t.id = tt.tag_id
              WHERE tt.content_object_id = a.id))), 'B')
        || setweight(to_tsvector(config.name, coalesce(a.body_html, '')), 'C')
    FROM config
"""


def create_index(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {GIN_INDEX} ON archive_article USING gin (search_vector)"
        )
        schema_editor.execute(UPDATE_SQL, [SEARCH_CONFIG])
    elif connection.vendor == "sqlite":
        schema_editor.execute(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} "
            f"USING fts5(title, secondary, body, tokenize='{FTS5_TOKENIZER}')"
        )
        # Articles that exist already are indexed by `manage.py rebuild_search_index`;
        # a new database has none.


def drop_index(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {GIN_INDEX}")
    elif connection.vendor == "sqlite":
        schema_editor.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")


class Migration(migrations.Migration):
    dependencies = [("archive", "0002_editors_group")]

    operations = [
        migrations.AddField(
            model_name="article",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.RunPython(create_index, drop_index),
    ]
