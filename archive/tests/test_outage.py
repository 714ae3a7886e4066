"""A lost database: readers get a 503 that says so, editors keep what they typed."""

from html.parser import HTMLParser

import pytest
from django.db import OperationalError, connection
from django.test import Client
from django.urls import reverse

from archive.models import Article
from archive.tests.factories import ArticleFactory
from archive.tests.test_admin import article_form

pytestmark = pytest.mark.django_db


def refuse_everything(execute, sql, params, many, context):
    raise OperationalError("server closed the connection unexpectedly")


def test_a_reader_gets_a_friendly_503_with_retry_after_not_a_traceback():
    article = ArticleFactory(title="Ports of the Indian Ocean")
    reader = Client(raise_request_exception=False)
    with connection.execute_wrapper(refuse_everything):
        response = reader.get(article.get_absolute_url())
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response["Cache-Control"] == "no-store"
    text = response.content.decode()
    assert "briefly unavailable" in text
    assert "Traceback" not in text and "OperationalError" not in text


def test_an_outage_inside_a_middleware_is_a_503_too(settings):
    """The page cache reads the content version before any view runs."""
    settings.PAGE_CACHE_SECONDS = 300
    reader = Client(raise_request_exception=False)
    with connection.execute_wrapper(refuse_everything):
        response = reader.get("/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"


def test_an_editors_save_cut_off_midway_keeps_the_text_and_writes_nothing(editor_client):
    article = ArticleFactory(title="Before the outage", body="Old body.")
    new_body = "A long afternoon of careful writing\nabout maritime domain awareness."

    def fail_at_the_revision(execute, sql, params, many, context):
        if sql.startswith('INSERT INTO "reversion_revision"'):
            raise OperationalError("terminating connection due to administrator command")
        return execute(sql, params, many, context)

    editor_client.raise_request_exception = False
    form = article_form(
        title="After the outage",
        slug=article.slug,
        body=new_body,
        status="published",
        published_at_0="2024-01-01",
        published_at_1="10:00:00",
        article_type=article.article_type_id,
        seen_version=article.version,
    )
    with connection.execute_wrapper(fail_at_the_revision):
        response = editor_client.post(
            reverse("admin:archive_article_change", args=[article.pk]), form
        )
    assert response.status_code == 503
    page = response.content.decode()
    assert "were not saved" in page
    assert "A long afternoon of careful writing\nabout maritime domain awareness." in page
    assert 'name="title" value="After the outage"' in page
    article.refresh_from_db()
    assert (article.title, article.body) == ("Before the outage", "Old body.")
    assert not Article.objects.filter(title="After the outage").exists()

    # Once the database is back, "Send again" posts exactly what was typed, and it saves.
    resent = KeptForm()
    resent.feed(page)
    response = editor_client.post(resent.action, resent.data)
    assert response.status_code == 302
    article.refresh_from_db()
    assert (article.title, article.body) == ("After the outage", new_body)


class KeptForm(HTMLParser):
    """What the browser would send from the outage page's form."""

    def __init__(self):
        super().__init__()
        self.action, self.data, self._textarea = None, {}, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.action = attrs["action"]
        elif tag == "input":
            self.data.setdefault(attrs["name"], []).append(attrs["value"])
        elif tag == "textarea":
            self._textarea = attrs["name"]

    def handle_data(self, data):
        if self._textarea:
            self.data.setdefault(self._textarea, []).append(data)

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
