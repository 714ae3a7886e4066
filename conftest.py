import pytest
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
