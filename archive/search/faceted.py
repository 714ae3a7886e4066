"""A reader's search: words, facet selections and sort, over the facet index."""

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from django.utils.functional import cached_property

from ..models import (
    Article,
)
from .engine import match_scores
from .facets import FACETS, FACETS_BY_NAME, Facet
from .index import FacetIndex


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
                counts.values.sort(key=lambda v: (-v.count, counts.facet.sort_key(v.label)))
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
