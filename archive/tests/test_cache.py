"""The anonymous page cache: fast, and never a draft nor a stale omission."""

import datetime
import os
import socket

import pytest
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import connection
from django.test.utils import CaptureQueriesContext

from archive import freshness
from archive.models import Article
from archive.search import changes, engine
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


@pytest.mark.django_db(transaction=True)
def test_a_search_page_reads_the_content_version_once_and_nothing_else_to_be_current(
    client, page_cache
):
    """The cache key, the index's change-log check, synonyms and facet labels share one read."""
    ArticleFactory(title="Frigate procurement", body="frigates")
    client.get("/search/", {"q": "frigates"})  # builds the index and reads the labels
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert "Frigate procurement" in client.get("/search/", {"q": "frigates"}).content.decode()
    tables = [query["sql"] for query in queries.captured_queries]
    assert sum("archive_contentversion" in sql for sql in tables) == 1
    assert not any(sql.startswith('SELECT "archive_searchchange"') for sql in tables)


@pytest.mark.django_db(transaction=True)
def test_a_change_made_during_a_request_renews_the_version_that_request_kept():
    request_started.send(sender=None)
    try:
        before = freshness.current()
        assert freshness.current() is before  # kept for the request
        ArticleFactory(title="Saved mid-request")
        after = freshness.current()
    finally:
        request_finished.send(sender=None)
    assert after.token != before.token
    assert after.log_head[0] > before.log_head[0]  # the save's change-log row


@pytest.mark.django_db(transaction=True)
def test_another_servers_save_reaches_this_index_at_its_next_search():
    """The change-log check rides on the version read: a row it has not applied is seen."""
    ArticleFactory(title="Corvettes", body="corvettes")
    draft = ArticleFactory(title="More corvettes", body="corvettes", status="draft")
    assert len(engine.search("corvettes").ids) == 1
    Article.objects.filter(pk=draft.pk).update(status="published", published_at=draft.created_at)
    changes.record([draft.pk])  # what the other server's save left in the log, and no more

    assert len(engine.search("corvettes").ids) == 2
