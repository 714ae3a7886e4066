"""Faceted search: the filters readers combine, and an exact live count for each value.

Values within one facet combine with OR, facets with AND. Each facet's counts
apply every other facet's selection but not its own, so a reader sees how many
results a value would add.

Counting eight facets with SQL joins over a common word's matches is slow, so each
process keeps a `FacetIndex` in memory: every published article's facet values
as numpy arrays, in display order. A search asks the database only which
articles match its words (and how well); selections, counts, ordering and
pagination are a few vectorised passes over the arrays. The index is built from
`published()` and rebuilt when the content version (freshness.py) says the archive
changed or a scheduled article's time arrived, so it never counts what readers may not see.
"""

import datetime
import threading
from dataclasses import dataclass
from itertools import chain

import numpy as np
from django.db import connections, transaction
from django.db.models import FloatField, Func
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.functional import cached_property

from authors.models import OPEN_END, OPEN_START, Affiliation

from .. import freshness
from ..models import (
    Article,
    Authorship,
    TaggedTopic,
    Topic,
)
from .facets import FACETS

AUTHOR = Authorship.Role.AUTHOR
CHUNK = 20_000  # rows fetched at a time while building the index


def _columns(rows, width, dtype=np.int64):
    """A query's rows of numbers as `width` numpy columns.

    Converted a chunk at a time, so the rows never all exist as Python tuples,
    which would raise the worker's peak memory on every build. A plain cursor
    rather than `iterator()`, whose server-side cursor on PostgreSQL costs a round
    trip per few hundred rows.
    """
    sql, params = rows.query.sql_with_params()
    with connections[rows.db].cursor() as cursor:
        cursor.execute(sql, params)
        flat = np.fromiter(chain.from_iterable(_chunks(cursor)), dtype=dtype)
    return [flat[i::width] for i in range(width)]


def _chunks(cursor):
    while rows := cursor.fetchmany(CHUNK):
        yield from rows


class Epoch(Func):
    """A datetime as seconds since 1970: a number, so no datetime object per row."""

    output_field = FloatField()

    def as_postgresql(self, compiler, connection):
        return self.as_sql(compiler, connection, template="EXTRACT(EPOCH FROM %(expressions)s)")

    def as_sqlite(self, compiler, connection):
        template = "(julianday(%(expressions)s) - 2440587.5) * 86400.0"
        return self.as_sql(compiler, connection, template=template)


@dataclass
class FacetColumn:
    """One facet over the index: which documents carry which value."""

    keys: list  # the value a URL names (a slug, or a year as text), by code
    labels: list
    docs: np.ndarray  # document positions, one per (document, value) pair, ascending...
    codes: np.ndarray  # ...and the value's code
    display_rank: np.ndarray  # by code: years newest first, others by label

    @cached_property
    def code_of(self):
        return {key: code for code, key in enumerate(self.keys)}

    @cached_property
    def _by_value(self):
        """The documents grouped by value, and where each value's group starts."""
        order = np.argsort(self.codes, kind="stable")
        starts = np.searchsorted(self.codes[order], np.arange(len(self.keys) + 1))
        return self.docs[order], starts

    def having(self, keys, size):
        """A mask of the documents that carry any of these values."""
        docs, starts = self._by_value
        mask = np.zeros(size, dtype=bool)
        for code in (self.code_of[key] for key in keys if key in self.code_of):
            mask[docs[starts[code] : starts[code + 1]]] = True
        return mask

    def counts(self, mask):
        """How many documents of the mask carry each value, by code."""
        return np.bincount(self.codes[mask[self.docs]], minlength=len(self.keys))


