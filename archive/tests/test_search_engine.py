"""The search engine (tantivy): what readers find, how it is counted, and how it stays current."""

import datetime
import subprocess
import sys
import textwrap

import pytest
import tantivy
from django.conf import settings as django_settings
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from archive.models import Article, TaggedTopic, VocabularyAlias
from archive.search import engine as search_engine
from archive.search import highlight
from archive.search import index as search_index
from archive.search.reader import Reader
from archive.search.upkeep import flush
from archive.tests.factories import ArticleFactory, TopicFactory
from archive.tests.test_facets import (  # noqa: F401 - the corpus fixture
    PHRASE,
    WORDS,
    all_values,
    brute_force,
    corpus,
)
from authors.tests.factories import AuthorFactory

pytestmark = pytest.mark.django_db

SLUG_MODELS = {}


@pytest.fixture
def saved(django_capture_on_commit_callbacks):
    """Run a change as the admin does, committed: the index is written before it returns."""

    def run(change):
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            result = change()
        return result

    return run


def titles(hits):
    return [Article.objects.get(pk=pk).title for pk in hits.ids]


def test_web_search_syntax_words_phrases_or_and_exclusions():
    ArticleFactory(title="Ports", body="The navy patrols the sea lanes of the Indian Ocean.")
    ArticleFactory(title="Lanes", body="Sea patrols and the navy's lanes.")
    ArticleFactory(title="Cables", body="Undersea cables cross the ocean floor.")

    assert sorted(titles(search_engine.search("navy lanes"))) == ["Lanes", "Ports"]
    assert titles(search_engine.search('"sea lanes"')) == ["Ports"]
    assert sorted(titles(search_engine.search("cables or ports"))) == ["Cables", "Ports"]
    assert titles(search_engine.search("navy -indian")) == ["Lanes"]
    assert search_engine.search("-navy").total == 0  # nothing positive to find
    assert search_engine.search('"').total == 0


def test_a_phrase_keeps_its_words_in_place_with_one_word_where_a_function_word_was():
    ArticleFactory(title="Freedom of navigation", deck="", summary="", body="")
    ArticleFactory(title="Freedom and navigation", deck="", summary="", body="")
    ArticleFactory(title="Navigation of freedom", deck="", summary="", body="")
    ArticleFactory(title="Freedom to conduct navigation", deck="", summary="", body="")
    ArticleFactory(title="To be or not to be", deck="", summary="", body="")

    found = set(titles(search_engine.search('"freedom of navigation"')))
    assert found == {"Freedom of navigation", "Freedom and navigation"}
    assert titles(search_engine.search('"to be or not to be"')) == ["To be or not to be"]
    assert search_engine.search('"of navigation"').total == 4  # one word: anywhere


def test_title_outweighs_deck_which_outweighs_body():
    ArticleFactory(title="Quiet waters", deck="", summary="", body="A note on submarines.")
    ArticleFactory(title="Submarines", deck="", summary="", body="A note on quiet waters.")
    ArticleFactory(title="Deep sea", deck="Submarines below", summary="", body="A note.")

    assert titles(search_engine.search("submarines")) == ["Submarines", "Deep sea", "Quiet waters"]


def test_words_are_stemmed_and_accents_folded():
    ArticleFactory(title="Navigating the Café economy", body="")

    assert search_engine.search("navigation cafe").total == 1


def test_only_published_articles_are_found_and_scheduled_ones_at_their_time(time_machine):
    now = timezone.now()
    ArticleFactory(title="Out now", body="frigates")
    ArticleFactory(title="Draft", body="frigates", status="draft", published_at=None)
    ArticleFactory(title="Retracted", body="frigates", status="retracted")
    ArticleFactory(title="Soon", body="frigates", published_at=now + datetime.timedelta(hours=1))

    assert titles(search_engine.search("frigates")) == ["Out now"]
    time_machine.move_to(now + datetime.timedelta(hours=2))
    assert sorted(titles(search_engine.search("frigates"))) == ["Out now", "Soon"]


