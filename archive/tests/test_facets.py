"""Facet counts are exact: they equal a brute-force count over the same filters."""

import datetime
import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archive.models import Article, Authorship
from archive.search import index
from archive.search.faceted import FacetedSearch
from archive.search.facets import FACETS
from archive.tests.factories import (
    ArticleFactory,
    ArticleTypeFactory,
    RegionFactory,
    SeriesFactory,
    ThemeFactory,
    TopicFactory,
)
from authors.tests.factories import AffiliationFactory, AuthorFactory, InstitutionFactory

pytestmark = pytest.mark.django_db

WORDS = ["axolotl", "narwhal", "pangolin"]
PHRASE = '"text about"'  # in every body: exercises the phrase path, matches all
HIDDEN = [
    {"status": "draft", "published_at": None},
    {"status": "retracted"},
    {"published_at": datetime.datetime(2099, 1, 1, tzinfo=datetime.UTC)},
]


@pytest.fixture
def corpus():
    """Forty articles with random facets, plus hidden ones that must never count."""
    rng = random.Random(7)
    themes = ThemeFactory.create_batch(3)
    topics = [TopicFactory(theme=rng.choice([*themes, None])) for _ in range(6)]
    types = [ArticleTypeFactory(name=name) for name in ["Viewpoint", "Issue Brief", "Report"]]
    series = SeriesFactory.create_batch(2)
    regions = RegionFactory.create_batch(4)
    institutions = InstitutionFactory.create_batch(3)
    authors = AuthorFactory.create_batch(6)
    for author in authors:
        for _ in range(rng.randint(0, 2)):
            start = rng.choice([None, 2016, 2019, 2022])
            end = rng.choice([None, None, (start or 2015) + rng.randint(0, 3)])
            AffiliationFactory(
                author=author, institution=rng.choice(institutions), start_year=start, end_year=end
            )

    def make(**state):
        fields = {
            "title": f"Article {rng.random()}",
            "body": f"Text about {rng.choice(WORDS)}.",
            "article_type": rng.choice(types),
            "series": rng.choice([*series, None]),
            "published_at": datetime.datetime(
                rng.randint(2015, 2024), rng.randint(1, 12), 15, tzinfo=datetime.UTC
            ),
            "authors": rng.sample(authors, rng.randint(0, 3)),
            "topics": rng.sample(topics, rng.randint(0, 3)),
        }
        article = ArticleFactory(**{**fields, **state})
        article.regions.set(rng.sample(regions, rng.randint(0, 2)))

    for _ in range(40):
        make()
    for state in HIDDEN * 3:
        make(**state)
    return [
        (article.slug, article.is_published, article.body, facet_values(article))
        for article in Article.objects.all()
    ]


def facet_values(article):
    """Every facet's values for one article, computed in Python from plain rows."""
    authorships = Authorship.objects.filter(article=article, role="author")
    year = article.published_at.year if article.published_at else None
    topics = list(article.topics.all())
    return {
        "theme": {t.theme.slug for t in topics if t.theme},
        "topic": {t.slug for t in topics},
        "author": {a.author.slug for a in authorships},
        "institution": {
            aff.institution.slug
            for a in authorships
            for aff in a.author.affiliations.all()
            if year and aff.was_held_in(year)
        },
        "type": {article.article_type.slug},
        "series": {article.series.slug} if article.series else set(),
        "region": {r.slug for r in article.regions.all()},
        "year": {str(year)} if year else set(),
    }


def brute_force(corpus, text, filters):
    """Expected (result slugs, {facet: {value: count}}) by checking every article."""
    rows = [
        (slug, values)
        for slug, is_published, body, values in corpus
        if is_published and (not text or text.strip('"').lower() in body.lower())
    ]

    def passes(values, skip=None):
        return all(
            values[name] & set(selected)
            for name, selected in filters.items()
            if selected and name != skip
        )

    results = {slug for slug, values in rows if passes(values)}
    counts = {}
    for facet in FACETS:
        counts[facet.name] = {}
        for _, values in rows:
            if passes(values, skip=facet.name):
                for value in values[facet.name]:
                    counts[facet.name][value] = counts[facet.name].get(value, 0) + 1
    return results, counts


