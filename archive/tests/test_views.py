import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from archive.models import Article, Authorship, Theme
from archive.search import engine
from archive.tests.factories import (
    ArticleFactory,
    RegionFactory,
    SeriesFactory,
    ThemeFactory,
    TopicFactory,
)
from authors.tests.factories import AffiliationFactory, AuthorFactory, InstitutionFactory

pytestmark = pytest.mark.django_db

GONE = [Article.Status.WITHDRAWN, Article.Status.RETRACTED]
HIDDEN_STATES = [
    {"status": Article.Status.DRAFT, "published_at": None},
    {"status": Article.Status.REVIEW, "published_at": None},
    {"status": Article.Status.WITHDRAWN},
    {"status": Article.Status.RETRACTED},
    {"published_at": timezone.now() + datetime.timedelta(days=7)},
]


def test_the_home_page_lists_published_articles_newest_first(client):
    older = ArticleFactory(
        title="Older analysis", published_at=timezone.now() - datetime.timedelta(days=9)
    )
    newer = ArticleFactory(title="Newer analysis")
    page = client.get(reverse("archive:home")).content.decode()
    assert page.index(newer.title) < page.index(older.title)


@pytest.mark.parametrize("state", HIDDEN_STATES)
def test_unpublished_articles_are_not_on_the_home_page(client, state):
    ArticleFactory(title="Unfinished thoughts on BECA", **state)
    assert "Unfinished thoughts on BECA" not in client.get(reverse("archive:home")).content.decode()


@pytest.mark.parametrize("state", [s for s in HIDDEN_STATES if s.get("status") not in GONE])
def test_an_unpublished_article_page_is_a_404_for_readers(client, state):
    hidden = ArticleFactory(title="Unfinished thoughts on BECA", **state)
    response = client.get(hidden.get_absolute_url())
    assert response.status_code == 404
    assert "Unfinished thoughts" not in response.content.decode()


@pytest.mark.parametrize("status", GONE)
def test_a_withdrawn_or_retracted_article_keeps_its_url_with_a_notice_not_its_text(client, status):
    article = ArticleFactory(
        status=status, body="The original claim.", notice="The data behind it was wrong."
    )
    response = client.get(article.get_absolute_url())
    page = response.content.decode()
    assert response.status_code == 410
    assert f"This article was {status}" in page
    assert "The data behind it was wrong." in page
    assert "The original claim." not in page
    assert 'name="robots" content="noindex"' in page


@pytest.mark.parametrize("state", HIDDEN_STATES)
def test_unpublished_articles_are_not_on_author_pages(client, state):
    author = AuthorFactory()
    ArticleFactory(title="Published piece", authors=[author])
    ArticleFactory(title="Unfinished thoughts on BECA", authors=[author], **state)
    page = client.get(author.get_absolute_url()).content.decode()
    assert "Published piece" in page
    assert "Unfinished thoughts on BECA" not in page


def test_the_byline_shows_affiliations_held_at_publication_not_later_or_earlier_ones(client):
    author = AuthorFactory(honorific="Dr.", name="Vivek Mishra")
    AffiliationFactory(
        author=author, role="Research Fellow", institution=InstitutionFactory(name="ICWA")
    )
    AffiliationFactory(
        author=author,
        role="Scholar",
        start_year=2015,
        end_year=2016,
        institution=InstitutionFactory(name="Columbia University"),
    )
    AffiliationFactory(
        author=author,
        role="Director",
        start_year=2023,
        institution=InstitutionFactory(name="Future Institute"),
    )
    article = ArticleFactory(
        authors=[author], published_at=datetime.datetime(2020, 3, 15, tzinfo=datetime.UTC)
    )
    page = strip_tags(client.get(article.get_absolute_url()).content.decode())
    assert "Dr. Vivek Mishra" in page
    assert "Research Fellow, ICWA" in page
    assert "Columbia University" not in page
    assert "Future Institute" not in page


def test_a_co_authored_article_lists_its_authors_in_byline_order(client):
    article = ArticleFactory(
        authors=[AuthorFactory(name="Zara Ahmed"), AuthorFactory(name="Ann Bell")]
    )
    page = client.get(reverse("archive:home")).content.decode()
    assert "Zara Ahmed</a> and <a" in page
    assert page.index("Zara Ahmed") < page.index("Ann Bell")
    assert client.get(article.get_absolute_url()).status_code == 200


def test_the_article_page_shows_the_sanitised_body_type_series_and_topics(client):
    topic = TopicFactory(name="COMCASA")
    article = ArticleFactory(
        body="## Takeaways\n\nEncrypted links.<script>alert(1)</script>",
        series=SeriesFactory(name="Dialogue Watch"),
        topics=[topic],
    )
    page = client.get(article.get_absolute_url()).content.decode()
    assert "<h2>Takeaways</h2>" in page
    assert "<script>alert(1)</script>" not in page
    assert "Dialogue Watch" in page
    assert "COMCASA" in page
    assert f"{article.reading_time} min read" in page


