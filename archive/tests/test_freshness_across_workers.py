"""Two gunicorn processes, each with its own local-memory page cache and no Redis: what an
editor takes down through one is gone from the other before the editor's save returns."""

import re
import sqlite3

import pytest
from django.conf import settings
from django.db import connection

from archive.tests.factories import ArticleFactory
from bench.servers import Gunicorn, fetch, form_token, manage, post_form

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def database_url(tmp_path):
    """A URL both servers can open: the test database itself, or a file copy of SQLite's."""

    def url():
        if connection.vendor == "postgresql":
            params = connection.get_connection_params()
            return (
                f"postgres://{params['user']}@{params['host']}:{params['port']}/{params['dbname']}"
            )
        path = tmp_path / "archive.sqlite3"
        connection.ensure_connection()
        with sqlite3.connect(path) as copy:
            connection.connection.backup(copy)
        copy.close()
        return f"sqlite:///{path}"

    return url


def served(server, article, times=10):
    """How many of `times` readers got the article's text from `server`."""
    hits = 0
    for _ in range(times):
        for path in (f"/articles/{article.slug}/", "/", "/feed/"):
            status, _, body = fetch(server.url(path))
            hits += status == 200 and article.title.encode() in body
    return hits


def admin_unpublish(server, article, session):
    cookie = f"sessionid={session}"
    status, headers, page = fetch(server.url("/admin/archive/article/"), headers={"Cookie": cookie})
    assert status == 200, (status, headers, page[:3000])
    csrf_cookie = re.search(r"csrftoken=([^;]+)", headers.get("Set-Cookie", "")).group(1)
    fields = {
        "action": "unpublish",
        "_selected_action": article.pk,
        "csrfmiddlewaretoken": form_token(page),
    }
    status, _, _ = post_form(
        server.url("/admin/archive/article/"), fields, f"{cookie}; csrftoken={csrf_cookie}"
    )
    return status


def test_a_take_down_through_one_worker_is_never_served_by_another(
    database_url, client, django_user_model
):
    unpublished = ArticleFactory(title="Quad naval drills, first account")
    retracted = ArticleFactory(title="Port deal figures, since corrected")
    # A superuser: a transactional test's database has lost the migrations' groups.
    client.force_login(django_user_model.objects.create_superuser("editor", password="pw-1"))
    session = client.cookies["sessionid"].value
    url = database_url()
    same_key = {"SECRET_KEY": settings.SECRET_KEY}  # the session was signed with it
    with Gunicorn(url, **same_key) as editors_server, Gunicorn(url, **same_key) as readers_server:
        assert served(readers_server, unpublished, times=2) == 6  # now cached on the reader's side
        assert served(editors_server, unpublished, times=1) == 3

        assert admin_unpublish(editors_server, unpublished, session) == 302
        assert served(readers_server, unpublished) == 0
        assert served(editors_server, unpublished) == 0

        assert served(readers_server, retracted, times=2) == 6
        manage(
            url,
            "shell",
            "-c",
            "from archive.models import Article; from django.contrib.auth.models import User;"
            "from archive.publishing import retract_article;"
            f"retract_article(article=Article.objects.get(pk={retracted.pk}),"
            " user=User.objects.get(username='editor'), notice='The figures were wrong.')",
        )
        assert served(readers_server, retracted) == 0
        status, _, body = fetch(readers_server.url(f"/articles/{retracted.slug}/"))
        assert status == 410 and b"The figures were wrong." in body
