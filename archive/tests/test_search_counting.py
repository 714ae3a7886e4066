"""Facet counts taken from the other side (everything less the misses) are the same counts,
and what is kept of everything follows every change readers could see."""

import datetime
import os
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import transaction
from django.utils import timezone

from archive.search import counting
from archive.search import engine as search_engine
from archive.tests.factories import ArticleFactory, ThemeFactory, TopicFactory
from archive.tests.test_facets import WORDS, corpus  # noqa: F401 - the corpus fixture
from archive.tests.test_search_engine import value_ids

pytestmark = pytest.mark.django_db


@pytest.fixture
def saved(django_capture_on_commit_callbacks):
    def run(change):
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            return change()

    return run


def counted(text, filters, mostly, monkeypatch):
    monkeypatch.setattr(counting, "MOSTLY", mostly)
    hits = search_engine.search(text, filters, sort="newest", limit=1000)
    return hits.total, hits.counts


def test_counting_the_misses_gives_the_counts_of_the_matches(corpus, monkeypatch):  # noqa: F811
    ids = value_ids()
    theme = next(iter(ids["theme"].values()))
    kind = next(iter(ids["type"].values()))
    selections = [{}, {"theme": [theme]}, {"theme": [theme], "type": [kind]}]
    totals = []
    for text in ["", "text", "-narwhal", *WORDS]:
        for filters in selections:
            directly = counted(text, filters, 2.0, monkeypatch)  # never from the other side
            other_side = counted(text, filters, -1.0, monkeypatch)  # always
            assert other_side == directly, (text, filters)
            totals.append(directly[0])
    assert min(totals) < max(totals)


def test_what_is_kept_of_everything_follows_each_change(saved, monkeypatch):
    monkeypatch.setattr(counting, "MOSTLY", -1.0)
    topic = TopicFactory()
    articles = ArticleFactory.create_batch(3, body="minesweepers", topics=[topic])
    assert search_engine.search("").counts["topic"] == {topic.pk: 3}
    assert search_engine.search("minesweepers").counts["topic"] == {topic.pk: 3}

    articles[0].status = "withdrawn"
    saved(articles[0].save)
    assert search_engine.search("").counts["topic"] == {topic.pk: 2}
    assert search_engine.search("minesweepers").counts["topic"] == {topic.pk: 2}

    other = TopicFactory()
    saved(lambda: articles[1].topics.set([other]))
    assert search_engine.search("").counts["topic"] == {topic.pk: 1, other.pk: 1}


def test_a_scheduled_article_counts_once_it_appears(time_machine, monkeypatch):
    monkeypatch.setattr(counting, "MOSTLY", -1.0)
    now = timezone.now()
    theme = ThemeFactory()
    topic = TopicFactory(theme=theme)
    ArticleFactory(body="tugboats", topics=[topic])
    ArticleFactory(body="tugboats", topics=[topic], published_at=now + datetime.timedelta(hours=1))
    assert search_engine.search("").counts["theme"] == {theme.pk: 1}
    assert search_engine.search("tugboats").counts["theme"] == {theme.pk: 1}

    time_machine.move_to(now + datetime.timedelta(hours=2))
    assert search_engine.search("").counts["theme"] == {theme.pk: 2}
    assert search_engine.search("tugboats").counts["theme"] == {theme.pk: 2}


def test_a_common_word_is_counted_from_the_other_side_and_a_rare_one_directly(monkeypatch):
    ArticleFactory.create_batch(4, body="gunboats")
    ArticleFactory(body="hovercraft")
    sides = []
    original = counting.count_facets

    def spy(searcher, query, filters, split=True, baseline=None):
        sides.append("other side" if baseline else "directly")
        return original(searcher, query, filters, split=split, baseline=baseline)

    monkeypatch.setattr(search_engine, "count_facets", spy)
    for text in ["gunboats", "hovercraft", ""]:
        assert search_engine.search(text).counts["type"]
    assert sides == ["other side", "directly", "other side"]


@pytest.mark.parametrize("threads", [1, 2])
def test_a_deep_page_counts_while_it_is_ranked_and_counts_the_same(corpus, monkeypatch, threads):  # noqa: F811
    """Its matches are counted in a counting thread, which then starts the counts: with a
    single counting thread too (SEARCH_THREADS=1), nothing waits for itself."""
    monkeypatch.setattr(counting, "_pool", (os.getpid(), ThreadPoolExecutor(threads)))
    ids, deep_offset = value_ids(), search_engine.DEEP_OFFSET
    theme = next(iter(ids["theme"].values()))
    for text in ["", "text", *WORDS]:
        for filters in [{}, {"theme": [theme]}]:
            first = search_engine.search(text, filters, sort="relevance", limit=3)
            monkeypatch.setattr(search_engine, "DEEP_OFFSET", 2)
            deep = search_engine.search(text, filters, sort="relevance", offset=3, limit=3)
            monkeypatch.setattr(search_engine, "DEEP_OFFSET", deep_offset)
            assert (deep.total, deep.counts) == (first.total, first.counts), (text, filters)
            whole = search_engine.search(text, filters, sort="relevance", limit=6)
            assert deep.ids == whole.ids[3:6]