def test_titles_are_escaped(client):
    article = ArticleFactory(title='<img src=x onerror="alert(1)">')
    page = client.get(article.get_absolute_url()).content.decode()
    assert '<img src=x onerror="alert(1)">' not in page
    assert "&lt;img src=x" in page


def test_cards_escape_what_editors_typed_and_keep_the_highlight(client):
    """Cards and facet lists are drawn by Jinja2: they escape as Django's templates do."""
    article = ArticleFactory(
        title='<img src=x onerror="alert(1)"> Sealift',
        deck="<b>Ports</b> & sea",
        body="Chartered sealift carries the stores.",
    )
    listing = article.article_type.get_absolute_url()
    for path in ["/", listing, "/search/", "/search/?q=sealift"]:
        page = client.get(path).content.decode()
        assert '<img src=x onerror="alert(1)">' not in page, path
        assert "&lt;img src=x onerror=" in page, path
    page = client.get("/search/?q=sealift").content.decode()
    assert "&lt;b&gt;Ports&lt;/b&gt; &amp; sea" in page
    assert "Chartered <mark>sealift</mark> carries" in page


def test_the_home_page_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    ThemeFactory.create_batch(3)
    for _ in range(25):
        ArticleFactory(
            authors=AuthorFactory.create_batch(2),
            series=SeriesFactory(),
            topics=[TopicFactory(theme=theme) for theme in Theme.objects.all()],
        )
    engine.search("")  # the index is built on first use, not per page view
    with django_assert_max_num_queries(7):
        response = client.get(reverse("archive:home"))
    assert response.status_code == 200
    assert all(len(articles) == 3 for _, articles in response.context["theme_sections"])


def test_the_article_page_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    authors = AuthorFactory.create_batch(4)
    for author in authors:
        AffiliationFactory.create_batch(3, author=author)
    topics = TopicFactory.create_batch(5)
    series = SeriesFactory()
    for day in (1, 3):
        ArticleFactory(
            series=series,
            topics=topics,
            published_at=datetime.datetime(2024, 5, day, tzinfo=datetime.UTC),
        )
    article = ArticleFactory(
        authors=authors,
        topics=topics,
        series=series,
        published_at=datetime.datetime(2024, 5, 2, tzinfo=datetime.UTC),
    )
    client.get(article.get_absolute_url())  # the first page view builds the search index
    with django_assert_max_num_queries(7):
        response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert Authorship.objects.filter(article=article).count() == 4
    assert response.context["previous"] and response.context["next"]
    assert len(response.context["related"]) == 2


def test_the_author_page_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    author = AuthorFactory()
    AffiliationFactory.create_batch(3, author=author)
    for _ in range(25):
        ArticleFactory(authors=[author, AuthorFactory()], topics=TopicFactory.create_batch(2))
    with django_assert_max_num_queries(6):
        response = client.get(author.get_absolute_url())
    assert response.status_code == 200


def test_the_article_page_links_previous_and_next_in_its_series(client):
    series = SeriesFactory(name="Dialogue Watch")
    days = [30, 20, 15, 10]
    first, hidden, middle, last = (
        ArticleFactory(series=series, published_at=timezone.now() - datetime.timedelta(days=d))
        for d in days
    )
    hidden.status = Article.Status.DRAFT
    hidden.save()
    page = client.get(middle.get_absolute_url()).content.decode()
    assert f'rel="prev" href="{first.get_absolute_url()}"' in page
    assert f'rel="next" href="{last.get_absolute_url()}"' in page
    assert hidden.get_absolute_url() not in page


def test_related_articles_share_topics_and_are_published(client):
    quad, scs = TopicFactory(name="Quad"), TopicFactory(name="South China Sea")
    article = ArticleFactory(topics=[quad, scs])
    closest = ArticleFactory(title="Closest match", topics=[quad, scs])
    near = ArticleFactory(title="Near match", topics=[quad])
    ArticleFactory(title="Unrelated", topics=[TopicFactory()])
    ArticleFactory(title="Draft match", topics=[quad, scs], status="draft", published_at=None)
    page = client.get(article.get_absolute_url()).content.decode()
    assert page.index(closest.title) < page.index(near.title)
    assert "Unrelated" not in page
    assert "Draft match" not in page


def test_related_articles_are_chosen_among_the_newest_and_newest_first(client, monkeypatch):
    quad, scs, mda = (TopicFactory() for _ in range(3))
    article = ArticleFactory(topics=[quad, scs, mda])

    def published(days_ago, topics, title):
        when = timezone.now() - datetime.timedelta(days=days_ago)
        return ArticleFactory(title=title, topics=topics, published_at=when)

    published(30, [quad, scs, mda], "Old and close")
    published(3, [quad], "Recent, one topic")
    published(2, [quad, scs], "Recent, two topics")
    published(1, [scs], "Newest, one topic")
    monkeypatch.setattr("archive.views.articles.RELATED_CANDIDATES", 3)
    related = client.get(article.get_absolute_url()).context["related"]
    assert [a.title for a in related] == [
        "Recent, two topics",
        "Newest, one topic",
        "Recent, one topic",
    ]


