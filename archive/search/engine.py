"""Full-text search: one configuration, two engines, one entry point.

`match_scores(text)` works alike on PostgreSQL (a stored, weighted tsvector with a
GIN index, queried with `websearch_to_tsquery`) and on SQLite (an FTS5 table ranked
with bm25): every matching article's id and rank at once, as arrays, which the
search page's facet index (index.py) works from. Both accept the syntax readers
know from web search: words, "exact phrases", `or`, and `-excluded` words.

The index is kept current on every save of an article, its byline, its topics,
an author or a topic (see `signals.py`); `manage.py rebuild_search_index`
rebuilds it from scratch, e.g. after a bulk import that bypassed signals.
"""

import html

import numpy as np
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import NotSupportedError, connections
from django.db.models import F, Func, Value
from django.utils.html import escape, strip_tags
from django.utils.safestring import mark_safe

from ..models import Article, SearchDocument
from .query import HIGHLIGHT_START, HIGHLIGHT_STOP, clean_query, parse_web_search, to_fts5

# What is indexed, and how much each part weighs.
SEARCH_CONFIG = "english"  # PostgreSQL text search configuration: stemming and stop words.
FTS5_TOKENIZER = "porter unicode61 remove_diacritics 2"  # SQLite's nearest equivalent.
FTS_TABLE = "archive_article_fts"
# Title A; deck, summary, author names and topics B; body C.
FTS5_COLUMN_WEIGHTS = (10.0, 4.0, 1.0)  # bm25 weights of the FTS5 columns, in that order.
FTS5_RANK = f"-bm25({FTS_TABLE}, {', '.join(str(w) for w in FTS5_COLUMN_WEIGHTS)})"

SNIPPET_WORDS = 28
SNIPPET_ELLIPSIS = "…"


def render_highlight(marked_text):
    """Escape a snippet from an engine and turn its markers into <mark> elements."""
    text = escape(html.unescape(marked_text or ""))
    text = text.replace(HIGHLIGHT_START, "<mark>").replace(HIGHLIGHT_STOP, "</mark>")
    return mark_safe(" ".join(text.split()))


def no_scores():
    return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float64)


def body_text(body_html):
    return html.unescape(strip_tags(body_html or ""))


