import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from archive.models import Article, Authorship
from archive.tests.factories import ArticleFactory, SeriesFactory, ThemeFactory, TopicFactory
from authors.tests.factories import AffiliationFactory, AuthorFactory, InstitutionFactory

pytestmark = pytest.mark.django_db

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
def test_unpublished_articles_are_not_on_the_home_page_and_their_pages_404(client, state):
    hidden = ArticleFactory(title="Unfinished thoughts on BECA", **state)
    assert "Unfinished thoughts on BECA" not in client.get(reverse("archive:home")).content.decode()
    assert client.get(hidden.get_absolute_url()).status_code == 404


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


def test_the_home_page_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    ThemeFactory.create_batch(3)
    for _ in range(25):
        ArticleFactory(authors=AuthorFactory.create_batch(2), series=SeriesFactory())
    with django_assert_max_num_queries(4):
        response = client.get(reverse("archive:home"))
    assert response.status_code == 200


def test_the_article_page_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    authors = AuthorFactory.create_batch(4)
    for author in authors:
        AffiliationFactory.create_batch(3, author=author)
    article = ArticleFactory(authors=authors, topics=TopicFactory.create_batch(5))
    with django_assert_max_num_queries(6):
        response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert Authorship.objects.filter(article=article).count() == 4


def test_the_author_page_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    author = AuthorFactory()
    AffiliationFactory.create_batch(3, author=author)
    for _ in range(15):
        ArticleFactory(authors=[author, AuthorFactory()])
    with django_assert_max_num_queries(6):
        response = client.get(author.get_absolute_url())
    assert response.status_code == 200
