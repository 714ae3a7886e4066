"""Settings for benchmarking: production settings, served over plain HTTP on loopback.

`bench/run.py` starts gunicorn with these. The site's own settings are untouched;
only what a loopback benchmark cannot have (TLS redirects, a collectstatic manifest)
is relaxed, and the page cache is off: the numbers are the site's work.
BENCH_COUNT_QUERIES=1 adds the query-counting middleware. The `bench` app (its
`generate_corpus` command empties the archive) is installed here, never on the site.
"""

import os
import secrets

# A loopback benchmark signs nothing that outlives it: a throwaway key unless one is set.
os.environ.setdefault("SECRET_KEY", f"bench-only-{secrets.token_urlsafe(40)}")

from config.settings import *  # noqa: F403
from config.settings import INSTALLED_APPS, MIDDLEWARE, STORAGES

DEBUG = False
INSTALLED_APPS = [*INSTALLED_APPS, "bench"]
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
ROOT_URLCONF = "bench.urls"
# The benchmark measures the work a page does, so no page cache, unless a cached-throughput
# run asks for one with BENCH_PAGE_CACHE_SECONDS.
PAGE_CACHE_SECONDS = int(os.environ.get("BENCH_PAGE_CACHE_SECONDS", "0"))

if os.environ.get("BENCH_COUNT_QUERIES") == "1":
    MIDDLEWARE = ["bench.middleware.QueryCountMiddleware", *MIDDLEWARE]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