class PostgresEngine:
    """A `SearchDocument` row per article: the weighted vector, GIN-indexed, and its head.

    The vectors live off the article row so that a common word's many matches are
    read from a narrow table, not from the articles' wide rows. Ranking reads only
    the head (title, deck, summary, authors, topics), because ranking whole vectors
    means decompressing every matching body: the body decides whether an article
    matches, the head how well (figures in bench/README.md).
    """

    def scores(self, using, text, ranked):
        """Every matching article's id and rank, published or not, as two arrays.

        They come back packed, 8 bytes an id and 4 a rank, in two values that numpy
        reads as they are: parsed as arrays or rows, a common word's matches cost more
        than the database took to find and rank them.
        """
        if not parse_web_search(text):
            return no_scores()
        rank = SearchRank(F("head"), self._query(text)) if ranked else Value(0.0)
        rows = self._documents(text).annotate(rank=rank).values_list("article", "rank")
        sql, params = rows.query.sql_with_params()
        with connections[using].cursor() as cursor:
            cursor.execute(
                "SELECT string_agg(int8send(m.article), ''),"
                " string_agg(float4send(m.rank::real), '')"
                f" FROM ({sql}) AS m(article, rank)",
                params,
            )
            ids, ranks = cursor.fetchone()
        return (
            np.frombuffer(ids or b"", dtype=">i8").astype(np.int64),
            np.frombuffer(ranks or b"", dtype=">f4").astype(np.float64),
        )

    def _documents(self, text):
        return SearchDocument.objects.filter(vector=self._query(text))

    def snippets(self, articles, text):
        """Highlighted body snippets for just these articles (one query)."""
        plain_body = Func(
            F("body_html"), Value("<[^>]+>"), Value(" "), Value("g"), function="regexp_replace"
        )
        headline = SearchHeadline(
            plain_body,
            self._query(text),
            config=SEARCH_CONFIG,
            start_sel=HIGHLIGHT_START,
            stop_sel=HIGHLIGHT_STOP,
            max_words=SNIPPET_WORDS,
            min_words=SNIPPET_WORDS // 2,
            max_fragments=2,
            fragment_delimiter=f" {SNIPPET_ELLIPSIS} ",
        )
        rows = Article.objects.filter(pk__in=[a.pk for a in articles]).annotate(snippet=headline)
        return dict(rows.values_list("pk", "snippet"))

    def index(self, connection, article_ids):
        with connection.cursor() as cursor:
            cursor.execute(
                self.INDEX_SQL.format(articles="WHERE a.id = ANY(%s)"),
                [SEARCH_CONFIG, list(article_ids)],
            )

    def rebuild(self, connection):
        with connection.cursor() as cursor:
            cursor.execute(self.INDEX_SQL.format(articles=""), [SEARCH_CONFIG])

    def remove(self, connection, article_ids):
        """Nothing to do: deleting an article cascades to its search document."""

    @staticmethod
    def _query(text):
        return SearchQuery(text, search_type="websearch", config=SEARCH_CONFIG)

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
            FROM archive_article AS a, config {articles}
        )
        INSERT INTO archive_searchdocument (article_id, head, vector)
        SELECT heads.id, heads.head,
               heads.head || setweight(to_tsvector(config.name, coalesce(heads.body_html, '')), 'C')
        FROM heads, config
        ON CONFLICT (article_id) DO UPDATE SET head = EXCLUDED.head, vector = EXCLUDED.vector
    """


class SQLiteEngine:
    def scores(self, using, text, ranked):
        """(article id, rank) of every article that matches, published or not.

        The FTS table alone answers: joining the articles' wide rows to filter
        them costs many times the match itself for a common word.
        """
        parsed = parse_web_search(text)
        if not parsed:
            return no_scores()
        rank = FTS5_RANK if ranked else "0.0"
        with connections[using].cursor() as cursor:
            cursor.execute(
                f"SELECT rowid, {rank} FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s",
                [to_fts5(parsed)],
            )
            rows = np.array(cursor.fetchall(), dtype=np.float64).reshape(-1, 2)
        return rows[:, 0].astype(np.int64), rows[:, 1]

    def snippets(self, articles, text):
        parsed = parse_web_search(text)
        ids = [a.pk for a in articles]
        if not parsed or not ids:
            return {}
        placeholders = ", ".join(["%s"] * len(ids))
        sql = (
            f"SELECT rowid, snippet({FTS_TABLE}, 2, %s, %s, %s, %s) FROM {FTS_TABLE}"
            f" WHERE {FTS_TABLE} MATCH %s AND rowid IN ({placeholders})"
        )
        params = [HIGHLIGHT_START, HIGHLIGHT_STOP, SNIPPET_ELLIPSIS, SNIPPET_WORDS]
        with connections[articles[0]._state.db].cursor() as cursor:
            cursor.execute(sql, [*params, to_fts5(parsed), *ids])
            return dict(cursor.fetchall())

    def index(self, connection, article_ids):
        article_ids = list(article_ids)
        self.remove(connection, article_ids)
        articles = Article.objects.using(connection.alias).filter(pk__in=article_ids)
        self._insert(connection, articles)

    def rebuild(self, connection):
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {FTS_TABLE}")
        self._insert(connection, Article.objects.using(connection.alias).all())

    def remove(self, connection, article_ids):
        with connection.cursor() as cursor:
            cursor.executemany(
                f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", [[pk] for pk in article_ids]
            )

    def prune(self, connection):
        """Drop index rows whose article is gone (a flush or raw SQL delete skips signals)."""
        with connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {FTS_TABLE} WHERE rowid NOT IN (SELECT id FROM archive_article)"
            )

    @staticmethod
    def _insert(connection, articles, batch_size=500):
        articles = articles.prefetch_related("authorships__author", "topics").order_by("pk")
        sql = f"INSERT INTO {FTS_TABLE} (rowid, title, secondary, body) VALUES (%s, %s, %s, %s)"
        batch = []
        with connection.cursor() as cursor:
            for article in articles.iterator(chunk_size=batch_size):
                secondary = [
                    article.deck,
                    article.summary,
                    *(a.author.display_name for a in article.authorships.all()),
                    *(f"{t.name} {t.description}" for t in article.topics.all()),
                ]
                row = (article.pk, article.title, " ".join(secondary), body_text(article.body_html))
                batch.append(row)
                if len(batch) == batch_size:
                    cursor.executemany(sql, batch)
                    batch = []
            if batch:
                cursor.executemany(sql, batch)


ENGINES = {"postgresql": PostgresEngine(), "sqlite": SQLiteEngine()}


def engine_for(connection):
    try:
        return ENGINES[connection.vendor]
    except KeyError:
        raise NotSupportedError(
            f"Full-text search supports PostgreSQL and SQLite, not {connection.vendor}."
        ) from None


def index_articles(article_ids, using="default"):
    """Bring the index up to date for these articles (called from signals)."""
    article_ids = {pk for pk in article_ids if pk is not None}
    if article_ids:
        connection = connections[using]
        engine_for(connection).index(connection, sorted(article_ids))


def match_scores(text, ranked=True, using="default"):
    """(ids, ranks): arrays of every article matching `text`, drafts included.

    The caller keeps only those it may show (the facet index holds published ones).
    Without `ranked`, every rank is 0 and the engine skips the ranking work.
    """
    return engine_for(connections[using]).scores(using, clean_query(text), ranked)


def remove_articles(article_ids, using="default"):
    connection = connections[using]
    engine_for(connection).remove(connection, list(article_ids))


def prune_index(using="default"):
    """Only SQLite needs this: on PostgreSQL a deleted row takes its vector with it."""
    connection = connections[using]
    if connection.vendor == "sqlite" and FTS_TABLE in connection.introspection.table_names():
        ENGINES["sqlite"].prune(connection)


def rebuild_index(using="default"):
    connection = connections[using]
    engine_for(connection).rebuild(connection)


def add_snippets(articles, text):
    """Set `article.snippet` (safe HTML with <mark>) on the articles of one page."""
    articles = list(articles)
    if not articles or not text:
        return articles
    marked = engine_for(connections[articles[0]._state.db]).snippets(articles, text)
    for article in articles:
        article.snippet = render_highlight(marked.get(article.pk, ""))
    return articles
