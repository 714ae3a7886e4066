"""Every feed is valid RSS 2.0 or Atom 1.0, complete, and never leaks a draft."""

import datetime

import feedparser
import pytest
from django.urls import reverse

from archive.tests.factories import ArticleFactory, SeriesFactory, ThemeFactory, TopicFactory
from authors.models import Author
from authors.tests.factories import AffiliationFactory, AuthorFactory, InstitutionFactory

pytestmark = pytest.mark.django_db

HIDDEN_STATES = [
    {"status": "draft", "published_at": None},
    {"status": "review", "published_at": None},
    {"status": "retracted"},
    {"status": "withdrawn"},
    {"published_at": datetime.datetime(2099, 1, 1, tzinfo=datetime.UTC)},
]


@pytest.fixture
def listing():
    """One of each followable thing, a published article in all of them, hidden ones too."""
    theme = ThemeFactory(slug="indo-pacific")
    topic = TopicFactory(slug="quad", theme=theme)
    series = SeriesFactory(slug="dialogues")
    institution = InstitutionFactory(slug="icwa")
    first = AuthorFactory(name="Vivek Mishra", slug="vivek-mishra")
    second = AuthorFactory(name="Ann Bell", slug="ann-bell")
    AffiliationFactory(author=first, institution=institution)
    published = ArticleFactory(
        title="The Quad at sea",
        summary="Why the Quad matters at sea.",
        body="## Findings\n\nThe **Quad** met.",
        authors=[first, second],
        topics=[topic],
        series=series,
    )
    hidden = [
        ArticleFactory(title=f"Hidden {n}", authors=[first], topics=[topic], series=series, **s)
        for n, s in enumerate(HIDDEN_STATES)
    ]
    return published, hidden


FEED_PAGES = [
    "/feed/",
    "/themes/indo-pacific/feed/",
    "/topics/quad/feed/",
    "/authors/vivek-mishra/feed/",
    "/institutions/icwa/feed/",
    "/series/dialogues/feed/",
    "/search/feed/?q=quad",
    "/search/feed/?topic=quad&author=vivek-mishra",
]


@pytest.mark.parametrize(
    "url",
    FEED_PAGES
    + [f"{u.split('?')[0]}atom/{'?' + u.split('?')[1] if '?' in u else ''}" for u in FEED_PAGES],
)
def test_every_feed_parses_cleanly_with_the_published_article_only(client, listing, url):
    response = client.get(url)
    assert response.status_code == 200
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version in {"rss20", "atom10"}
    assert [entry.title for entry in feed.entries] == ["The Quad at sea"]


@pytest.mark.parametrize("url", ["/feed/", "/feed/atom/"])
def test_an_item_carries_body_authors_topics_and_dates(client, listing, url):
    published, _ = listing
    (entry,) = feedparser.parse(client.get(url).content).entries
    assert entry.link.endswith(published.get_absolute_url())
    assert entry.summary == "Why the Quad matters at sea."
    assert "<strong>Quad</strong>" in entry.content[0].value
    assert [author.name for author in entry.authors] == ["Vivek Mishra", "Ann Bell"]
    assert [tag.term for tag in entry.tags] == [published.topic_list()[0].name]
    assert entry.published_parsed[:3] == published.published_at.timetuple()[:3]


def test_rss_names_every_author_with_dc_creator(client, listing):
    xml = client.get("/feed/").content.decode()
    assert "<dc:creator>Vivek Mishra</dc:creator><dc:creator>Ann Bell</dc:creator>" in xml


def test_the_guid_survives_a_change_of_title_and_slug(client, listing):
    published, _ = listing
    before = feedparser.parse(client.get("/feed/").content).entries[0].id
    published.title, published.slug = "Renamed", "renamed"
    published.save()
    after = feedparser.parse(client.get("/feed/").content).entries[0]
    assert after.title == "Renamed"
    assert after.id == before


