import pytest


@pytest.fixture(autouse=True)
def _test_settings(settings):
    """Production settings, less what needs TLS or a prior collectstatic."""
    settings.SECURE_SSL_REDIRECT = False
    settings.WHITENOISE_AUTOREFRESH = True
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
