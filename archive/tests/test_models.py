import pytest
from django.db import IntegrityError

from archive.models import Article, Authorship
from archive.tests.factories import ArticleFactory, ThemeFactory, TopicFactory
from authors.tests.factories import AuthorFactory

pytestmark = pytest.mark.django_db


def test_markdown_body_is_rendered_to_html_on_save():
    article = ArticleFactory(body="## Findings\n\nThe **ISA** was signed.\n\n- one\n- two")
    assert "<h2>Findings</h2>" in article.body_html
    assert "<strong>ISA</strong>" in article.body_html
    assert "<li>one</li>" in article.body_html


def test_scripts_handlers_and_javascript_links_are_stripped_from_the_body():
    article = ArticleFactory(
        body='Hello <script>alert("x")</script><img src="x.png" onerror="alert(1)">'
        ' [click](javascript:alert(1)) <a href="https://example.org" onclick="x()">ok</a>'
    )
    html = article.body_html
    assert "<script" not in html
    assert "onerror" not in html
    assert "onclick" not in html
    assert "javascript:" not in html
    assert 'href="https://example.org"' in html


def test_reading_time_is_derived_from_the_body_length():
    assert ArticleFactory(body="word " * 100).reading_time == 1
    assert ArticleFactory(body="word " * 2200).reading_time == 10
    assert ArticleFactory(body="").reading_time == 0


def test_editing_the_body_with_update_fields_refreshes_the_rendered_html():
    article = ArticleFactory(body="old text")
    article.body = "new **text**"
    article.save(update_fields=["body"])
    article.refresh_from_db()
    assert "<strong>text</strong>" in article.body_html


def test_article_slugs_are_unique_in_the_database():
    ArticleFactory(slug="india-us-2-plus-2")
    with pytest.raises(IntegrityError):
        ArticleFactory(slug="india-us-2-plus-2")


def test_an_author_appears_only_once_on_a_byline():
    article = ArticleFactory()
    author = AuthorFactory()
    Authorship.objects.create(article=article, author=author, position=1)
    with pytest.raises(IntegrityError):
        Authorship.objects.create(article=article, author=author, position=2)


@pytest.mark.parametrize(
    "status", [Article.Status.PUBLISHED, Article.Status.WITHDRAWN, Article.Status.RETRACTED]
)
def test_the_database_refuses_a_public_status_without_a_publication_date(status):
    with pytest.raises(IntegrityError):
        ArticleFactory(status=status, published_at=None)


def test_a_draft_may_have_no_publication_date():
    assert ArticleFactory(status=Article.Status.DRAFT, published_at=None).pk


def test_byline_follows_positions_not_insertion_order():
    first, second, third = AuthorFactory.create_batch(3)
    article = ArticleFactory()
    Authorship.objects.create(article=article, author=third, position=3)
    Authorship.objects.create(article=article, author=first, position=1)
    Authorship.objects.create(article=article, author=second, position=2)
    article = Article.objects.with_bylines().get(pk=article.pk)
    assert [a.author for a in article.byline()] == [first, second, third]


def test_editors_and_contributors_are_not_listed_as_authors():
    author, editor = AuthorFactory.create_batch(2)
    article = ArticleFactory(authors=[author])
    Authorship.objects.create(article=article, author=editor, position=2, role="editor")
    assert Article.objects.with_bylines().get(pk=article.pk).byline_names() == [author.name]


def test_renumbering_closes_gaps_and_keeps_the_order():
    article = ArticleFactory()
    authors = AuthorFactory.create_batch(3)
    for position, author in zip([5, 9, 9], authors, strict=True):
        Authorship.objects.create(article=article, author=author, position=position)
    article.renumber_authorships()
    assert list(article.authorships.values_list("author", "position")) == [
        (authors[0].pk, 1),
        (authors[1].pk, 2),
        (authors[2].pk, 3),
    ]


def test_a_topic_rolls_up_to_its_theme():
    defence = ThemeFactory(name="Defence trade and technology")
    comcasa = TopicFactory(name="COMCASA", theme=defence)
    tagged = ArticleFactory(topics=[comcasa])
    ArticleFactory(topics=[TopicFactory()])
    assert list(Article.objects.filter(topics__theme=defence)) == [tagged]