def test_a_feed_holds_the_latest_fifty(client):
    for n in range(55):
        ArticleFactory(
            published_at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
            + datetime.timedelta(days=n)
        )
    entries = feedparser.parse(client.get("/feed/").content).entries
    assert len(entries) == 50
    assert entries[0].published_parsed > entries[-1].published_parsed


@pytest.mark.parametrize(
    "url", ["/search/feed/?q=quad", "/search/feed/atom/?q=quad", "/search/cite.bib?q=quad"]
)
def test_a_saved_searchs_feed_and_export_count_no_facets(client, listing, url, monkeypatch):
    """They show no facets: a feed reader's polls must not pay for counting them."""
    from archive.search import engine

    def counted(*args, **kwargs):
        raise AssertionError("facets counted for a page that shows none")

    monkeypatch.setattr(engine, "count_facets", counted)
    response = client.get(url)
    assert response.status_code == 200
    assert b"The Quad at sea" in response.content


@pytest.mark.parametrize("url", ["/feed/", "/feed/atom/"])
def test_a_feed_reaches_the_server_in_one_piece(client, listing, url):
    """The server writes each piece of a response to the socket: one piece, one write."""
    response = client.get(url)
    assert response.status_code == 200
    assert len(list(response)) == 1


def test_a_conditional_get_answers_304_until_something_is_published(client, listing):
    first = client.get("/feed/")
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert client.get("/feed/", headers={"if-none-match": etag}).status_code == 304
    assert client.get("/feed/", headers={"if-modified-since": modified}).status_code == 304
    ArticleFactory(title="Fresh analysis")
    fresh = client.get("/feed/", headers={"if-none-match": etag})
    assert fresh.status_code == 200
    assert b"Fresh analysis" in fresh.content


def test_renaming_an_author_refreshes_the_feeds_that_name_them(client, listing):
    etag = client.get("/feed/").headers["ETag"]
    author = Author.objects.get(slug="vivek-mishra")
    author.name = "Vivek K. Mishra"
    author.save()
    fresh = client.get("/feed/", headers={"if-none-match": etag})
    assert fresh.status_code == 200
    assert "Vivek K. Mishra" in fresh.content.decode()


def test_a_scheduled_article_enters_the_feed_when_its_time_comes(client, time_machine):
    release = datetime.datetime(2030, 1, 1, 9, tzinfo=datetime.UTC)
    time_machine.move_to(release - datetime.timedelta(hours=1), tick=False)
    ArticleFactory(title="Scheduled piece", published_at=release)
    assert b"Scheduled piece" not in client.get("/feed/").content
    time_machine.move_to(release + datetime.timedelta(minutes=1), tick=False)
    assert b"Scheduled piece" in client.get("/feed/").content


def test_pages_announce_their_feeds(client, listing):
    pages = {
        "/": "/feed/",
        "/themes/indo-pacific/": "/themes/indo-pacific/feed/",
        "/topics/quad/": "/topics/quad/feed/",
        "/authors/vivek-mishra/": "/authors/vivek-mishra/feed/",
        "/institutions/icwa/": "/institutions/icwa/feed/",
        "/series/dialogues/": "/series/dialogues/feed/",
        "/search/?q=quad": "/search/feed/?q=quad",
    }
    for page, feed in pages.items():
        html = client.get(page).content.decode()
        assert 'type="application/rss+xml" title="' in html
        assert f'href="{feed}"' in html, page


def test_a_bad_saved_search_is_a_400_and_an_unknown_listing_a_404(client, listing):
    assert client.get("/search/feed/?year=19x9").status_code == 400
    assert client.get("/topics/no-such-topic/feed/").status_code == 404


def test_feeds_run_a_fixed_number_of_queries(client, django_assert_max_num_queries, listing):
    for _ in range(20):
        ArticleFactory(authors=AuthorFactory.create_batch(3), topics=TopicFactory.create_batch(2))
    with django_assert_max_num_queries(5):
        assert client.get(reverse("archive:feed")).status_code == 200
