"""The anonymous page cache: fast, and never a draft nor a stale omission."""

import datetime
import os
import socket

import pytest
from django.core.cache import cache

from archive.models import Article
from archive.tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 300
    return settings


def home(client):
    return client.get("/").content.decode()


def test_a_cached_page_costs_one_read_of_the_content_version(
    client, page_cache, django_assert_num_queries
):
    ArticleFactory(title="Cached analysis")
    assert "Cached analysis" in home(client)
    with django_assert_num_queries(1) as queries:
        assert "Cached analysis" in home(client)
    assert "archive_contentversion" in queries.captured_queries[0]["sql"]


def test_publishing_shows_at_once_and_a_draft_never_shows(client, page_cache):
    draft = ArticleFactory(title="Embargoed brief", status="draft", published_at=None)
    assert "Embargoed brief" not in home(client)
    assert client.get(draft.get_absolute_url()).status_code == 404
    draft.status = Article.Status.PUBLISHED
    draft.published_at = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)
    draft.save()
    assert "Embargoed brief" in home(client)
    assert client.get(draft.get_absolute_url()).status_code == 200


def test_editing_and_unpublishing_show_at_once(client, page_cache):
    article = ArticleFactory(title="First headline")
    assert "First headline" in home(client)
    assert "First headline" in client.get(article.get_absolute_url()).content.decode()
    article.title = "Corrected headline"
    article.save()
    assert "Corrected headline" in home(client)
    assert "Corrected headline" in client.get(article.get_absolute_url()).content.decode()
    article.status = Article.Status.DRAFT
    article.save()
    assert "Corrected headline" not in home(client)
    assert client.get(article.get_absolute_url()).status_code == 404


def test_a_scheduled_article_appears_when_its_time_comes_without_any_save(
    client, page_cache, time_machine
):
    release = datetime.datetime(2032, 2, 2, 8, tzinfo=datetime.UTC)
    time_machine.move_to(release - datetime.timedelta(minutes=10), tick=False)
    ArticleFactory(title="Scheduled analysis", published_at=release)
    ArticleFactory(title="Already out")
    assert "Scheduled analysis" not in home(client)
    assert "Scheduled analysis" not in home(client)  # now from the cache
    time_machine.move_to(release + datetime.timedelta(seconds=1), tick=False)
    assert "Scheduled analysis" in home(client)


def test_signed_in_users_and_previews_bypass_the_cache(client, page_cache, editor):
    draft = ArticleFactory(title="Private draft", status="draft", published_at=None)
    client.force_login(editor)
    assert "Preview: not published." in client.get(draft.get_absolute_url()).content.decode()
    client.logout()
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_a_cached_feed_still_answers_a_conditional_get(client, page_cache):
    ArticleFactory()
    first = client.get("/feed/")
    assert client.get("/feed/").status_code == 200  # served from the cache
    again = client.get("/feed/", headers={"if-none-match": first["ETag"]})
    assert again.status_code == 304


def redis_url():
    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        if os.environ.get("REQUIRE_REDIS"):
            pytest.fail("Redis is not reachable at 127.0.0.1:6379")
        pytest.skip("Redis is not reachable at 127.0.0.1:6379")
    return url


def test_invalidation_works_on_redis_too(client, page_cache):
    page_cache.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url(),
            "KEY_PREFIX": f"archive-test-{os.getpid()}",
        }
    }
    cache.clear()
    article = ArticleFactory(title="On Redis", status="draft", published_at=None)
    assert "On Redis" not in home(client)
    article.status = Article.Status.PUBLISHED
    article.published_at = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)
    article.save()
    assert "On Redis" in home(client)
    article.status = Article.Status.RETRACTED
    article.save()
    assert "On Redis" not in home(client)
    cache.clear()
