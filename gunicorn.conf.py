"""Gunicorn settings for `make serve`: everything a deployment varies comes from the environment.

HOST/PORT (127.0.0.1:8000), WEB_CONCURRENCY workers (2 x cores + 1), GUNICORN_THREADS,
GUNICORN_TIMEOUT, GUNICORN_GRACEFUL_TIMEOUT, GUNICORN_KEEPALIVE. README.md ("Running in
production") says how to size workers against PostgreSQL's max_connections.
"""

import gc
import multiprocessing
import os
import sys

# Refuse to serve with the development fallbacks: a guessable key or no host check.
_missing = [name for name in ("SECRET_KEY", "ALLOWED_HOSTS") if not os.environ.get(name)]
if _missing:
    sys.stderr.write(
        f"Refusing to start: set {' and '.join(_missing)} in the environment "
        "(README.md, 'Running in production').\n"
    )
    sys.exit(1)

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "0"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "0"))

wsgi_app = "config.wsgi:application"
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
logger_class = "config.serving.JsonRequestLogger"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# Off unless asked for: several servers on one host would fight over the default socket path.
control_socket_disable = not os.environ.get("GUNICORN_CONTROL_SOCKET")
control_socket = os.environ.get("GUNICORN_CONTROL_SOCKET") or None
# After this many requests a worker's own caches are loaded: freeze them too (post_request).
FREEZE_AGAIN_AFTER_REQUESTS = 50


def post_worker_init(worker):
    """Move what loading the site created (about 90,000 objects) out of the collector's sight.

    A full collection walked them all: a feed's p95 was four times its median. They live as
    long as the worker, so freezing them loses nothing (`gc.freeze()`, Python's docs).
    """
    gc.collect()
    gc.freeze()


def post_request(worker, req, environ, resp):
    """Freeze once more when the first requests have filled the site's own caches (URLs,
    compiled templates, facet labels): the few of those replaced later stay uncollected."""
    if worker.nr == FREEZE_AGAIN_AFTER_REQUESTS:
        gc.freeze()