def test_topics_themes_and_regions_link_to_their_pages(client):
    theme = ThemeFactory(name="Defence trade and technology", slug="defence-trade")
    article = ArticleFactory(topics=[TopicFactory(name="COMCASA", slug="comcasa", theme=theme)])
    article.regions.set([RegionFactory(name="Japan", slug="japan")])
    page = client.get(article.get_absolute_url()).content.decode()
    assert 'href="/topics/comcasa/">COMCASA</a>' in page
    assert 'href="/themes/defence-trade/">Defence trade and technology</a>' in page
    assert 'href="/search/?region=japan"' in page


@pytest.mark.parametrize("page_kind", ["topic", "theme", "series", "institution", "authors"])
@pytest.mark.parametrize("state", HIDDEN_STATES)
def test_listing_pages_show_only_published_articles(client, page_kind, state):
    theme = ThemeFactory()
    topic = TopicFactory(theme=theme)
    series = SeriesFactory()
    institution = InstitutionFactory()
    author, hidden_author = AuthorFactory(name="Shown Author"), AuthorFactory(name="Hidden Author")
    AffiliationFactory(author=author, institution=institution)
    AffiliationFactory(author=hidden_author, institution=institution)
    common = {"topics": [topic], "series": series}
    ArticleFactory(title="Published piece", authors=[author], **common)
    ArticleFactory(title="Unfinished thoughts", authors=[hidden_author], **common, **state)
    url = {
        "topic": topic.get_absolute_url(),
        "theme": theme.get_absolute_url(),
        "series": series.get_absolute_url(),
        "institution": institution.get_absolute_url(),
        "authors": reverse("authors:authors"),
    }[page_kind]
    page = client.get(url).content.decode()
    if page_kind == "authors":
        assert "Shown Author" in page
        assert "Hidden Author" not in page
    else:
        assert "Published piece" in page
        assert "Unfinished thoughts" not in page


def test_the_institution_page_lists_articles_written_while_its_people_were_there(client):
    institution = InstitutionFactory()
    author = AuthorFactory()
    AffiliationFactory(author=author, institution=institution, start_year=2018, end_year=2019)
    ArticleFactory(
        title="While there",
        authors=[author],
        published_at=datetime.datetime(2019, 5, 1, tzinfo=datetime.UTC),
    )
    ArticleFactory(
        title="After leaving",
        authors=[author],
        published_at=datetime.datetime(2022, 5, 1, tzinfo=datetime.UTC),
    )
    page = client.get(institution.get_absolute_url()).content.decode()
    assert "While there" in page
    assert "After leaving" not in page


def test_the_author_page_shows_orcid_and_current_and_past_affiliations(client):
    author = AuthorFactory(orcid="0000-0002-1825-0097")
    AffiliationFactory(
        author=author, role="Research Fellow", institution=InstitutionFactory(name="ICWA")
    )
    AffiliationFactory(author=author, role="Scholar", start_year=2015, end_year=2016)
    ArticleFactory(authors=[author])
    page = strip_tags(client.get(author.get_absolute_url()).content.decode())
    assert "0000-0002-1825-0097" in page
    assert "(current)" in page
    assert "(2015–2016)" in page


@pytest.mark.parametrize("number", ["0", "abc", "-3"])
def test_listing_pages_answer_a_bad_page_number_with_a_400(client, number):
    author = AuthorFactory()
    ArticleFactory(authors=[author])
    response = client.get(author.get_absolute_url(), {"page": number})
    assert response.status_code == 400
    assert "whole number" in response.content.decode()


@pytest.mark.parametrize("page_kind", ["topic", "theme", "series", "institution", "authors"])
def test_listing_pages_run_a_fixed_number_of_queries(
    client, django_assert_max_num_queries, page_kind
):
    theme = ThemeFactory()
    topics = TopicFactory.create_batch(3, theme=theme)
    series = SeriesFactory()
    institution = InstitutionFactory()
    authors = AuthorFactory.create_batch(5)
    for author in authors:
        AffiliationFactory(author=author, institution=institution)
    for n in range(25):
        ArticleFactory(authors=authors[n % 5 : n % 5 + 2], topics=topics, series=series)
    url = {
        "topic": topics[0].get_absolute_url(),
        "theme": theme.get_absolute_url(),
        "series": series.get_absolute_url(),
        "institution": institution.get_absolute_url(),
        "authors": reverse("authors:authors"),
    }[page_kind]
    client.get(url)  # the first engine-backed listing builds the index and reads the labels
    with django_assert_max_num_queries(6):
        assert client.get(url).status_code == 200
