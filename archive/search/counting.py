"""Exact, disjunctive facet counts, counted in threads beside the page's results.

A selected facet is counted without its own selection, every other facet under all of
them. A search that matches most of what readers may find is counted from the other
side: what everything counts under the same selections, which does not depend on the
words and is kept per index commit, less what the few articles the words miss count.
"""

import json
import math
import os
import threading
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from operator import itemgetter

import tantivy
from django.conf import settings

from .index import FACET_FIELDS

MAX_FACET_VALUES = 1_000_000  # every value, so that counts are exact
FACETS_BY_COST = ("author", "topic", "region", "institution", "theme", "series", "type", "year")
MOSTLY = 0.5  # the share of everything above which a search's misses are counted instead
KEPT_BASELINES = 32  # selections whose counts of everything a process keeps
_KEY_AND_COUNT = itemgetter("key", "doc_count")  # the engine's value ids are integers


def count_facets(searcher, query, filters, split=True, baseline=None):
    """Start counting every facet's values; return the function that waits for the counts.

    The engine counts in threads (it lets go of the GIL), beside the rest of the page's
    work. `split` counts in two parts at once, the dearest facets dealt out first: each
    part reads every matching document again, which pays for many matches without
    phrases, not for a phrase's positions or for a few misses. With a `Baseline`,
    `query` is what the words miss (`Baseline.misses`; None for nothing), and the
    counts are the baseline's less the misses'.
    """
    parts = 2 if split else 1
    groups = _facet_groups(filters, parts)
    requests = _requests(groups, filters, parts)
    if baseline is not None:
        everything = baseline.counts(groups, requests)
    pending = (
        []
        if query is None
        else [_threads().submit(searcher.aggregate, query, part) for part in requests]
    )

    def counts():
        found = _read(groups, [part.result() for part in pending])
        if baseline is None:
            return found
        return _less(everything(), found)

    return counts


def counted_meanwhile(start):
    """`start()`, which starts counting and returns the wait for the counts, run in a
    counting thread: what it must know first (a deep page's number of matches) is found
    there, beside the page's ranking, and its wait is waited for with the counts."""
    started = _threads().submit(start)
    return lambda: started.result()()


def _facet_groups(filters, parts):
    """(selected facet or None, facets counted under the others' selections) per group.

    The unselected facets form one group per part, the dearest dealt out first; each
    selected facet is a group of its own.
    """
    dearest_first = sorted(FACET_FIELDS, key=FACETS_BY_COST.index)  # a facet left out fails
    selected = [name for name in dearest_first if filters.get(name)]
    unselected = [name for name in dearest_first if name not in selected]
    groups = [(None, unselected[n::parts]) for n in range(parts)]
    return [(skip, names) for skip, names in groups if names] + [
        (name, [name]) for name in selected
    ]


def _requests(groups, filters, parts):
    """The groups' aggregation requests, dealt into `parts` requests (empty ones left out)."""
    requests = [{} for _ in range(parts)]
    for n, (skip, names) in enumerate(groups):
        terms = {name: {"terms": {"field": name, "size": MAX_FACET_VALUES}} for name in names}
        others = [
            _filter_string(name, ids) for name, ids in filters.items() if ids and name != skip
        ]
        request = requests[n % parts]
        if others:
            request[f"group-{n}"] = {"filter": " AND ".join(others), "aggs": terms}
        else:
            request.update(terms)
    return [request for request in requests if request]


def _read(groups, results):
    """facet -> {value id: count} from the engine's answers to `_requests`."""
    result = {}
    for part in results:
        result.update(part)
    found = {}
    for n, (_, names) in enumerate(groups):
        scope = result.get(f"group-{n}", result)
        for name in names:
            buckets = scope.get(name, {}).get("buckets", [])  # none when nothing matched
            found[name] = dict(map(_KEY_AND_COUNT, buckets))
    return found


def _less(everything, misses):
    """Everything's counts less the misses' counts, values left with none left out."""
    counts = {}
    for name, values in everything.items():
        counts[name] = left = values.copy()
        for value, missed in misses.get(name, {}).items():
            if left[value] == missed:
                del left[value]
            else:
                left[value] -= missed
    return counts


def _filter_string(name, values):
    return "(" + " OR ".join(f"{name}:{int(value)}" for value in values) + ")"


_pool = (None, None)  # (process id, executor): threads do not survive a fork


def _threads():
    """This process's counting threads; a forked worker makes its own."""
    global _pool
    if _pool[0] != os.getpid():
        _pool = (os.getpid(), ThreadPoolExecutor(settings.SEARCH_THREADS, "facet-counts"))
    return _pool[1]


class Baseline:
    """What everything readers may find now counts under some selections.

    The same for every search's words: kept per index commit (`Reader.snapshot`) until
    the next scheduled article appears, so that a change or a release counts afresh.
    """

    _kept = OrderedDict()  # (commit, what) -> (since, until, value)
    _lock = threading.Lock()

    def __init__(self, searcher, commit, everything, now, next_release):
        self.searcher, self.commit, self.everything, self.now = searcher, commit, everything, now
        self.next_release = next_release  # () -> when the next scheduled article appears

    def mostly(self, matches, filters, selected):
        """Whether `matches` are most of everything under the `filters` (the `selected`
        query): then counting what the words miss is the cheaper way."""
        key = ("total", json.dumps(filters, sort_keys=True))
        total = self._kept_value(key)
        if total is None:
            total = self._keep(key, self.searcher.search(selected, 1, count=True).count)
        return matches > MOSTLY * total

    def counts(self, groups, requests):
        """The function that waits for everything's counts, kept or being counted."""
        key = ("counts", json.dumps([groups, requests], sort_keys=True))
        kept = self._kept_value(key)
        if kept is not None:
            return lambda: kept
        pending = [_threads().submit(self.searcher.aggregate, self.everything, r) for r in requests]
        return lambda: self._keep(key, _read(groups, [part.result() for part in pending]))

    def misses(self, matched):
        """What readers may find and the words' query `matched` does not match."""
        occur = tantivy.Occur
        return tantivy.Query.boolean_query(
            [(occur.Must, self.everything), (occur.MustNot, matched)]
        )

    def _kept_value(self, what):
        with self._lock:
            kept = self._kept.get((self.commit, what))
            if kept is None or not kept[0] <= self.now < kept[1]:
                return None
            self._kept.move_to_end((self.commit, what))
            return kept[2]

    def _keep(self, what, value):
        until = self.next_release()
        with self._lock:
            self._kept[(self.commit, what)] = (
                self.now,
                math.inf if until is None else until,
                value,
            )
            while len(self._kept) > KEPT_BASELINES:
                self._kept.popitem(last=False)
        return value
