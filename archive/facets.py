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
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import chain

import numpy as np
from django.db import connections, transaction
from django.db.models import CharField, FloatField, Func, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.functional import cached_property

from authors.models import OPEN_END, OPEN_START, Affiliation, Author, Institution, years_cover

from . import freshness
from .models import (
    Article,
    ArticleType,
    Authorship,
    Region,
    Series,
    TaggedTopic,
    Theme,
    Topic,
)
from .search import match_scores

AUTHOR = Authorship.Role.AUTHOR
CHUNK = 20_000  # rows fetched at a time while building the index


@dataclass(frozen=True)
class Facet:
    name: str
    label: str
    numeric: bool = False

    def pairs(self, source):
        """(document positions, value ids): every published article's values, as arrays."""
        raise NotImplementedError

    def all_labels(self):
        """(facet, value id, key, label) rows for every value this facet can take."""
        model, label = self.label_source
        return (
            model.objects.annotate(facet=Value(self.name, output_field=CharField()))
            .values_list("facet", "pk", "slug", label)
            .order_by()
        )

    def label_rows(self, values):
        """(facet, value, label) rows for selected values the index does not hold."""
        model, label = self.label_source
        return (
            model.objects.public()
            .filter(slug__in=values)
            .annotate(facet=Value(self.name, output_field=CharField()))
            .values_list("facet", "slug", label)
            .order_by()
        )


class ThemeFacet(Facet):
    label_source = (Theme, "name")

    def pairs(self, source):
        """An article is in a theme once, however many of its topics roll up to it."""
        docs, topics = source.topic_links
        themes = source.themes_of(topics)
        return _unique_pairs(docs[themes > 0], themes[themes > 0])


class TopicFacet(Facet):
    label_source = (Topic, "name")

    def pairs(self, source):
        return source.topic_links


class AuthorFacet(Facet):
    label_source = (Author, "name")

    def pairs(self, source):
        return source.bylines


class InstitutionFacet(Facet):
    """Institutions the authors belonged to when the article came out."""

    label_source = (Institution, "name")

    def pairs(self, source):
        """Bylines joined to affiliations held in the article's year, in numpy.

        Vectorised, with the rule itself from `authors.models.years_cover()` (the twin
        of `held_in()`, which `Article.objects.by_institution()` uses); the property test
        in test_facets.py checks the counts agree. In SQL this join would read every
        published article's row.
        """
        docs, authors = source.bylines
        held = source.affiliations  # (author, institution, first year, last year), by author
        first = np.searchsorted(held[0], authors, side="left")
        last = np.searchsorted(held[0], authors, side="right")
        per_byline = last - first
        byline = np.repeat(np.arange(len(docs)), per_byline)
        row = np.arange(per_byline.sum()) - np.repeat(
            np.cumsum(per_byline) - per_byline, per_byline
        )
        row += first[byline]
        year = source.years[docs[byline]]
        kept = years_cover(held[2][row], held[3][row], year)
        return _unique_pairs(docs[byline][kept], held[1][row][kept])


class TypeFacet(Facet):
    label_source = (ArticleType, "name")

    def pairs(self, source):
        return np.arange(source.size), source.types


class SeriesFacet(Facet):
    label_source = (Series, "name")

    def pairs(self, source):
        in_series = np.flatnonzero(source.series)
        return in_series, source.series[in_series]


class RegionFacet(Facet):
    label_source = (Region, "name")

    def pairs(self, source):
        links = Article.regions.through.objects.using(source.using)
        return source.link(links.values_list("article", "region"))


class YearFacet(Facet):
    """Years in the site's time zone, as the listings' `published_at__year` sees them."""

    def pairs(self, source):
        return np.arange(source.size), source.years

    def all_labels(self):
        return None  # a year is its own key and label

    def label_rows(self, values):
        return None


FACETS = [
    ThemeFacet("theme", "Theme"),
    TopicFacet("topic", "Topic"),
    AuthorFacet("author", "Author"),
    InstitutionFacet("institution", "Institution"),
    TypeFacet("type", "Type"),
    SeriesFacet("series", "Series"),
    RegionFacet("region", "Region"),
    YearFacet("year", "Year", numeric=True),
]
FACETS_BY_NAME = {facet.name: facet for facet in FACETS}


def _unique_pairs(docs, values):
    """Each (document, value) pair once, as two arrays."""
    keys = np.unique((docs.astype(np.int64) << 32) | values.astype(np.int64))
    return keys >> 32, keys & 0xFFFFFFFF


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
            by_label = sorted(range(len(named)), key=lambda code: named[code].lower())
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


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class FacetCounts:
    facet: Facet
    values: list = field(default_factory=list)

    @property
    def name(self):
        return self.facet.name

    @property
    def label(self):
        return self.facet.label


class SearchResults(Sequence):
    """Results in display order, fetched from the database only a slice at a time.

    A Paginator takes it as it is: its length is the count, and a page is one
    query for twenty articles (with what a result card needs), however deep.
    """

    def __init__(self, ids, queryset):
        self.ids = ids
        self.queryset = queryset

    def __len__(self):
        return len(self.ids)

    def __getitem__(self, key):
        if not isinstance(key, slice):
            return self[key : key + 1 or None][0]
        ids = [int(pk) for pk in self.ids[key]]
        found = {article.pk: article for article in self.queryset.filter(pk__in=ids)} if ids else {}
        return [found[pk] for pk in ids if pk in found]


