"""Full-text search behaves the same on PostgreSQL and SQLite (CI runs both).

Through `FacetedSearch`, as the search page, its API and its feed run it.
"""

import pytest
from django.core.management import call_command

from archive.models import Authorship
from archive.search.faceted import FacetedSearch
from archive.search.query import parse_web_search
from archive.tests.factories import ArticleFactory, TopicFactory
from authors.tests.factories import AuthorFactory

pytestmark = pytest.mark.django_db

VIEWPOINT = "india-us-relations-major-takeaways-from-latest-2-plus-2-meet"
EXPLAINER = "india-us-2-plus-2-ministerial-dialogue-deepening-strategic-partnership"


def found(text):
    """The slugs a reader's search finds, best match first."""
    return [article.slug for article in FacetedSearch(text, sort="relevance").results()]


@pytest.fixture
def sample():
    call_command("loaddata", "vocabulary", "sample", verbosity=0)


def test_comcasa_finds_the_viewpoint_first(sample):
    assert found("COMCASA")[0] == VIEWPOINT


def test_a_phrase_matches_only_the_words_in_that_order(sample):
    assert found('"space situational awareness"') == [EXPLAINER]
    assert found('"awareness situational space"') == []


def test_or_finds_either_word(sample):
    assert set(found("BECA or CDRI")) == {VIEWPOINT, EXPLAINER}
    assert found("BECA") == [VIEWPOINT]
    assert found("CDRI") == [EXPLAINER]


def test_a_minus_excludes_articles_with_that_word(sample):
    assert set(found("dialogue")) == {VIEWPOINT, EXPLAINER}
    assert found("dialogue -COMCASA") == [EXPLAINER]


def test_words_are_stemmed(sample):
    ArticleFactory(slug="plural", title="Coastal defences in the Andaman Sea", body="Nothing else.")
    assert "plural" in found("defence")
    assert VIEWPOINT in found("defences")


def test_a_title_hit_outranks_a_body_hit():
    ArticleFactory(slug="in-body", title="Notes", body="A passing mention of pangolins.")
    ArticleFactory(slug="in-title", title="Pangolins and trade", body="Nothing to see.")
    assert found("pangolin") == ["in-title", "in-body"]


def test_author_names_and_topic_descriptions_are_searchable(sample):
    assert found("Mishra") == [VIEWPOINT]
    assert found('"Communications Compatibility and Security Agreement"')[0] == VIEWPOINT


def test_drafts_scheduled_and_retracted_articles_are_never_found():
    ArticleFactory(title="Visible narwhal")
    ArticleFactory(title="Draft narwhal", status="draft", published_at=None)
    ArticleFactory(title="Retracted narwhal", status="retracted")
    ArticleFactory(title="Scheduled narwhal", published_at="2099-01-01T00:00:00Z")
    results = FacetedSearch("narwhal", sort="relevance").results()
    assert [a.title for a in results] == ["Visible narwhal"]


def test_the_index_follows_edits_to_title_byline_author_and_topics():
    article = ArticleFactory(title="Quiet title", body="Nothing.")
    assert found("axolotl") == []

    article.title = "Axolotl diplomacy"
    article.save()
    assert found("axolotl") == [article.slug]

    author = AuthorFactory(name="Priya Ramaswamy")
    Authorship.objects.create(article=article, author=author, position=1)
    assert found("Ramaswamy") == [article.slug]
    author.name = "Priya Venkataraman"
    author.save()
    assert found("Ramaswamy") == []
    assert found("Venkataraman") == [article.slug]

    article.topics.add(TopicFactory(name="Quokka studies"))
    assert found("quokka") == [article.slug]
    article.topics.clear()
    assert found("quokka") == []

    Authorship.objects.filter(article=article).delete()
    assert found("Venkataraman") == []


def test_rebuilding_the_index_finds_the_same_articles(sample):
    before = {text: found(text) for text in ["COMCASA", "space", "Mishra", "quad or cdri"]}
    call_command("rebuild_search_index", verbosity=0)
    assert {text: found(text) for text in before} == before


def test_snippets_mark_the_match_and_escape_everything_else():
    article = ArticleFactory(body="Ties with AT&T and <b>bold</b> claims about the kraken treaty.")
    search = FacetedSearch("kraken")
    (article,) = search.add_snippets(search.results()[:20])
    assert "<mark>kraken</mark>" in article.snippet.lower()
    assert "AT&amp;T" in article.snippet
    assert "<b>" not in article.snippet


@pytest.mark.parametrize(
    "text",
    ['"', "-", "or", "- -", "&|!:*()<->", "'", "\\", "🚀", "x" * 10_000, "NOT AND OR NEAR"],
)
def test_odd_queries_find_nothing_or_something_but_never_fail(text):
    ArticleFactory(title="Something", slug="something")
    assert found(text) in ([], ["something"])


def test_the_web_search_parser_groups_or_and_exclusions():
    parsed = parse_web_search('"exact phrase" alpha or beta -gamma')
    assert parsed.groups == [
        ([("exact", "phrase"), ("alpha",)], []),
        ([("beta",)], [("gamma",)]),
    ]
    assert not parse_web_search("-only -exclusions")
