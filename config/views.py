"""Error pages that tell the reader what went wrong, never a bare status code."""

import sys

from django.http import JsonResponse
from django.shortcuts import render

from archive.views.listings import PageOutOfRange
from config.outage import API_PREFIX, is_outage, outage_response


def bad_request(request, exception):
    message = str(exception) or "The request could not be understood."
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"error": message}, status=400)
    return render(request, "400.html", {"message": message}, status=400)


def page_not_found(request, exception):
    message = str(exception) if isinstance(exception, PageOutOfRange) else ""
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"error": message or "Nothing is at this address."}, status=404)
    return render(request, "404.html", {"message": message}, status=404)


def server_error(request):
    """An error in a middleware lands here; a lost database is still an outage, not a bug."""
    exception = sys.exc_info()[1]
    if is_outage(exception):
        return outage_response(request, exception)
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"error": "Something went wrong on our side."}, status=500)
    return render(request, "500.html", status=500)