def test_sorting_and_deep_pages():
    base = timezone.now() - datetime.timedelta(days=30)
    for day in range(25):
        ArticleFactory(
            title=f"Day {day}", body="corvettes", published_at=base + datetime.timedelta(day)
        )

    newest = search_engine.search("corvettes", sort="newest", offset=20, limit=20)
    assert newest.total == 25
    assert titles(newest) == [f"Day {day}" for day in range(4, -1, -1)]
    assert titles(search_engine.search("", sort="oldest", limit=2)) == ["Day 0", "Day 1"]


def test_a_typo_that_finds_nothing_is_corrected():
    ArticleFactory(title="Maritime security in the Gulf", body="")

    hits = search_engine.search("maritme")
    assert hits.corrected == "maritime"
    assert titles(hits) == ["Maritime security in the Gulf"]
    assert search_engine.search("maritime").corrected == ""
    assert search_engine.search("zzzzqqq").total == 0


def test_vocabulary_aliases_are_synonyms_both_ways():
    topic = TopicFactory(name="Maritime domain awareness")
    VocabularyAlias.objects.create(text="MDA", topic=topic)
    ArticleFactory(title="Sensors at sea", deck="", summary="", body="MDA needs satellites.")
    ArticleFactory(title="Seeing the sea", deck="", summary="", body="Maritime domain awareness.")

    assert sorted(titles(search_engine.search("MDA"))) == ["Seeing the sea", "Sensors at sea"]
    expanded = search_engine.search("maritime domain awareness")
    assert sorted(titles(expanded)) == ["Seeing the sea", "Sensors at sea"]
    assert titles(search_engine.search('"maritime domain awareness" -satellites')) == [
        "Seeing the sea"
    ]


def test_an_alias_added_after_a_search_is_a_synonym_at_once():
    topic = TopicFactory(name="Maritime domain awareness")
    article = ArticleFactory(title="Sharing the picture at sea", topics=[topic])
    # uncorrected: "MDA" is close enough to "media", which Faker's decks may hold
    assert search_engine.search("MDA", correct=False).total == 0

    VocabularyAlias.objects.create(text="MDA", topic=topic)

    assert search_engine.search("MDA", correct=False).ids == [article.pk]


def test_snippets_are_highlighted_by_the_engine():
    article = ArticleFactory(title="A", body="Ships carry trade. " * 40 + "The amphibious fleet.")

    hits = search_engine.search("amphibious")
    marked = highlight.snippets(hits, {article.pk: article.body_html})[article.pk]
    assert "\ue000amphibious\ue001" in marked
    assert marked.startswith("…")


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_facet_counts_equal_a_brute_force_count(corpus, data):  # noqa: F811
    ids = value_ids()
    values = all_values(corpus)
    text = data.draw(st.sampled_from(["", *WORDS, PHRASE]), label="text")
    filters = {
        name: data.draw(st.lists(st.sampled_from(options), max_size=2, unique=True), label=name)
        for name, options in values.items()
        if options and data.draw(st.booleans(), label=f"use {name}")
    }
    by_id = {name: [ids[name][value] for value in chosen] for name, chosen in filters.items()}
    hits = search_engine.search(text, by_id, sort="newest", limit=1000)
    expected_results, expected_counts = brute_force(corpus, text, filters)

    assert {Article.objects.get(pk=pk).slug for pk in hits.ids} == expected_results
    assert hits.total == len(expected_results)
    assert set(hits.counts) == set(search_index.FACET_FIELDS)
    for name, counts in hits.counts.items():
        keys = {pk: key for key, pk in ids[name].items()}
        assert {keys[pk]: n for pk, n in counts.items()} == expected_counts[name], name


def value_ids():
    """{facet: {slug or year: id}}: the engine counts by id."""
    from archive.search.facets import FACETS

    ids = {}
    for facet in FACETS:
        labels = facet.all_labels()
        ids[facet.name] = {key: pk for _, pk, key, _ in labels} if labels is not None else {}
    ids["year"] = {str(year): year for year in range(1990, 2100)}
    return ids


