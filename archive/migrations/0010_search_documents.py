"""PostgreSQL's vectors move off the article row into a narrow, GIN-indexed table.

A common word matches 80,000 articles: reading them from a table of a few
megabytes instead of the articles' wide rows, and ranking on the small head
vector instead of the whole text, took that search from about a second to tens
of milliseconds at 100,000 articles.
"""

import django.contrib.postgres.search
import django.db.models.deletion
from django.db import migrations, models

# As the search module named them then (it has moved on since: see 0019).
SEARCH_CONFIG = "english"

GIN_INDEX = "archive_searchdocument_vector_gin"
# The indexing SQL as it is at this migration (search.py's INDEX_SQL may move on).
INDEX_SQL = """
    WITH config AS (SELECT %s::regconfig AS name),
    heads AS (
        SELECT a.id, a.body_html,
            setweight(to_tsvector(config.name, coalesce(a.title, '')), 'A')
            || setweight(to_tsvector(config.name, concat_ws(' ', a.deck, a.summary,
                (SELECT string_agg(concat_ws(' ', au.honorific, au.name), ' ')
                   FROM archive_authorship s JOIN authors_author au ON au.id = s.author_id
                  WHERE s.article_id = a.id),
                (SELECT string_agg(concat_ws(' ', t.name, t.description), ' ')
                   FROM archive_taggedtopic tt JOIN archive_topic t ON t.id = tt.tag_id
                  WHERE tt.content_object_id = a.id))), 'B') AS head
        FROM archive_article AS a, config
    )
    INSERT INTO archive_searchdocument (article_id, head, vector)
    SELECT heads.id, heads.head,
           heads.head || setweight(to_tsvector(config.name, coalesce(heads.body_html, '')), 'C')
    FROM heads, config
"""


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return  # SQLite searches its FTS5 table
    schema_editor.execute(f"CREATE INDEX {GIN_INDEX} ON archive_searchdocument USING gin (vector)")
    # No statistics on the vector: with them, the planner sees that a common word
    # matches most rows and scans the table, evaluating @@ on every row, which means
    # decompressing every vector (600 ms at 100,000 articles), where the GIN index
    # answers in 40. It cannot know that cost; without statistics it assumes a word
    # is selective and always takes the index, which is never much slower.
    schema_editor.execute("ALTER TABLE archive_searchdocument ALTER COLUMN vector SET STATISTICS 0")
    schema_editor.execute(INDEX_SQL, [SEARCH_CONFIG])


class Migration(migrations.Migration):
    dependencies = [("archive", "0009_content_version")]

    operations = [
        migrations.CreateModel(
            name="SearchDocument",
            fields=[
                (
                    "article",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="search_document",
                        serialize=False,
                        to="archive.article",
                    ),
                ),
                ("vector", django.contrib.postgres.search.SearchVectorField()),
                ("head", django.contrib.postgres.search.SearchVectorField()),
            ],
        ),
        migrations.RunPython(create_index, migrations.RunPython.noop),
        migrations.RemoveField(model_name="article", name="search_vector"),
    ]
