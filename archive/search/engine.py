"""Which articles match, how well, with which snippet, and how many per facet value.

One tantivy query answers a reader's search: the same web-search syntax as before
(words, "phrases", `or`, `-excluded`), the same field weights (title, then deck,
summary, authors and topics, then body), the editors' vocabulary aliases as synonyms
both ways, and a spelling correction when the words as typed find nothing. Counts
are exact and disjunctive: each facet's counts apply every other facet's selection
but not its own; they are counted in threads while the page's results are made.
"""

import difflib
import re
import time
from dataclasses import dataclass
from functools import cached_property

import tantivy

from .. import freshness
from .changes import sync
from .counting import Baseline, count_facets, counted_meanwhile
from .index import spelling_analyzer, text_analyzer
from .query import clean_query
from .query import parse_web_search as parse
from .reader import Reader

FIELD_BOOSTS = {"title": 10.0, "head": 4.0, "body": 1.0}
SORTS = {"newest": tantivy.Order.Desc, "oldest": tantivy.Order.Asc}
MAX_SYNONYM_WORDS = 6
# From this offset on, ranking a page costs more than counting its matches alone (the engine
# keeps offset + limit hits in order), so the facets are counted meanwhile.
DEEP_OFFSET = 1000
_ANALYZER = text_analyzer()
_WORDS = spelling_analyzer()
FUNCTION_WORDS = "a an and are as at be by for from in is it of on or the to with"
_FUNCTION_WORDS = {token for word in FUNCTION_WORDS.split() for token in _ANALYZER.analyze(word)}
Must, Should, MustNot = tantivy.Occur.Must, tantivy.Occur.Should, tantivy.Occur.MustNot


@dataclass
class Hits:
    """One page of a search: article ids in order, the exact total, counts by value id."""

    ids: list
    total: int
    corrected: str = ""  # the text searched instead of the reader's, when it found nothing
    query: object = None  # the whole query, which the snippets highlight
    matched: object = None  # the words' part: pass it back for the next page of one search
    counting: object = None  # what `counts` waits for: the facet counts being counted
    stems: tuple = ()  # the analysed words the query looks for, which snippets mark

    @cached_property
    def counts(self):
        """facet -> {value id: count}, once the threads counting them are done."""
        return self.counting() if self.counting else {}


def search(
    text="", filters=None, sort="relevance", offset=0, limit=20, using="default", correct=True, **kw
):
    """Search what readers may see now; if the words find nothing, try them spelt right.

    `matched=` a previous page's `Hits.matched` asks for another page of that search
    without parsing, looking up synonyms or correcting the words again.
    """
    text = clean_query(text)
    hits = _search(text, filters or {}, sort, offset, limit, using, **kw)
    if hits.total or not text or not correct or kw.get("matched") is not None:
        return hits
    corrected = spelling_correction(text, using)
    if corrected:
        better = _search(corrected, filters or {}, sort, offset, limit, using, **kw)
        if better.total:
            better.corrected = corrected
            return better
    return hits


def _search(text, filters, sort, offset, limit, using, now=None, counts=True, matched=None):
    sync(using)
    searcher, commit = Reader.snapshot(using)
    builder = QueryBuilder(Reader.schema(using), using)
    now = int(now if now is not None else time.time())
    if matched is None:
        matched = builder.text(text) if text else tantivy.Query.all_query()
    if matched is None:
        return Hits([], 0)
    builder.hide_later = _anything_to_come(searcher, commit, now)
    visible = builder.visible(matched, now) if text else builder.everything(now)
    query = builder.and_all(visible, *builder.selections(filters))
    offset = min(offset, searcher.num_docs)  # the engine keeps offset + limit hits in memory
    counting, words = None, matched if text else None
    if counts and builder.phrases:  # a phrase's positions cost more than its counts
        counting = count_facets(searcher, visible, filters, split=False)
    elif counts and offset >= DEEP_OFFSET:  # so does a deep page's ranking: matches too

        def start_counting():
            matches = searcher.search(query, 1, count=True).count
            return _count(searcher, commit, builder, now, filters, matches, words)

        counting = counted_meanwhile(start_counting)
    found = _page(searcher, query, sort if (text or sort in SORTS) else "newest", offset, limit)
    if counts and counting is None:
        counting = _count(searcher, commit, builder, now, filters, found.count, words)
    return Hits(
        _ids(searcher, found),
        found.count,
        query=query,
        matched=matched,
        counting=counting,
        stems=tuple(builder.stems),
    )