def test_an_articles_change_costs_its_own_document(saved):
    articles = ArticleFactory.create_batch(5, body="destroyers")
    search_engine.search("destroyers")  # builds the index

    assert search_index.update([articles[0].pk]) == 1
    article = articles[1]
    article.title = "Destroyers renamed"
    saved(article.save)
    assert titles(search_engine.search("renamed")) == ["Destroyers renamed"]
    assert search_engine.search("destroyers").total == 5


def test_withdrawal_retraction_and_deletion_never_show_after_the_save_returns(saved):
    kept, withdrawn, retracted, deleted = ArticleFactory.create_batch(4, body="submarines")
    assert search_engine.search("submarines").total == 4

    for article, status in ((withdrawn, "withdrawn"), (retracted, "retracted")):
        article.status = status
        saved(article.save)
    saved(deleted.delete)

    hits = search_engine.search("submarines")
    assert hits.ids == [kept.pk]
    assert hits.total == 1


def test_a_rolled_back_change_never_reaches_the_index(saved):
    article = ArticleFactory(body="tankers")
    search_engine.search("tankers")
    with pytest.raises(RuntimeError), transaction.atomic():
        article.status = "draft"
        article.save()
        raise RuntimeError("the editor's save failed")
    flush()

    assert search_engine.search("tankers").ids == [article.pk]


def test_renaming_an_author_or_a_topic_reaches_every_article_that_carries_it(saved):
    author = AuthorFactory(name="Jane Doe")
    topic = TopicFactory(name="Seabed warfare")
    article = ArticleFactory(body="", authors=[author], topics=[topic])
    search_engine.search("")

    author.name = "Jane Okonkwo"
    saved(author.save)
    topic.name = "Undersea infrastructure"
    saved(topic.save)

    assert search_engine.search("okonkwo").ids == [article.pk]
    assert search_engine.search("undersea").ids == [article.pk]
    assert search_engine.search("seabed").total == 0


def test_tagging_changes_move_the_counts(saved):
    topic = TopicFactory()
    article = ArticleFactory()
    search_engine.search("")

    saved(lambda: article.topics.add(topic))
    assert search_engine.search("").counts["topic"] == {topic.pk: 1}
    saved(lambda: TaggedTopic.objects.filter(tag=topic).delete())
    assert search_engine.search("").counts["topic"] == {}


class EditorialActions(RuleBasedStateMachine):
    """Random editorial actions; readers' visible set is always exactly `published()`."""

    run = None  # the `saved` fixture, set by the test

    def __init__(self):
        super().__init__()
        self.now = timezone.now()
        self.run(lambda: Article.objects.all().delete())  # each example starts empty

    @staticmethod
    def article(which):
        pks = list(Article.objects.order_by("pk").values_list("pk", flat=True))
        return Article.objects.get(pk=pks[which % len(pks)]) if pks else None

    @rule(state=st.sampled_from(["published", "draft", "review", "scheduled"]))
    def create(self, state):
        when = self.now - datetime.timedelta(days=1)
        if state == "scheduled":
            state, when = "published", self.now + datetime.timedelta(days=1)
        self.run(lambda: ArticleFactory(status=state, published_at=when))

    @rule(
        which=st.integers(0, 99),
        status=st.sampled_from(["published", "draft", "withdrawn", "retracted"]),
    )
    def set_status(self, which, status):
        article = self.article(which)
        if article:
            article.status = status
            article.published_at = article.published_at or self.now
            self.run(article.save)

    @rule(which=st.integers(0, 99), days=st.integers(-3, 3))
    def reschedule(self, which, days):
        article = self.article(which)
        if article and article.published_at:
            article.published_at = self.now + datetime.timedelta(days=days, minutes=1)
            self.run(article.save)

    @rule(which=st.integers(0, 99))
    def delete(self, which):
        article = self.article(which)
        if article:
            self.run(article.delete)

    @invariant()
    def readers_see_exactly_the_published_articles(self):
        published = set(Article.objects.published().values_list("pk", flat=True))
        assert search_engine.visible_ids() == published