class FacetIndex:
    """Every published article's facet values, held in memory by each process.

    `ids` lists the published articles newest first: an article's position in it
    is its place in the "newest" order, so sorting results is sorting positions.
    """

    _built = {}  # database alias -> FacetIndex
    _lock = threading.Lock()

    def __init__(self, ids, columns, version, built_at, valid_until):
        self.ids = ids
        self.columns = columns
        self.version = version
        self.built_at = built_at
        self.valid_until = valid_until

    @property
    def size(self):
        return len(self.ids)

    @classmethod
    def current(cls, using="default"):
        """This process's index, rebuilt first if anything changed since it was built."""
        version = freshness.current(using)
        index = cls._built.get(using)
        if index is None or not index.is_valid(version):
            with cls._lock:
                index = cls._built.get(using)
                if index is None or not index.is_valid(version):
                    index = cls.build(version, using)
                    cls._built[using] = index
        return index

    def is_valid(self, version):
        """Same content, and no scheduled article's time has come (or the clock gone back)."""
        now = timezone.now()
        return (
            version.token is not None
            and version.key == self.version
            and self.built_at <= now < self.valid_until
        )

    @classmethod
    def build(cls, version, using="default"):
        """Read the archive's facets: a fixed number of queries, whatever its size.

        The version is read before the data, so a change committed while building
        only makes the next request build again, never a stale index look fresh;
        and on PostgreSQL the data is read in one snapshot. (SQLite's transactions
        here take the write lock, which would stall editors for the build.)
        """
        connection = connections[using]
        if connection.vendor != "postgresql" or connection.in_atomic_block:
            return cls._build(version, using)
        with transaction.atomic(using=using):
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            return cls._build(version, using)

    @classmethod
    def _build(cls, version, using):
        built_at = timezone.now()
        articles = Article.objects.using(using)
        published = articles.published()
        docs = published.order_by("-published_at", "-pk").values_list(
            "pk", Epoch("published_at"), "article_type", Coalesce("series", 0)
        )
        ids, times, types, series = _columns(docs, width=4, dtype=np.float64)
        index = cls(ids.astype(np.int64), {}, version.key, built_at, version.valid_until)
        source = _IndexSource(index, using, times, types, series)
        label_queries = [facet.all_labels().using(using) for facet in FACETS if not facet.numeric]
        labels = {facet.name: {} for facet in FACETS}
        for name, pk, key, label in label_queries[0].union(*label_queries[1:], all=True):
            labels[name][pk] = (key, label)
        for facet in FACETS:
            positions, value_ids = facet.pairs(source)
            values, codes = np.unique(value_ids, return_inverse=True)
            index.columns[facet.name] = cls._column(
                facet, labels[facet.name], values, positions, codes
            )
        return index

    @cached_property
    def _by_id(self):
        return np.argsort(self.ids)

    def locate(self, article_ids):
        """Positions of the articles the index holds, and a mask of which ones those are.

        An article published since the build is simply not there: it waits for the
        next build, which the version change that published it triggers.
        """
        if not self.size:
            return np.empty(0, dtype=np.int64), np.zeros(len(article_ids), dtype=bool)
        slots = np.searchsorted(self.ids, article_ids, sorter=self._by_id)
        positions = self._by_id[slots.clip(0, self.size - 1)]
        present = self.ids[positions] == article_ids
        return positions[present], present

    @staticmethod
    def _column(facet, labels, values, docs, codes):
        if facet.numeric:
            keys = [str(value) for value in values]
            named = list(keys)
            display_rank = np.argsort(np.argsort(-values))
        else:
            keys = [labels[value][0] for value in values]
            named = [labels[value][1] for value in values]
            by_label = sorted(range(len(named)), key=lambda code: facet.sort_key(named[code]))
            display_rank = np.empty(len(named), dtype=np.int64)
            display_rank[by_label] = np.arange(len(named))
        by_doc = np.argsort(docs, kind="stable")  # counting then reads the masks in order
        return FacetColumn(
            keys,
            named,
            docs[by_doc].astype(np.int32),
            codes[by_doc].astype(np.int32),
            display_rank,
        )


class _IndexSource:
    """What the facets are read from while an index is built; each query runs once."""

    def __init__(self, index, using, timestamps, types, series):
        self.index, self.using, self.size = index, using, len(timestamps)
        self.timestamps = timestamps
        self.types = types.astype(np.int64)
        self.series = series.astype(np.int64)

    def link(self, rows):
        """(positions, value ids) from (article id, value id) rows.

        Rows of unpublished articles are dropped here, as the index does not hold
        them: cheaper than a join to the articles in each query.
        """
        article_ids, value_ids = _columns(rows, width=2)
        positions, present = self.index.locate(article_ids)
        return positions, value_ids[present]

    @cached_property
    def years(self):
        """Each document's year in the current time zone, from the instants years begin."""
        if not self.size:
            return np.empty(0, dtype=np.int64)
        zone = timezone.get_current_timezone()
        span = [
            datetime.datetime.fromtimestamp(t, datetime.UTC).year for t in self.timestamps[[-1, 0]]
        ]
        years = np.arange(max(span[0] - 1, 1), span[1] + 2)
        starts = [datetime.datetime(year, 1, 1, tzinfo=zone).timestamp() for year in years]
        return years[np.searchsorted(starts, self.timestamps, side="right") - 1]

    @cached_property
    def topic_links(self):
        return self.link(TaggedTopic.objects.using(self.using).values_list("content_object", "tag"))

    @cached_property
    def _topic_themes(self):
        topics = Topic.objects.using(self.using).order_by("pk")
        return _columns(topics.values_list("pk", Coalesce("theme", 0)), width=2)

    def themes_of(self, topic_ids):
        """Each topic's theme id (0 for none, or for a topic deleted since its links were read)."""
        topics, themes = self._topic_themes
        if not len(topics):
            return np.zeros(len(topic_ids), dtype=np.int64)
        slots = np.searchsorted(topics, topic_ids).clip(0, len(topics) - 1)
        return np.where(topics[slots] == topic_ids, themes[slots], 0)

    @cached_property
    def bylines(self):
        authorships = Authorship.objects.using(self.using).filter(role=AUTHOR)
        return self.link(authorships.values_list("article", "author"))

    @cached_property
    def affiliations(self):
        """(author, institution, first year, last year) arrays, sorted by author; open
        ends as `years_cover()` takes them."""
        first, last = Coalesce("start_year", OPEN_START), Coalesce("end_year", OPEN_END)
        rows = (
            Affiliation.objects.using(self.using)
            .order_by("author", "pk")
            .values_list("author", "institution", first, last)
        )
        return _columns(rows, width=4)
