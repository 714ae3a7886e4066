"""A synthetic archive of any size that reads, searches and facets like a think tank's.

Used by `manage.py generate_corpus` for benchmarks. Everything is drawn from one
`random.Random(seed)`, so a seed (and a `today`) gives the same archive every time.
Articles are written with `bulk_create` (no signals, no `save()`), so body HTML and
reading time are computed here and the search engine's index is built at the end.
"""

import datetime as dt
import sys
import time
from random import Random

from django.core.management.color import no_style
from django.db import connections, transaction

from archive import freshness
from archive.models import (
    Article,
    Authorship,
    Region,
    Series,
    TaggedTopic,
    Theme,
    Topic,
)
from authors.models import Affiliation, Author, Institution

from .articles import ArticleDrafter, paragraph_pool
from .people import invent_affiliations, invent_authors
from .taxonomy import Taxonomy
from .writer import ArticleWriter, Progress

TABLES = [
    TaggedTopic,
    Authorship,
    Article.regions.through,
    Article,
    Topic,
    Theme,
    Series,
    Region,
    Affiliation,
    Author,
    Institution,
]


def clear(using):
    """Empty every table the generator fills (TRUNCATE on PostgreSQL, DELETE on SQLite)."""
    connection = connections[using]
    tables = [model._meta.db_table for model in TABLES]
    statements = connection.ops.sql_flush(
        no_style(), tables, reset_sequences=True, allow_cascade=True
    )
    deferred = connection.vendor == "postgresql" and connection.in_atomic_block
    if deferred:  # TRUNCATE refuses while deferred foreign key checks are pending
        statements = ["SET CONSTRAINTS ALL IMMEDIATE", *statements, "SET CONSTRAINTS ALL DEFERRED"]
    connection.ops.execute_sql_flush(statements)


def has_content(using):
    return any(model.objects.using(using).exists() for model in (Article, Author, Topic))


class CorpusGenerator:
    """One archive: vocabulary, authors, a paragraph pool, then the articles in batches."""

    def __init__(
        self,
        articles,
        authors,
        topics,
        seed=1,
        today=None,
        batch_size=2000,
        using="default",
        stream=None,
        progress=True,
        workers=False,
    ):
        self.sizes = {"articles": articles, "authors": authors, "topics": topics}
        self.rng = Random(seed)
        self.today = today or dt.datetime.now(dt.UTC).date()
        self.batch_size, self.using = batch_size, using
        self.stream = stream or sys.stderr
        self.progress = progress
        self.workers = workers
        self.timings = {}

    def run(self):
        """The steps, in order; returns seconds per step."""
        self._timed("vocabulary", self.make_vocabulary)
        self._timed("authors", self.make_authors)
        self._timed("paragraphs", self.make_pool)
        self._timed("articles", self.make_articles)
        self._timed("analyze", self.analyze)
        self._timed("index", self.make_index)
        freshness.renew(self.using)  # bulk inserts send no signals
        return self.timings

    def _timed(self, name, step):
        started = time.perf_counter()
        step()
        self.timings[name] = time.perf_counter() - started

    def _create(self, objects):
        manager = type(objects[0]).objects.using(self.using)
        return manager.bulk_create(objects, batch_size=self.batch_size)

    def make_vocabulary(self):
        with transaction.atomic(using=self.using):
            self.taxonomy = Taxonomy(self.rng, self.sizes, self._create, using=self.using)
        self.taxonomy.prepare_draws()

    def make_authors(self):
        authors = invent_authors(self.rng, self.sizes["authors"])
        affiliations = invent_affiliations(
            self.rng, authors, self.taxonomy.institutions, self.taxonomy.topics
        )
        with transaction.atomic(using=self.using):
            self.authors = self._create(authors)
            self._create(affiliations)

    def make_pool(self):
        self.pool = paragraph_pool(self.rng, self.taxonomy, self.sizes["articles"])

    def make_articles(self):
        """Write the articles in batches, one transaction each."""
        drafter = ArticleDrafter(self.rng, self.taxonomy, self.authors, self.pool, self.today)
        total = self.sizes["articles"]
        progress = Progress(self.stream, "articles", total, self.progress)
        self.writer = ArticleWriter(drafter, self.using, self.batch_size, progress)
        if self.workers:
            self.writer.write_in_parallel(total)
        else:
            self.writer.write_serially(total)

    def make_index(self):
        """The search engine's index, read from the database as `rebuild_search_index` does."""
        self.writer.build_index(self.stream, self.progress)

    def analyze(self):
        """Planner statistics, as a settled archive has them: without, plans assume empty tables."""
        with connections[self.using].cursor() as cursor:
            cursor.execute("ANALYZE")