def test_the_visible_set_is_always_published(saved):
    search_engine.search("")  # the index exists from here on, kept by the saves
    EditorialActions.run = staticmethod(saved)
    run_state_machine_as_test(
        EditorialActions,
        settings=settings(
            max_examples=15,
            stateful_step_count=12,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        ),
    )


WRITER = textwrap.dedent(
    """
    import os, sys
    from pathlib import Path
    import django
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from archive.search.index import current_generation, exclusive, write

    home, first = Path(sys.argv[1]), int(sys.argv[2])
    for pk in range(first, first + 40):
        with exclusive(home):
            document = {"id": pk, "time": 0, "title": "twin"}
            write(current_generation(home), removed=[pk], added=[document])
    """
)


def test_two_processes_writing_at_once_lose_nothing_and_readers_see_it():
    search_engine.search("")  # an empty index
    home = search_index.index_home()
    searcher_before = Reader.searcher()
    assert searcher_before.num_docs == 0

    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(home), str(first)],
            cwd=django_settings.BASE_DIR,
            stderr=subprocess.PIPE,
            text=True,
        )
        for first in (1, 1001)
    ]
    for writer in writers:
        _, errors = writer.communicate(timeout=300)
        assert writer.returncode == 0, errors

    assert Reader.searcher().num_docs == 80  # this process reloads without being told
    assert search_engine.search("twin", now=1).total == 80


def test_rebuild_search_index_builds_exactly_what_readers_may_find():
    from io import StringIO

    from django.core.management import call_command

    shown = ArticleFactory(body="minesweepers")
    ArticleFactory(body="minesweepers", status="draft", published_at=None)
    ArticleFactory(body="minesweepers", status="withdrawn")
    out = StringIO()

    call_command("rebuild_search_index", stdout=out)

    assert "Search engine: 1 published or scheduled article(s)" in out.getvalue()
    assert search_engine.visible_ids() == {shown.pk}


def test_a_removal_is_gone_from_search_before_its_transaction_even_commits():
    shown, hidden = ArticleFactory.create_batch(2, body="icebreakers")
    assert search_engine.search("icebreakers").total == 2

    with transaction.atomic():
        hidden.status = "withdrawn"
        hidden.save()
        assert search_engine.search("icebreakers").ids == [shown.pk]
    assert search_engine.search("icebreakers").ids == [shown.pk]


def test_the_words_as_typed_can_be_searched_without_correction():
    ArticleFactory(title="Maritime security in the Gulf")

    assert search_engine.search("maritme", correct=False).total == 0
    first = search_engine.search("maritme", limit=1)
    again = search_engine.search("maritme", offset=0, limit=1, matched=first.matched)
    assert again.ids == first.ids


def test_a_build_merges_its_segments_itself_not_at_the_first_save(tmp_path):
    """A build on several threads leaves segments that the engine would merge at the next
    write, an editor's save, under the writer lock: the build writes once more instead."""
    articles = ArticleFactory.create_batch(14, body="tugs")
    generation = tmp_path / "gen-1"
    generation.mkdir()
    search_index.register_analyzers(
        tantivy.Index(search_index.build_schema(), path=str(generation))
    )
    for n in range(0, 14, 2):  # a segment per commit, as a build's threads leave them
        pks = [article.pk for article in articles[n : n + 2]]
        search_index.write(generation, added=search_index.documents("default", pks))
    assert len(search_index._segments(generation)) == 7
    last = next(search_index.documents("default", [articles[-1].pk]))

    search_index._merge_now(generation, last)

    assert len(search_index._segments(generation)) == 1
    merged = search_index.register_analyzers(tantivy.Index.open(str(generation)))
    every = tantivy.Query.all_query()
    assert merged.searcher().search(every, 20, count=True).count == 14  # the last one once