def _page(searcher, query, sort, offset, limit):
    if sort in SORTS:
        order = {"order_by_field": "time", "order": SORTS[sort]}
        return searcher.search(query, limit, count=True, offset=offset, **order)
    return searcher.search(query, limit, count=True, offset=offset)


def _count(searcher, commit, builder, now, filters, matches, words):
    """Count the facets of the `words`' query (None: no words) as readers may find it:
    directly or, when its `matches` are most of what readers may find under the
    filters, from the other side."""
    everything = builder.everything(now)
    if commit is not None:
        baseline = Baseline(
            searcher, commit, everything, now, lambda: builder.next_release(searcher, now)
        )
        selected = builder.and_all(everything, *builder.selections(filters))
        if baseline.mostly(matches, filters, selected):
            misses = baseline.misses(words) if words else None
            return count_facets(searcher, misses, filters, split=False, baseline=baseline)
    visible = builder.visible(words, now) if words else everything
    return count_facets(searcher, visible, filters)


_latest = {}  # index commit -> the latest publication time it holds


def _anything_to_come(searcher, commit, now):
    """Whether the index holds an article scheduled after `now`. Its times are fixed per
    commit and `now` only grows, so once it holds none it never will."""
    latest = _latest.get(commit)
    if latest is None:
        newest_first = {"order_by_field": "time", "order": SORTS["newest"]}
        found = searcher.search(tantivy.Query.all_query(), 1, count=False, **newest_first)
        latest = found.hits[0][0] if found.hits else 0
        if commit is not None:
            if len(_latest) >= 16:  # one per index and commit: the older ones are done with
                _latest.clear()
            _latest[commit] = latest
    return latest > now


def _ids(searcher, found):
    """The article ids of the engine's hits, in its order."""
    return _ids_at(searcher, [address for _, address in found.hits])


def _ids_at(searcher, addresses):
    return [int(pk) for pk in searcher.fast_field_values("id", addresses)] if addresses else []


class QueryBuilder:
    """A parsed web-search query as a tantivy query, with the vocabulary's synonyms."""

    def __init__(self, schema, using="default"):
        self.schema, self.using = schema, using
        self.phrases = False  # whether a phrase is among the terms: its positions are checked
        self.stems = set()  # the analysed words looked for (not those excluded)
        self.hide_later = True  # whether the index may hold articles still to come

    def text(self, text):
        """The words' query, or None when nothing positive is left to find."""
        parsed = parse(text)
        if not parsed:
            return None
        synonyms = vocabulary_synonyms(_candidates(parsed), self.using)
        groups = []
        for positives, negatives in parsed.groups:
            clauses = [(Must, query) for query in self._positives(positives, synonyms)]
            clauses += [(MustNot, self.term(words, wanted=False)) for words in negatives]
            groups.append((Should, tantivy.Query.boolean_query(clauses)))
        return tantivy.Query.boolean_query(groups)

    def _positives(self, positives, synonyms):
        """Each term's query; a run of words (or a phrase) that an alias names may be either."""
        queries, i = [], 0
        while i < len(positives):
            span = _longest_known_span(positives, i, synonyms)
            if span:
                words = [w for term in positives[i : i + span] for w in term]
                as_typed = self.and_all(*(self.term(term) for term in positives[i : i + span]))
                alternatives = [self.term(tuple(_words(s))) for s in synonyms[_key(words)]]
                queries.append(self.any_of(as_typed, *alternatives))
                i += span
            else:
                queries.append(self.term(positives[i]))
                i += 1
        return queries

    def term(self, words, wanted=True):
        """One word or phrase in any text field, weighted by the field."""
        tokens = phrase_positions([token for word in words for token in _ANALYZER.analyze(word)])
        if wanted:
            self.stems.update(token for _, token in tokens)
        if not tokens:
            return tantivy.Query.empty_query()
        per_field = []
        for name, boost in FIELD_BOOSTS.items():
            if len(tokens) == 1:
                query = tantivy.Query.term_query(self.schema, name, tokens[0][1])
            else:
                query = tantivy.Query.phrase_query(self.schema, name, tokens)
                self.phrases = True
            per_field.append(tantivy.Query.boost_query(query, boost))
        return self.any_of(*per_field)

    def visible(self, query, now):
        """`query`'s matches published by now. Scheduled articles are indexed with their
        time: leaving out the few still to come is cheaper than keeping all the rest,
        and needs no filter at all while none is (`hide_later` False)."""
        if not self.hide_later:
            return query
        return tantivy.Query.boolean_query([(Must, query), (MustNot, self.since(now + 1))])

    def everything(self, now):
        """All that readers may find at `now`. The time column's range up to `now` reads
        twice as fast as all documents less the few still to come."""
        if not self.hide_later:
            return tantivy.Query.all_query()
        return tantivy.Query.range_query(self.schema, "time", tantivy.FieldType.Integer, None, now)

    def since(self, start):
        """Whatever is published at `start` (epoch seconds) or later."""
        return tantivy.Query.range_query(
            self.schema, "time", tantivy.FieldType.Integer, start, None
        )

    def next_release(self, searcher, now):
        """When the next article scheduled after `now` appears (None: none is)."""
        found = searcher.search(
            self.since(now + 1), 1, count=False, order_by_field="time", order=SORTS["oldest"]
        )
        return found.hits[0][0] if found.hits else None

    def selections(self, filters):
        return [
            tantivy.Query.term_set_query(self.schema, name, [int(v) for v in values])
            for name, values in filters.items()
            if values
        ]

    @staticmethod
    def and_all(first, *filters):
        """`first`'s scores, restricted by filters that add nothing to them."""
        if not filters:
            return first
        clauses = [(Must, first)]
        clauses += [(Must, tantivy.Query.const_score_query(f, 0.0)) for f in filters]
        return tantivy.Query.boolean_query(clauses)

    @staticmethod
    def any_of(*queries):
        return tantivy.Query.boolean_query([(Should, query) for query in queries])

    @staticmethod
    def all_of(*queries):
        return tantivy.Query.boolean_query([(Must, query) for query in queries])