class FacetedSearch:
    """A reader's search: text, facet selections and sort, over published articles only."""

    def __init__(self, text="", filters=None, sort="newest"):
        self.text = text
        self.filters = {name: list(values) for name, values in (filters or {}).items() if values}
        self.sort = sort if (sort != "relevance" or text) else "newest"

    @cached_property
    def index(self):
        return FacetIndex.current()

    @cached_property
    def _matched(self):
        """(mask of the index's documents that match the text, their ranks or None).

        The one query that depends on the words: the engine finds the matches, and
        ranks them only when the order needs it. Drafts among them are dropped
        here, as the index holds only published articles.
        """
        index = self.index
        if not self.text:
            return np.ones(index.size, dtype=bool), None
        ranked = self.sort == "relevance"
        article_ids, ranks = match_scores(self.text, ranked=ranked)
        positions, present = index.locate(article_ids)
        mask = np.zeros(index.size, dtype=bool)
        mask[positions] = True
        if not ranked:
            return mask, None
        rank = np.zeros(index.size)
        rank[positions] = ranks[present]
        return mask, rank

    @cached_property
    def _selections(self):
        """Each selected facet's mask: the documents with any of its chosen values."""
        index = self.index
        return {
            name: index.columns[name].having(values, index.size)
            for name, values in self.filters.items()
        }

    def _mask(self, skip=None):
        mask = self._matched[0]
        for name, selection in self._selections.items():
            if name != skip:
                mask = mask & selection
        return mask

    @cached_property
    def _hits(self):
        return self._mask()

    @property
    def total(self):
        return int(np.count_nonzero(self._hits))

    def ordered_ids(self):
        """The article ids of every result, in the order the reader asked for."""
        positions = np.flatnonzero(self._hits)
        if self.sort == "oldest":
            positions = positions[::-1]
        elif self.sort == "relevance":
            ranks = self._matched[1][positions]
            positions = positions[np.lexsort((positions, -ranks))]
        return self.index.ids[positions]

    def first(self, limit):
        """The first `limit` results as a queryset (unordered), for feeds to page through."""
        ids = [int(pk) for pk in self.ordered_ids()[:limit]]
        return Article.objects.published().filter(pk__in=ids)

    def results(self, queryset=None):
        """The results as a lazy sequence of articles (as cards show them by default)."""
        if queryset is None:
            queryset = Article.objects.for_cards()
        return SearchResults(self.ordered_ids(), queryset.published().order_by())

    def facets(self, limit=100):
        """Every facet's counts, sorted for display and cut to `limit`, selections kept."""
        index, results, missing = self.index, [], {}
        for facet in FACETS:
            column = index.columns[facet.name]
            selected = self.filters.get(facet.name, [])
            mask = self._mask(skip=facet.name) if facet.name in self.filters else self._hits
            counts = column.counts(mask)
            codes = np.flatnonzero(counts)
            codes = codes[np.lexsort((column.display_rank[codes], -counts[codes]))]
            if facet.numeric:
                codes = codes[np.argsort(column.display_rank[codes], kind="stable")]
            chosen = {column.code_of[key] for key in selected if key in column.code_of}
            shown = [*codes[:limit], *(code for code in codes[limit:] if code in chosen)]
            shown += [code for code in chosen if counts[code] == 0]
            values = [
                FacetValue(
                    column.keys[code], column.labels[code], int(counts[code]), code in chosen
                )
                for code in shown
            ]
            missing[facet] = [key for key in selected if key not in column.code_of]
            results.append(FacetCounts(facet, values))
        self._add_unindexed_selections(results, missing)
        for counts in results:
            if counts.facet.numeric:
                counts.values.sort(key=lambda v: -int(v.value))
            else:
                counts.values.sort(key=lambda v: (-v.count, v.label.lower()))
        return results

    @staticmethod
    def _add_unindexed_selections(results, missing):
        """Selected values no published article has: shown with 0, labelled in one query."""
        labels = {
            (facet.name, value): value
            for facet, values in missing.items()
            if facet.numeric
            for value in values
        }
        label_queries = [
            facet.label_rows(values)
            for facet, values in missing.items()
            if values and not facet.numeric
        ]
        if label_queries:
            for name, value, label in label_queries[0].union(*label_queries[1:], all=True):
                labels[(name, value)] = label
        for counts in results:
            for value in missing[counts.facet]:
                if (counts.name, value) in labels:
                    label = str(labels[(counts.name, value)])
                    counts.values.append(FacetValue(value, label, 0, True))

    def selected(self, facet_counts):
        """(facet, value, label) for each active filter; label None when unknown."""
        labels = {(counts.name, v.value): v.label for counts in facet_counts for v in counts.values}
        return [
            (FACETS_BY_NAME[name], value, labels.get((name, value)))
            for name, values in self.filters.items()
            for value in values
        ]
