"""`Article.objects.published()` is the one rule for what readers see."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from archive.models import Article
from archive.tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

PAST = timezone.now() - datetime.timedelta(days=3)


@pytest.mark.parametrize(
    ("status", "visible"),
    [
        (Article.Status.DRAFT, False),
        (Article.Status.REVIEW, False),
        (Article.Status.PUBLISHED, True),
        (Article.Status.WITHDRAWN, False),
        (Article.Status.RETRACTED, False),
    ],
)
def test_only_published_status_is_visible_to_readers(status, visible):
    article = ArticleFactory(status=status, published_at=PAST)
    assert Article.objects.published().filter(pk=article.pk).exists() is visible
    assert article.is_published is visible


def test_a_scheduled_article_appears_by_itself_when_its_time_comes():
    release = datetime.datetime(2030, 6, 1, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(release - datetime.timedelta(days=2), tick=False):
        article = ArticleFactory(status=Article.Status.PUBLISHED, published_at=release)

    with time_machine.travel(release - datetime.timedelta(seconds=1), tick=False):
        assert not Article.objects.published().filter(pk=article.pk).exists()
        assert Article.objects.scheduled().filter(pk=article.pk).exists()
        assert article.state_label == "Scheduled"

    with time_machine.travel(release + datetime.timedelta(seconds=1), tick=False):
        assert Article.objects.published().filter(pk=article.pk).exists()
        assert not Article.objects.scheduled().filter(pk=article.pk).exists()
        assert article.state_label == "Published"


def test_a_draft_with_a_past_date_stays_hidden():
    article = ArticleFactory(status=Article.Status.DRAFT, published_at=PAST)
    assert not Article.objects.published().filter(pk=article.pk).exists()
