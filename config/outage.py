"""While the database or the search index is unreachable: a 503 that says so, never a
500 or a traceback.

Readers are told to come back (Retry-After); a load balancer reads the same from /readyz.
An editor whose save failed gets back what they typed, in a form that posts it again
once the database returns: the admin saves in one transaction, so nothing was written.
"""

import logging

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string

from archive.search.reader import IndexUnavailable

logger = logging.getLogger("archive.outage")

OUTAGE_ERRORS = (OperationalError, InterfaceError, IndexUnavailable)
API_PREFIX = "/api/"
LONG_TEXT = 60  # characters: a value longer than this is shown, not hidden


def is_outage(exception):
    return isinstance(exception, OUTAGE_ERRORS)


def _kept_fields(request):
    """What the failed form sent, less passwords: (shown texts, hidden pairs)."""
    if request.method != "POST":
        return [], []
    shown, hidden = [], []
    for name, values in request.POST.lists():
        if "password" in name.lower():
            continue
        if len(values) == 1 and (len(values[0]) > LONG_TEXT or "\n" in values[0]):
            shown.append((name, values[0]))
        else:
            hidden.extend((name, value) for value in values)
    return shown, hidden


def outage_response(request, exception):
    what = "search index" if isinstance(exception, IndexUnavailable) else "database"
    logger.error("The %s is unavailable: %s %s: %s", what, request.method, request.path, exception)
    if request.path.startswith(API_PREFIX):
        message = f"Our {what} is not answering; try again soon."
        response = JsonResponse({"error": message}, status=503)
    else:
        shown, hidden = _kept_fields(request)
        context = {
            "what": what,
            "retry_after": settings.OUTAGE_RETRY_AFTER_SECONDS,
            "action": request.get_full_path(),
            "shown": shown,
            "hidden": hidden,
            "had_files": request.method == "POST" and bool(request.FILES),
        }
        response = HttpResponse(render_to_string("503.html", context), status=503)
    response["Retry-After"] = str(settings.OUTAGE_RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseOutageMiddleware:
    """Turns a view's lost database connection or search index into the outage page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if is_outage(exception):
            return outage_response(request, exception)
        return None
