"""A reader's search: words, facet selections and sort, answered by the search engine.

The engine (engine.py) finds, orders and counts; this turns the reader's slugs into the
engine's value ids, asks for one page at a time, and labels and orders the counts.
"""

import heapq
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils.functional import cached_property

from ..models import Article
from . import engine, highlight
from .facets import FACETS, FACETS_BY_NAME, Facet, FacetLabels

FIRST_RESULTS = 20  # asked for with the counts: the first page costs one engine query
NO_VALUE = 0  # no value's id: a selection of values the archive does not have finds nothing


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
    """Results in display order, asked of the engine and the database a slice at a time.

    A Paginator takes it as it is: its length is the engine's exact count, and a page is
    one engine query for its ids and one database query for twenty articles.
    """

    def __init__(self, search, queryset):
        self.search = search
        self.queryset = queryset

    def __len__(self):
        return self.search.total

    def __getitem__(self, key):
        if not isinstance(key, slice):
            return self[key : key + 1 or None][0]
        start, stop, _ = key.indices(len(self))
        ids = self.search.page_ids(start, stop - start)
        found = {article.pk: article for article in self.queryset.filter(pk__in=ids)} if ids else {}
        return [found[pk] for pk in ids if pk in found]


class FacetedSearch:
    """A reader's search: text, facet selections and sort, over published articles only.

    When the words as typed find nothing, the engine searches them spelt right and
    `corrected` says what it searched; `exact` turns that off. `counted=False` is for
    what shows no facets (feeds, exports): the engine then counts nothing.
    """

    def __init__(self, text="", filters=None, sort="newest", exact=False, counted=True, offset=0):
        self.text = text
        self.offset = offset  # where the page the reader asked for starts: asked for first
        self.filters = {name: list(values) for name, values in (filters or {}).items() if values}
        self.sort = sort if (sort != "relevance" or text) else "newest"
        self.exact = exact
        self.counted = counted

    @cached_property
    def labels(self):
        return FacetLabels.current()

    @cached_property
    def _selections(self):
        """The selected values as the engine's ids, by facet."""
        selections = {}
        for name, keys in self.filters.items():
            ids = [self.labels.id_of(FACETS_BY_NAME[name], key) for key in keys]
            selections[name] = [pk for pk in ids if pk is not None] or [NO_VALUE]
        return selections

    @cached_property
    def _first(self):
        """The results from `offset` with the total, the counts and any correction: one query."""
        return engine.search(
            self.text,
            self._selections,
            self.sort,
            offset=self.offset,
            limit=FIRST_RESULTS,
            correct=not self.exact,
            counts=self.counted,
        )

    @property
    def total(self):
        return self._first.total

    @property
    def corrected(self):
        """The words searched instead of the reader's, which found nothing ("" if none)."""
        return self._first.corrected

    def page_ids(self, offset, limit):
        """The ids of `limit` results from `offset` on, in the order the reader asked for."""
        first, start = self._first, offset - self.offset
        if offset >= first.total or limit <= 0:
            return []
        if start >= 0 and offset + limit <= self.offset + len(first.ids):
            return first.ids[start : start + limit]
        page = engine.search(
            self.text,
            self._selections,
            self.sort,
            offset=offset,
            limit=limit,
            counts=False,
            matched=first.matched,
        )
        return page.ids

    def ordered_ids(self):
        """The article ids of every result, in the order the reader asked for."""
        return self.page_ids(0, self.total)

    def first(self, limit):
        """The first `limit` results as a queryset (unordered), for feeds to page through."""
        return Article.objects.published().filter(pk__in=self.page_ids(0, limit))

    def results(self, queryset=None):
        """The results as a lazy sequence of articles (as cards show them by default, with
        the HTML bodies their snippets are made from when words are searched)."""
        if queryset is None:
            queryset = Article.objects.for_cards(*(["body_html"] if self.text else []))
        return SearchResults(self, queryset.published().order_by())

    def add_snippets(self, articles):
        """Set `article.snippet` (safe HTML with <mark>) on a page's articles."""
        articles = list(articles)
        if not articles or not self.text:
            return articles
        if any("body_html" in article.get_deferred_fields() for article in articles):
            rows = Article.objects.filter(pk__in=[article.pk for article in articles])
            bodies = dict(rows.values_list("pk", "body_html"))
        else:
            bodies = {article.pk: article.body_html for article in articles}
        marked = highlight.snippets(self._first, bodies)
        for article in articles:
            article.snippet = highlight.render(marked.get(article.pk, ""))
        return articles

    def years_without_articles(self):
        """Selected years in which nothing readers may see was published."""
        return [
            year
            for year in self.filters.get("year", [])
            if not engine.search("", {"year": [int(year)]}, limit=1, counts=False).total
        ]

    def counts_by_id(self, name):
        """One facet's count for every value it has here, by value id."""
        return self._first.counts.get(name, {})

    def facets(self, limit=100):
        """Every facet's counts, sorted for display and cut to `limit`, selections kept."""
        results, missing = [], {}
        for facet in FACETS:
            chosen = self.filters.get(facet.name, [])
            shown = self._counted(facet, limit, chosen)
            counted = {value.value for value in shown}
            missing[facet] = [key for key in chosen if key not in counted]
            results.append(FacetCounts(facet, shown))
        self._add_uncounted_selections(results, missing)
        for counts in results:
            counts.values.sort(key=self._display_order(counts.facet))
        return results

    def _counted(self, facet, limit, chosen):
        """A facet's first `limit` values in display order, and the chosen ones after them.

        A common word counts thousands of authors: only values with at least the count of
        the `limit`-th are labelled and sorted.
        """
        counts = self._first.counts.get(facet.name, {})  # the engine counts no zeros
        if not facet.numeric and len(counts) > limit:
            least = heapq.nlargest(limit, counts.values())[-1]
            wanted = {self.labels.id_of(facet, key) for key in chosen}
            counts = {value: n for value, n in counts.items() if n >= least or value in wanted}
        values = []
        for value_id, count in counts.items():
            named = self.labels.of(facet, value_id)
            if named:
                values.append(FacetValue(named[0], named[1], count, named[0] in chosen))
        values.sort(key=self._display_order(facet))
        return [*values[:limit], *(value for value in values[limit:] if value.selected)]

    @staticmethod
    def _display_order(facet):
        if facet.numeric:
            return lambda v: -int(v.value)
        return lambda v: (-v.count, facet.sort_key(v.label))

    @staticmethod
    def _add_uncounted_selections(results, missing):
        """Selected values with no result here: shown with 0, labelled only if readers may
        see them (a draft's topic stays unnamed), in one query."""
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