def all_values(corpus):
    """Every value each facet could take, hidden articles' values included."""
    values = {facet.name: set() for facet in FACETS}
    for *_, article_values in corpus:
        for name, found in article_values.items():
            values[name] |= found
    return {name: sorted(found) for name, found in values.items()}


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_facet_counts_equal_a_brute_force_count(corpus, data):
    values = all_values(corpus)
    text = data.draw(st.sampled_from(["", *WORDS, PHRASE]), label="text")
    filters = {
        name: data.draw(st.lists(st.sampled_from(options), max_size=2, unique=True), label=name)
        for name, options in values.items()
        if options and data.draw(st.booleans(), label=f"use {name}")
    }
    search = FacetedSearch(text, filters, "newest")
    expected_results, expected_counts = brute_force(corpus, text, filters)

    assert {a.slug for a in search.results()} == expected_results
    facet_counts = search.facets(limit=1000)
    assert search.total == len(expected_results)
    for counts in facet_counts:
        got = {v.value: v.count for v in counts.values if v.count}
        assert got == expected_counts[counts.name], counts.name
        for v in counts.values:
            assert v.selected == (v.value in filters.get(counts.name, []))


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_a_short_facet_list_is_the_start_of_the_whole_list(corpus, data):
    """The page shows each facet's first values: the same, ties included, as a full sort."""
    values = all_values(corpus)
    text = data.draw(st.sampled_from(["", *WORDS]), label="text")
    name = data.draw(st.sampled_from(sorted(n for n, options in values.items() if options)))
    chosen = data.draw(st.lists(st.sampled_from(values[name]), max_size=2, unique=True))
    limit = data.draw(st.integers(min_value=1, max_value=6), label="limit")
    search = FacetedSearch(text, {name: chosen} if chosen else {}, "newest")

    whole = {counts.name: counts.values for counts in search.facets(limit=1000)}
    for counts in search.facets(limit=limit):
        everything = whole[counts.name]
        counted = [v.value for v in everything if v.count]
        expected = {*counted[:limit], *(v.value for v in everything if v.selected)}
        assert [v.value for v in counts.values] == [
            v.value for v in everything if v.value in expected
        ], counts.name


def test_hidden_articles_are_never_counted(corpus):
    hidden_only = Article.objects.exclude(pk__in=Article.objects.published())
    assert hidden_only.count() == len(HIDDEN) * 3
    total = Article.objects.published().count()
    for counts in FacetedSearch().facets():
        assert all(0 < v.count <= total for v in counts.values)
    type_counts = {v.value: v.count for v in FacetedSearch().facets()[4].values}
    assert sum(type_counts.values()) == total


def test_a_selected_value_with_no_results_is_still_shown_with_zero(corpus):
    lonely = TopicFactory(name="Lonely topic")
    ArticleFactory(topics=[lonely], published_at=timezone.now() - datetime.timedelta(days=1))
    search = FacetedSearch(filters={"topic": [lonely.slug], "year": ["1999"]})
    topic_facet = search.facets()[1]
    assert [(v.label, v.count, v.selected) for v in topic_facet.values if v.selected] == [
        ("Lonely topic", 0, True)
    ]


def test_a_selected_value_no_published_article_uses_is_not_labelled(corpus):
    """Its name could be a draft's: the page says the value is unknown instead."""
    unused = TopicFactory(name="Unannounced topic")
    ArticleFactory(topics=[unused], status="draft", published_at=None)
    topic_facet = FacetedSearch(filters={"topic": [unused.slug]}).facets()[1]
    assert [v.label for v in topic_facet.values if v.selected] == []


def type_counts():
    return {v.value: v.count for v in FacetedSearch().facets()[4].values}


def test_the_index_is_built_in_the_same_number_of_queries_for_any_archive_size():
    def build_queries():
        with CaptureQueriesContext(connection) as queries:
            index.rebuild()
        return len(queries)

    ArticleFactory.create_batch(2, authors=AuthorFactory.create_batch(2), topics=[TopicFactory()])
    small = build_queries()
    for _ in range(30):
        article = ArticleFactory(authors=AuthorFactory.create_batch(2), topics=[TopicFactory()])
        article.regions.set([RegionFactory()])
    assert build_queries() == small <= 12


def test_a_save_is_counted_on_the_next_search():
    viewpoint = ArticleTypeFactory(name="Viewpoint")
    draft = ArticleFactory(article_type=viewpoint, status="draft", published_at=None)
    assert "viewpoint" not in type_counts()

    draft.status = "published"
    draft.published_at = timezone.now() - datetime.timedelta(days=1)
    draft.save()
    assert type_counts()["viewpoint"] == 1

    draft.status = "retracted"
    draft.save()
    assert "viewpoint" not in type_counts()


def test_a_scheduled_article_is_counted_when_its_time_comes_without_a_save(time_machine):
    release = datetime.datetime(2030, 5, 1, 9, tzinfo=datetime.UTC)
    time_machine.move_to(release - datetime.timedelta(hours=1), tick=False)
    ArticleFactory(article_type=ArticleTypeFactory(name="Report"), published_at=release)
    assert "report" not in type_counts()
    assert FacetedSearch(filters={"type": ["report"]}).total == 0

    time_machine.move_to(release + datetime.timedelta(seconds=1), tick=False)
    assert type_counts()["report"] == 1
    assert [a.published_at for a in FacetedSearch(filters={"type": ["report"]}).results()] == [
        release
    ]

    time_machine.move_to(release - datetime.timedelta(hours=1), tick=False)
    assert "report" not in type_counts()  # an index built later never serves an earlier time


def test_deep_pages_come_from_the_index_in_display_order():
    for day in range(1, 26):
        ArticleFactory(
            title=f"Day {day}", published_at=datetime.datetime(2024, 1, day, tzinfo=datetime.UTC)
        )
    newest = FacetedSearch(sort="newest").results()
    oldest = FacetedSearch(sort="oldest").results()
    assert len(newest) == 25
    assert [a.title for a in newest[20:]] == ["Day 5", "Day 4", "Day 3", "Day 2", "Day 1"]
    assert [a.title for a in oldest[:2]] == ["Day 1", "Day 2"]
    assert newest[-1].title == "Day 1"