def phrase_positions(tokens):
    """(offset, token) of a phrase's words, its function words left as gaps.

    "freedom of navigation" finds "freedom", any one word, then "navigation": checking
    where "of" stands in nearly every article was a third of the phrase's cost. A phrase
    of function words alone keeps them all.
    """
    kept = [(n, token) for n, token in enumerate(tokens) if token not in _FUNCTION_WORDS]
    kept = kept or list(enumerate(tokens))
    return [(n - kept[0][0], token) for n, token in kept] if kept else []


def _words(text):
    return re.findall(r"\w+", text)


def _key(words):
    return " ".join(words).lower()


def _candidates(parsed):
    """Phrases and runs of up to MAX_SYNONYM_WORDS words an alias might name."""
    keys = set()
    for positives, _ in parsed.groups:
        for i in range(len(positives)):
            words = []
            for term in positives[i : i + MAX_SYNONYM_WORDS]:
                words += term
                keys.add(_key(words))
    return keys


def _longest_known_span(positives, start, synonyms):
    for span in range(min(MAX_SYNONYM_WORDS, len(positives) - start), 0, -1):
        words = [w for term in positives[start : start + span] for w in term]
        if _key(words) in synonyms:
            return span
    return 0


def vocabulary_synonyms(keys, using="default"):
    """{lower-case text: other texts}: an alias finds what it names, and the reverse."""
    table = _synonym_table(using)
    return {key: table[key] for key in keys if key in table}


_synonyms = {}  # database alias -> (content version key, {key: other texts})


def _synonym_table(using):
    """Every alias both ways, read once per content version: editors add aliases in the
    admin, and saving one renews the version, so a new alias needs no reindexing."""
    from ..models import VocabularyAlias

    version = freshness.current(using).key
    cached = _synonyms.get(using)
    if cached and cached[0] == version:
        return cached[1]
    rows = VocabularyAlias.objects.using(using).values_list(
        "text", "topic__name", "theme__name", "region__name"
    )
    table = {}
    for alias, *targets in rows:
        name = next((target for target in targets if target), None)
        if name and _key(_words(alias)) != _key(_words(name)):
            table.setdefault(_key(_words(alias)), []).append(name)
            table.setdefault(_key(_words(name)), []).append(alias)
    _synonyms[using] = (version, table)
    return table


