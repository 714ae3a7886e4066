from functools import partial

import pytest
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.test.utils import override_settings


@pytest.fixture(autouse=True, scope="session")
def _test_settings(tmp_path_factory):
    """Production settings, less what needs TLS or a prior collectstatic.

    Session-scoped so it is in force before the live server builds its middleware.
    """
    with override_settings(
        SEARCH_INDEX_DIR=tmp_path_factory.mktemp("search-index"),  # never the checkout's
        SECURE_SSL_REDIRECT=False,
        SECURE_HSTS_SECONDS=0,
        PAGE_CACHE_SECONDS=0,  # the cache's own tests turn it on
        WHITENOISE_AUTOREFRESH=True,
        # Tests that log in with a password need no defence against cracking the hash.
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
    ):
        yield


@pytest.fixture(autouse=True)
def _empty_cache():
    """Nothing cached by one test may answer another."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _own_search_index(tmp_path_factory, settings, monkeypatch):
    """Each test its own search index, built on first use, as a new site's is; processes
    a test starts find it through the environment."""
    from archive.search.facets import FacetLabels
    from archive.search.reader import Reader

    directory = tmp_path_factory.mktemp("search-index")
    settings.SEARCH_INDEX_DIR = directory
    monkeypatch.setenv("SEARCH_INDEX_DIR", str(directory))
    Reader.forget()
    FacetLabels._read.clear()
    yield directory
    Reader.forget()


def _only_the_tests_transaction(connection):
    return all(block._from_testcase for block in connection.atomic_blocks)


@pytest.fixture(autouse=True)
def _search_upkeep_at_each_commit(monkeypatch):
    """A database test runs in a transaction that never commits, so the index would never
    see its changes: here each change outside the code's own transactions counts as
    committed, and a transaction of the code's own writes the index when it ends."""
    from archive.search import upkeep

    def on_commit(func, using=None, robust=False):
        if _only_the_tests_transaction(connections[using or DEFAULT_DB_ALIAS]):
            func()
        else:
            transaction.on_commit(func, using=using, robust=robust)

    def is_flush(hook):
        return isinstance(hook[1], partial) and hook[1].func is upkeep.flush

    exit_atomic = transaction.Atomic.__exit__

    def exit_and_flush(self, *exception):
        result = exit_atomic(self, *exception)
        connection = connections[self.using or DEFAULT_DB_ALIAS]
        if connection.in_atomic_block and _only_the_tests_transaction(connection):
            flushes = [hook for hook in connection.run_on_commit if is_flush(hook)]
            connection.run_on_commit = [h for h in connection.run_on_commit if not is_flush(h)]
            for _, flush, _ in flushes:
                flush()
        return result

    monkeypatch.setattr(upkeep, "on_commit", on_commit)
    monkeypatch.setattr(transaction.Atomic, "__exit__", exit_and_flush)
