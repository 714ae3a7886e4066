"""The search page and JSON API: the contract later work relies on."""

import datetime
import re
from html import unescape
from urllib.parse import parse_qsl

import pytest
from django.urls import reverse
from django.utils.html import strip_tags

from archive.models import VocabularyAlias
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

SIX_FACETS = ["topic", "author", "region", "series", "type", "theme"]
SEARCH = reverse("archive:search")
API = reverse("archive:api_search")


@pytest.fixture
def articles():
    """A small archive: a viewpoint on the Quad by two authors, a report, a draft."""
    quad = TopicFactory(name="Quad", slug="quad", theme=ThemeFactory(name="Indo-Pacific"))
    icwa = InstitutionFactory(name="ICWA", slug="icwa")
    mishra = AuthorFactory(name="Vivek Mishra", slug="vivek-mishra")
    AffiliationFactory(author=mishra, institution=icwa)
    viewpoint = ArticleFactory(
        title="The Quad at sea",
        slug="quad-at-sea",
        body="Maritime cooperation among the Quad partners.",
        article_type=ArticleTypeFactory(name="Viewpoint"),
        series=SeriesFactory(name="Dialogues", slug="dialogues"),
        authors=[mishra, AuthorFactory(name="Ann Bell", slug="ann-bell")],
        topics=[quad],
        published_at=datetime.datetime(2020, 3, 15, tzinfo=datetime.UTC),
    )
    viewpoint.regions.set([RegionFactory(name="India", slug="india")])
    report = ArticleFactory(
        title="Space debris and security",
        slug="space-debris",
        body="Tracking objects in orbit.",
        article_type=ArticleTypeFactory(name="Report"),
        published_at=datetime.datetime(2023, 5, 1, tzinfo=datetime.UTC),
    )
    ArticleFactory(title="Quad draft", status="draft", published_at=None, topics=[quad])
    return viewpoint, report


def test_the_api_returns_the_documented_shape(client, articles):
    data = client.get(API, {"q": "quad"}).json()
    assert set(data) >= {"count", "page", "num_pages", "results", "facets"}
    assert (data["count"], data["page"], data["num_pages"]) == (1, 1, 1)
    (result,) = data["results"]
    assert set(result) == {"title", "url", "slug", "published", "authors", "type", "snippet"}
    assert result["slug"] == "quad-at-sea"
    assert result["authors"] == ["Vivek Mishra", "Ann Bell"]
    assert result["type"] == "Viewpoint"
    assert result["url"].endswith("/articles/quad-at-sea/")
    assert "<mark>Quad</mark>" in result["snippet"]
    assert set(data["facets"]) == {
        "theme", "topic", "author", "institution", "type", "series", "region", "year",
    }  # fmt: skip
    assert data["facets"]["year"] == [
        {"value": 2020, "label": "2020", "count": 1, "selected": False}
    ]
    assert data["facets"]["institution"][0]["value"] == "icwa"


def test_drafts_are_neither_results_nor_counted(client, articles):
    data = client.get(API, {"topic": "quad"}).json()
    assert data["count"] == 1
    assert data["facets"]["topic"] == [
        {"value": "quad", "label": "Quad", "count": 1, "selected": True}
    ]


def test_facet_values_combine_with_or_within_and_and_across(client, articles):
    both_types = client.get(API, {"type": ["viewpoint", "report"]}).json()
    assert both_types["count"] == 2
    narrowed = client.get(API, {"type": ["viewpoint", "report"], "year": "2023"}).json()
    assert [r["slug"] for r in narrowed["results"]] == ["space-debris"]


def test_a_facet_counts_what_each_value_would_add(client, articles):
    data = client.get(API, {"type": "report"}).json()
    assert data["count"] == 1
    assert {v["value"]: v["count"] for v in data["facets"]["type"]} == {
        "report": 1,
        "viewpoint": 1,
    }


def test_sorting_newest_and_oldest(client, articles):
    newest = [r["slug"] for r in client.get(API, {"sort": "newest"}).json()["results"]]
    oldest = [r["slug"] for r in client.get(API, {"sort": "oldest"}).json()["results"]]
    assert newest == ["space-debris", "quad-at-sea"]
    assert oldest == newest[::-1]


