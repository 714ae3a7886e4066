"""Hostile query strings: unicode digits, control characters, long queries, wrong methods.

Each answer is a clear 4xx (JSON on the API), never a 500.
"""

import json

import feedparser
import pytest
from django.urls import reverse

from archive.models import Article
from archive.outputs.oai.records import repository_domain
from archive.search.query import MAX_QUERY_TERMS
from archive.tests.factories import ArticleFactory, SeriesFactory, TopicFactory
from authors.tests.factories import AffiliationFactory, AuthorFactory

pytestmark = pytest.mark.django_db

# Characters for which str.isdigit() is true but which are no ASCII digit: superscript
# two and circled one make int() raise; Arabic-Indic and full-width digits int() reads.
UNICODE_DIGITS = ["²", "①", "١", "３"]


@pytest.fixture
def listing_urls():
    """Every paginated page, each with a published article on it."""
    topic = TopicFactory()
    series = SeriesFactory()
    author = AuthorFactory()
    affiliation = AffiliationFactory(author=author)
    ArticleFactory(topics=[topic], series=series, authors=[author])
    return [
        reverse("authors:authors"),
        author.get_absolute_url(),
        affiliation.institution.get_absolute_url(),
        topic.get_absolute_url(),
        topic.theme.get_absolute_url(),
        series.get_absolute_url(),
        reverse("archive:search"),
        reverse("archive:api_search"),
    ]


@pytest.mark.parametrize("digit", UNICODE_DIGITS)
def test_a_page_number_in_other_digits_is_a_clear_400_everywhere(client, listing_urls, digit):
    for url in listing_urls:
        response = client.get(url, {"page": digit})
        assert response.status_code == 400, url
        assert "A page number is a whole number" in response.content.decode(), url


def test_ascii_page_numbers_still_work(client, listing_urls):
    for url in listing_urls:
        assert client.get(url, {"page": "1"}).status_code == 200, url


@pytest.mark.parametrize(
    "url_name", ["archive:api_search", "archive:search_feed", "archive:search"]
)
def test_a_year_in_other_digits_is_a_clear_400(client, url_name):
    ArticleFactory()
    response = client.get(reverse(url_name), {"year": "²²²²"})
    assert response.status_code == 400
    assert "A year is a four-digit number" in response.content.decode()


def test_an_oai_identifier_in_other_digits_is_no_record(client):
    response = client.get(
        reverse("archive:oai"),
        {
            "verb": "GetRecord",
            "metadataPrefix": "oai_dc",
            "identifier": f"oai:{repository_domain()}:article:²",
        },
    )
    assert response.status_code == 200
    assert b"idDoesNotExist" in response.content


@pytest.mark.parametrize("feed", ["archive:search_feed", "archive:search_feed_atom"])
def test_a_search_feed_for_control_characters_is_a_valid_feed(client, feed):
    ArticleFactory(title="Maritime security")
    response = client.get(reverse(feed), {"q": "\x01maritime\x0b"})
    assert response.status_code == 200
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.bozo_exception
    assert [entry.title for entry in parsed.entries] == ["Maritime security"]


@pytest.mark.parametrize(
    "feed", ["archive:feed", "archive:feed_atom", "archive:topic_feed", "archive:topic_feed_atom"]
)
def test_a_stored_control_character_does_not_take_a_feed_down(client, feed):
    """What is already stored (saved before the model cleaned text) is written safely.

    No NUL: PostgreSQL's text type cannot hold one, so only SQLite could have stored it.
    """
    topic = TopicFactory()
    article = ArticleFactory(topics=[topic])
    Article.objects.filter(pk=article.pk).update(
        title="Line one\x0bline two", summary="Bell\x07 and escape\x1b free"
    )
    args = [topic.slug] if "topic" in feed else []
    response = client.get(reverse(feed, args=args))
    assert response.status_code == 200
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.bozo_exception
    assert parsed.entries[0].title == "Line oneline two"


def test_many_excluded_words_search_the_first_terms_with_a_note(client):
    """98 exclusions overflowed SQLite's FTS5 parser: a 500 on the search page and API."""
    ArticleFactory(title="India and the Indian Ocean", body="India at sea.")
    q = "india " + " ".join(f"-w{n}" for n in range(98))
    assert len(q) < 512
    for url in (reverse("archive:search"), reverse("archive:api_search")):
        response = client.get(url, {"q": q})
        assert response.status_code == 200, url
        assert f"only the first {MAX_QUERY_TERMS} were used" in response.content.decode()
    data = client.get(reverse("archive:api_search"), {"q": q}).json()
    assert data["count"] == 1
    assert client.get(reverse("archive:search_feed"), {"q": q}).status_code == 200


def test_the_term_cap_keeps_a_query_of_ordinary_length_whole(client):
    ArticleFactory(title="India and the Indian Ocean")
    data = client.get(reverse("archive:api_search"), {"q": "india -pakistan"}).json()
    assert data["count"] == 1
    assert data["notes"] == []


@pytest.mark.parametrize(
    "method, params, status",
    [
        ("post", {}, 405),
        ("put", {}, 405),
        ("delete", {}, 405),
        ("get", {"page": "x"}, 400),
        ("get", {"page": "99"}, 404),
        ("get", {"year": "20"}, 400),
    ],
)
def test_api_errors_answer_json(client, method, params, status):
    ArticleFactory()
    response = getattr(client, method)(
        reverse("archive:api_search") + "?" + "&".join(f"{k}={v}" for k, v in params.items())
    )
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content)["error"]


def test_an_unknown_api_address_answers_json(client):
    response = client.get("/api/nothing-here/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