def spelling_correction(text, using="default"):
    """The text with each unknown word replaced by the closest known one, or ""."""
    searcher = Reader.searcher(using)
    corrections = {}
    for word in {w for positives, _ in parse(text).groups for term in positives for w in term}:
        tokens = _WORDS.analyze(word)
        if len(tokens) != 1 or len(tokens[0]) < 3 or searcher.doc_freq("words", tokens[0]):
            continue
        known = dict(searcher.terms_with_prefix("words", tokens[0][0], limit=50_000))
        close = difflib.get_close_matches(tokens[0], list(known), n=5, cutoff=0.75)
        if close:
            best_ratio = difflib.SequenceMatcher(None, tokens[0], close[0]).ratio()
            equally_close = [
                c
                for c in close
                if difflib.SequenceMatcher(None, tokens[0], c).ratio() == best_ratio
            ]
            corrections[word] = max(equally_close, key=lambda c: known[c])
    if not corrections:
        return ""
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, corrections)) + r")\b")
    return pattern.sub(lambda m: corrections[m.group(1)], text)


def _everything(using, now):
    """(searcher, query builder, query for all readers may find now, now), the index synced."""
    sync(using)
    searcher, commit = Reader.snapshot(using)
    builder = QueryBuilder(Reader.schema(using), using)
    now = int(now if now is not None else time.time())
    builder.hide_later = _anything_to_come(searcher, commit, now)
    return searcher, builder, builder.everything(now), now


def newest_ids(lists, using="default", now=None):
    """For each (facet selections, limit), the ids of its newest articles: one sync for all."""
    searcher, builder, everything, now = _everything(using, now)
    newest = []
    for filters, limit in lists:
        selections = builder.selections(filters)
        query = builder.visible(builder.all_of(*selections), now) if selections else everything
        found = searcher.search(
            query, limit, count=False, order_by_field="time", order=SORTS["newest"]
        )
        newest.append(_ids(searcher, found))
    return newest


def related_ids(topic_ids, exclude, limit, candidates, using="default", now=None):
    """The ids of the `limit` articles readers may find that share the most of these
    topics (newest first among equals), chosen among the newest `candidates` that share
    any: found by the time column, then scored by their shared topics since the oldest
    of them (a set of ids as a query cost ten times more than the range)."""
    searcher, builder, _, now = _everything(using, now)
    schema = builder.schema
    itself = tantivy.Query.term_set_query(schema, "id", [int(exclude)])
    topics = tantivy.Query.term_set_query(schema, "topic", [int(pk) for pk in topic_ids])
    sharing = builder.visible(tantivy.Query.boolean_query([(Must, topics), (MustNot, itself)]), now)
    newest = searcher.search(
        sharing, candidates, count=False, order_by_field="time", order=SORTS["newest"]
    ).hits
    if not newest:
        return []
    time_of = {_place(address): time for time, address in newest}
    shared_topics = builder.any_of(
        *(
            tantivy.Query.const_score_query(
                tantivy.Query.term_set_query(schema, "topic", [int(pk)]), 1.0
            )
            for pk in topic_ids
        )
    )
    scored = tantivy.Query.boolean_query([(Must, shared_topics), (MustNot, itself)])
    scored = builder.and_all(scored, builder.since(newest[-1][0]))  # the range scores 0 or 1
    scored = searcher.search(builder.visible(scored, now), 2 * candidates, count=False).hits
    among = [(shares, address) for shares, address in scored if _place(address) in time_of]
    among.sort(key=lambda hit: (-hit[0], -time_of[_place(hit[1])]))
    return _ids_at(searcher, [address for _, address in among[:limit]])


def _place(address):
    """A hit's address as a key: where it is in the index."""
    return address.segment_ord, address.doc


def value_counts(name, using="default", now=None):
    """How many articles readers may find now carry each value of one facet, by value id:
    the counts of a search for everything, which each process keeps per index commit."""
    return search("", {}, limit=1, using=using, now=now).counts[name]


def visible_ids(using="default", now=None):
    """Every article id a reader could find now: what the property test compares."""
    searcher, _, everything, _ = _everything(using, now)
    found = searcher.search(everything, max(searcher.num_docs, 1), count=False)
    return set(_ids(searcher, found))