def test_the_search_page_shows_results_facets_and_removable_chips(client, articles):
    response = client.get(SEARCH, {"q": "quad", "region": "india"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "1 result for “quad”" in page
    assert "The Quad at sea" in page
    assert "<mark>Quad</mark>" in page
    assert 'aria-label="Remove filter Region: India"' in page
    assert "?q=quad" in page  # removing the chip keeps the words
    assert "Space debris" not in page


def test_an_empty_result_suggests_removing_filters(client, articles):
    page = strip_tags(client.get(SEARCH, {"q": "orbit", "region": "india"}).content.decode())
    assert "Nothing matches this search." in page
    assert "clear all filters" in page


def test_an_unknown_facet_value_gives_an_empty_result_with_a_message(client, articles):
    response = client.get(SEARCH, {"topic": "no-such-topic"})
    assert response.status_code == 200
    assert "No topic “no-such-topic” is known here" in response.content.decode()
    assert client.get(API, {"topic": "no-such-topic"}).json()["count"] == 0


@pytest.mark.parametrize(
    "params",
    [
        {"page": "0"},
        {"page": "-1"},
        {"page": "abc"},
        {"page": "1.5"},
        {"year": "20x0"},
        {"year": "99999"},
        {"sort": "random"},
        {"topic": "<script>alert(1)</script>"},
        {"topic": [f"t{n}" for n in range(21)]},
        {name: [f"v{n}" for n in range(9)] for name in SIX_FACETS},
        {"q": "nul\x00byte"},
    ],
)  # fmt: skip
def test_bad_parameters_are_a_400_with_a_message_on_page_and_api(client, articles, params):
    page = client.get(SEARCH, params)
    assert page.status_code == 400
    assert 'role="alert"' in page.content.decode()
    assert "<script>alert(1)</script>" not in page.content.decode()
    api = client.get(API, params)
    assert api.status_code == 400
    assert api.json()["error"]


@pytest.mark.parametrize("number", ["2", "100000000000000000000"])
def test_a_page_past_the_end_is_a_404_that_names_the_last_page(client, articles, number):
    response = client.get(SEARCH, {"page": number})
    assert response.status_code == 404
    assert "the last page is 1" in response.content.decode()
    assert client.get(API, {"page": number}).status_code == 404


@pytest.mark.parametrize(
    "text",
    [
        '"unterminated',
        "a & b | !c",
        "\\",
        "'; DROP TABLE archive_article; --",
        "🚀 quad",
        "x" * 10_000,
    ],
)
def test_any_query_text_is_answered(client, articles, text):
    response = client.get(SEARCH, {"q": text})
    assert response.status_code == 200
    assert client.get(API, {"q": text}).status_code == 200


def test_a_very_long_query_is_shortened_with_a_note(client, articles):
    page = client.get(SEARCH, {"q": "quad " * 2000}).content.decode()
    assert "only the beginning was used" in page


def test_repeated_parameters_are_deduplicated(client, articles):
    data = client.get(API, {"topic": ["quad", "quad"]}).json()
    assert data["count"] == 1
    assert [v["value"] for v in data["facets"]["topic"] if v["selected"]] == ["quad"]


def test_facet_links_toggle_their_value_and_keep_the_rest_of_the_search(client, articles):
    page = client.get(SEARCH, {"q": "quad", "sort": "newest", "type": "viewpoint", "page": "1"})
    hrefs = re.findall(r'class="facet-value[^"]*" href="\?([^"]+)"', page.content.decode())
    links = {tuple(sorted(parse_qsl(unescape(href)))) for href in hrefs}
    kept = [("q", "quad"), ("sort", "newest")]
    assert tuple(sorted(kept)) in links  # the selected type, removed
    assert tuple(sorted([*kept, ("type", "viewpoint"), ("region", "india")])) in links
    assert all(("page", "1") not in link for link in links)


def test_the_search_page_works_without_javascript_facets_are_links(client, articles):
    page = client.get(SEARCH).content.decode()
    assert 'href="?type=viewpoint"' in page
    assert "<script" not in page


@pytest.mark.parametrize("url", [SEARCH, API])
def test_search_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries, url):
    topics = TopicFactory.create_batch(5)
    authors = AuthorFactory.create_batch(6)
    for author in authors:
        AffiliationFactory(author=author)
    for n in range(45):
        article = ArticleFactory(
            body=f"Maritime security note {n}",
            authors=authors[n % 6 : n % 6 + 2],
            topics=topics[n % 5 : n % 5 + 2],
            series=SeriesFactory() if n % 3 else None,
        )
        article.regions.set([RegionFactory()])
    params = {
        "q": "maritime",
        "topic": [topics[0].slug, "unknown-topic"],
        "author": authors[0].slug,
        "year": "1999",
        "sort": "relevance",
    }
    client.get(url)  # the first search builds the index and reads the facets' labels
    with django_assert_max_num_queries(5):
        assert client.get(url, params).status_code == 200
    with django_assert_max_num_queries(4):
        assert client.get(url, {"q": "maritime", "page": "2"}).status_code == 200


def test_a_misspelt_search_shows_the_corrected_results_and_links_to_the_words_as_typed(client):
    ArticleFactory(title="Maritime security in the Gulf", slug="gulf")

    page = client.get(SEARCH, {"q": "maritme"}).content.decode()
    assert "Showing results for <strong>maritime</strong>" in page
    assert "1 result for “maritime”" in page
    link = unescape(re.search(r'<a href="([^"]+)">Search for “maritme” exactly</a>', page)[1])
    assert dict(parse_qsl(link.lstrip("?"))) == {"q": "maritme", "exact": "1"}

    exact = client.get(SEARCH + link).content.decode()
    assert "Showing results for" not in exact
    assert "Nothing matches this search." in exact
    assert client.get(API, {"q": "maritme"}).json()["corrected"] == "maritime"
    assert client.get(API, {"q": "maritme", "exact": "1"}).json()["count"] == 0


def test_a_search_that_finds_something_is_never_corrected(client):
    ArticleFactory(title="Maritme, a village", slug="village")
    ArticleFactory(title="Maritime security", slug="security")

    page = client.get(SEARCH, {"q": "maritme"}).content.decode()
    assert "Showing results for" not in page
    assert "1 result for “maritme”" in page


def test_the_editors_aliases_find_what_they_name_and_the_reverse(client):
    topic = TopicFactory(name="Maritime domain awareness")
    VocabularyAlias.objects.create(text="MDA", topic=topic)
    plain = {"deck": "", "summary": ""}
    ArticleFactory(title="Sensors at sea", slug="sensors", body="MDA needs satellites.", **plain)
    ArticleFactory(
        title="Seeing the sea", slug="seeing", body="Maritime domain awareness.", **plain
    )

    def found(text):
        response = client.get(API, {"q": text})
        return sorted(result["slug"] for result in response.json()["results"])

    assert found("MDA") == ["seeing", "sensors"]
    assert found("maritime domain awareness") == ["seeing", "sensors"]
    assert found('"maritime domain awareness" -satellites') == ["seeing"]


@pytest.mark.parametrize("url", [SEARCH, API])
def test_a_later_page_is_one_engine_search_with_its_counts(client, monkeypatch, url):
    from archive.search import engine

    base = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
    for n in range(45):
        ArticleFactory(
            title=f"Note {n}", body="corvettes", published_at=base + datetime.timedelta(n)
        )
    client.get(url)  # the first search builds the index
    searches = []
    original = engine.search
    monkeypatch.setattr(
        engine, "search", lambda *a, **kw: searches.append(kw) or original(*a, **kw)
    )

    page = client.get(url, {"q": "corvettes", "sort": "newest", "page": "3"})

    assert page.status_code == 200
    assert [call["offset"] for call in searches] == [40]
    text = page.content.decode()
    assert all(f"Note {n}<" in text or f'Note {n}"' in text for n in range(5))
    assert "Note 5<" not in text and 'Note 5"' not in text
