"""Cards: what every list shows of an article, read as plain values (archive/cards.py)."""

import datetime

import pytest
from django.utils import timezone

from archive.models import Article
from archive.tests.factories import (
    ArticleFactory,
    ArticleTypeFactory,
    AuthorshipFactory,
    SeriesFactory,
)
from authors.tests.factories import AuthorFactory

pytestmark = pytest.mark.django_db


def cards(*also):
    return Article.objects.published().for_cards(*also)


def test_a_card_shows_what_its_article_says():
    kind = ArticleTypeFactory(name="Issue Brief", slug="issue-brief")
    series = SeriesFactory(name="Dialogues", slug="dialogues")
    first = AuthorFactory(name="Ana Silva", honorific="Dr.", slug="ana-silva")
    second = AuthorFactory(name="Li Wei", slug="li-wei")
    article = ArticleFactory(
        title="Ports of the Indian Ocean", article_type=kind, series=series, authors=[second]
    )
    AuthorshipFactory(article=article, author=first, position=0)
    AuthorshipFactory(article=article, author=AuthorFactory(), position=3, role="editor")

    (card,) = cards()
    assert (card.pk, card.title, card.deck) == (article.pk, article.title, article.deck)
    assert card.get_absolute_url() == article.get_absolute_url()
    assert (str(card.article_type), card.article_type.get_absolute_url()) == (
        "Issue Brief",
        kind.get_absolute_url(),
    )
    assert (str(card.series), card.series.get_absolute_url()) == (
        "Dialogues",
        series.get_absolute_url(),
    )
    assert (card.published_at, card.reading_time) == (article.published_at, article.reading_time)
    assert card.byline_names() == ["Dr. Ana Silva", "Li Wei"]  # in order, the editor left out
    assert [b.author.get_absolute_url() for b in card.byline()] == [
        first.get_absolute_url(),
        second.get_absolute_url(),
    ]


def test_a_card_without_series_or_authors_shows_neither():
    ArticleFactory(series=None)
    (card,) = cards()
    assert card.series is None
    assert card.byline() == [] and card.byline_names() == []


def test_the_body_is_read_only_when_asked_for():
    article = ArticleFactory()
    (plain,) = cards()
    (with_body,) = cards("body_html")
    assert plain.get_deferred_fields() == {"body_html"}
    assert with_body.get_deferred_fields() == set()
    assert with_body.body_html == article.body_html


def test_cards_keep_the_querysets_filters_order_and_slices(django_assert_num_queries):
    now = timezone.now()
    articles = [
        ArticleFactory(published_at=now - datetime.timedelta(days=n), authors=[AuthorFactory()])
        for n in range(1, 6)
    ]
    ArticleFactory(status=Article.Status.DRAFT)
    ArticleFactory(published_at=now + datetime.timedelta(days=1))  # scheduled
    newest_first = cards().order_by("-published_at")
    with django_assert_num_queries(2):  # the cards, then every card's byline
        page = list(newest_first[1:4])
    assert [card.pk for card in page] == [article.pk for article in articles[1:4]]
    assert newest_first.count() == 5
