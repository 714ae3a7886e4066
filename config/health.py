"""Liveness and readiness probes for a load balancer or an orchestrator.

Answered by the first middleware, before the host check, the https redirect, sessions and
the page cache: a probe addressed to a node's own IP over plain http must get the state of
the node, not a 400 or a 301. Only these two exact paths are answered so; nothing else
escapes ALLOWED_HOSTS. Neither writes to the database; /readyz starts rebuilding a search
index that cannot be opened, which reads it.
"""

import json
import logging
import threading

from django.core.cache import cache
from django.db import DatabaseError, connections
from django.http import HttpResponse

from archive.search.reader import IndexUnavailable, Reader

logger = logging.getLogger(__name__)

PROBES = {"/healthz", "/readyz"}
READY = {"ok", "built on first search"}


def _database_state():
    connection = connections["default"]
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        connection.close()  # the next request opens a fresh connection
        return "unavailable"
    return "ok"


def _cache_state():
    try:
        cache.get("archive:readiness-probe")
    except Exception:
        return "unavailable"
    return "ok"


def _search_state():
    """Whether this node's search index opens. A new node's is built by its first search; a
    damaged one is rebuilt beside the probes, the node unready until it opens again."""
    try:
        opened = Reader.snapshot(build_missing=False)
    except (IndexUnavailable, OSError, ValueError):
        return _repairing()
    if opened:
        return "ok"
    return _repairing() if Reader.failed_lately() else "built on first search"


_repair = {"thread": None}
_repair_lock = threading.Lock()


def _repairing():
    """Start rebuilding the index unless a rebuild is under way: "unavailable" once one
    failed (tried again after the reader's back-off), "rebuilding" until then."""
    state = "unavailable" if Reader.failed_lately() else "rebuilding"
    with _repair_lock:
        thread = _repair["thread"]
        if thread is None or not thread.is_alive():
            thread = threading.Thread(target=_rebuild, name="search-repair", daemon=True)
            _repair["thread"] = thread
            thread.start()
    return state


def _rebuild():
    try:
        Reader.snapshot()  # builds what is missing or cannot be opened, once across workers
    except (IndexUnavailable, DatabaseError) as error:
        logger.error("The search index could not be rebuilt: %s", error)
    finally:
        connections.close_all()


def probe_response(request, checks):
    healthy = all(state in READY for state in checks.values())
    body = {"status": "ok" if healthy else "unavailable", "checks": checks}
    response = HttpResponse(
        b"" if request.method == "HEAD" else json.dumps(body).encode(),
        content_type="application/json",
        status=200 if healthy else 503,
    )
    response["Cache-Control"] = "no-store"
    return response


class HealthCheckMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info not in PROBES:
            return self.get_response(request)
        if request.method not in ("GET", "HEAD"):
            response = HttpResponse(status=405)
            response["Allow"] = "GET, HEAD"
            return response
        if request.path_info == "/healthz":
            return probe_response(request, {"process": "ok"})
        checks = {"database": _database_state(), "cache": _cache_state()}
        checks["search"] = _search_state() if checks["database"] == "ok" else "unknown"
        return probe_response(request, checks)
