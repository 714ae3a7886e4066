"""Settings for the publication archive.

Everything that differs between a laptop and production comes from the
environment (see the table in README.md). With no environment at all the site
runs on SQLite in a file inside the checkout, so a new user needs no server.
"""

import datetime
import os
import re
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(
        f"{name} must be a boolean such as 1/0 or true/false, not {value!r}."
    )


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", default=False)

# A public default key would let anyone forge sessions and signed tokens: without DEBUG
# the site refuses to start until SECRET_KEY is set.
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. With DEBUG off the site needs its own secret key: "
            "set SECRET_KEY in the environment, e.g. to the output of "
            "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`, "
            "or set DEBUG=1 on a development machine."
        )
    SECRET_KEY = "django-insecure-local-development-only"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "config.apps.ArchiveAdminConfig",  # django.contrib.admin, with the site in config/admin.py
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "csp",
    "taggit",
    "reversion",
    "reversion_compare",
    "axes",
    "authors",
    "archive",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "config.headers.IsolationHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "archive.cache.AnonymousPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "archive.context_processors.site",
            ],
        },
    },
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "OPTIONS": {"environment": "config.jinja.environment"},
    },
]

WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers carry on while an editor saves; IMMEDIATE transactions
    # avoid "database is locked" errors when two writers meet.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }

FIXTURE_DIRS = [BASE_DIR / "fixtures"]

# The search engine's index (tantivy): one directory per database under this one,
# rebuilt from the database by `manage.py rebuild_search_index` or on first use.
SEARCH_INDEX_DIR = Path(os.environ.get("SEARCH_INDEX_DIR") or BASE_DIR / "search-index")
# Threads per process that count a search's facets beside the rest of its work.
SEARCH_THREADS = max(1, int(os.environ.get("SEARCH_THREADS", "2")))

# Redis when REDIS_URL is set (shared by all workers), local memory otherwise.
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "archive"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Anonymous pages and feeds are cached this long at most (0 turns the cache off). Cache keys
# embed the content version read from the database (archive/freshness.py), so a save reaches
# every worker at once with Redis or with a per-process cache; this bounds only changes made
# outside Django.
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "0" if DEBUG else "3600"))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Brute-force protection (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one
# username from one address, that pair is locked out for AXES_COOLOFF_MINUTES, and every
# attempt in between, the right password included, gets the lockout page (HTTP 429).
# Unlock early in the admin (Axes -> Access attempts) or with `manage.py axes_reset`.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "config.lockout.lockout_response"
# Behind the TLS proxy REMOTE_ADDR is the proxy's: take the address it appended instead.
AXES_CLIENT_IP_CALLABLE = "config.lockout.client_ip"

LOGIN_URL = "admin:login"
# Where a login goes when `next` is missing or rejected as unsafe: the admin, not a 404.
LOGIN_REDIRECT_URL = "admin:index"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
LANGUAGES = [
    ("en", "English"),
    ("hi", "Hindi"),
    ("fr", "French"),
    ("de", "German"),
    ("es", "Spanish"),
    ("zh-hans", "Chinese (Simplified)"),
    ("ja", "Japanese"),
]
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Production hardening: on unless DEBUG, each overridable for a TLS-terminating proxy.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Content-Security-Policy (django-csp 4): nothing loads unless named here. No inline
# script or style anywhere (templates keep theirs in static/), no plugins, no <base>,
# no framing, forms post only here. JSON-LD is data, which script-src does not govern.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "manifest-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}
# Headers config.headers adds: nothing here needs a camera, microphone, location or
# payment, and the site's files are for its own pages (CORP) in an isolated context (COEP).
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=()"
)
CROSS_ORIGIN_RESOURCE_POLICY = "same-origin"
CROSS_ORIGIN_EMBEDDER_POLICY = "require-corp"
if env_bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

# Shown in the page header, feeds and metadata.
ARCHIVE_NAME = os.environ.get("ARCHIVE_NAME", "Policy Archive")
ARCHIVE_TAGLINE = os.environ.get(
    "ARCHIVE_TAGLINE", "Analysis on foreign policy, defence and the Indo-Pacific"
)

# Citations of an article with no named author: by default each style's rule for works
# without an author; with ARCHIVE_CORPORATE_AUTHOR=1 the archive (ARCHIVE_NAME) is the author.
ARCHIVE_CORPORATE_AUTHOR = env_bool("ARCHIVE_CORPORATE_AUTHOR", default=False)

TAGGIT_CASE_INSENSITIVE = True

# The importer: the largest dump it reads (25 times the longest seed) and how many files
# one admin upload may hold. Larger files are refused before they are read.
ARCHIVE_IMPORT_MAX_BYTES = int(os.environ.get("ARCHIVE_IMPORT_MAX_BYTES", 500_000))
ARCHIVE_IMPORT_MAX_FILES = int(os.environ.get("ARCHIVE_IMPORT_MAX_FILES", 20))


def first_domain_name(hosts):
    """The first of `hosts` that is a domain name (not a wildcard or an IP address)."""
    for host in hosts:
        name = host.lstrip(".").lower()
        if re.fullmatch(r"[a-z0-9-]+(\.[a-z0-9-]+)*", name) and re.search(r"[a-z]", name):
            return name
    return "localhost"


# The site's identity in feed entry ids and OAI identifiers: configured, never the host a
# request used, so example.org and www.example.org (or a move) hand out the same ids.
ARCHIVE_DOMAIN = os.environ.get("ARCHIVE_DOMAIN", "").lower() or first_domain_name(ALLOWED_HOSTS)

# OAI-PMH: the domain in record identifiers (default: ARCHIVE_DOMAIN) and the
# repository's contact addresses, which Identify must give.
OAI_REPOSITORY_DOMAIN = os.environ.get("OAI_REPOSITORY_DOMAIN", "")
OAI_ADMIN_EMAILS = env_list("OAI_ADMIN_EMAILS")

# --- Production serving (gunicorn.conf.py, README "Running in production") ---------------
# Health probes are answered ahead of the host check and the https redirect, for the names
# and plain-http addresses a load balancer uses (config/health.py).
MIDDLEWARE.insert(0, "config.health.HealthCheckMiddleware")
# A database outage answers a friendly 503 with Retry-After, never a 500 (config/outage.py).
MIDDLEWARE.insert(1, "config.outage.DatabaseOutageMiddleware")
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
OUTAGE_RETRY_AFTER_SECONDS = int(os.environ.get("OUTAGE_RETRY_AFTER_SECONDS", "5"))
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A server that does not answer fails the request in seconds, not at the worker timeout.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", int(os.environ.get("DATABASE_CONNECT_TIMEOUT", "3"))
    )
    # Each worker's connection plans a page's few statement shapes once, not per request;
    # PgBouncer in transaction mode cannot keep prepared statements: set it to 0 there.
    if os.environ.get("DATABASE_PREPARED_STATEMENTS", "1") != "0":
        DATABASES["default"]["OPTIONS"].update(server_side_binding=True, prepare_threshold=2)
