"""The site's URLs plus the benchmark's own: an empty view (the floor) and the naive search."""

from django.http import HttpResponse
from django.urls import include, path
from django.views.decorators.http import require_safe

from config.urls import handler400, handler404, handler500  # noqa: F401

from . import naive


@require_safe
def empty(request):
    """What a request costs with no work in it: routing and the middleware stack only."""
    return HttpResponse(b"", content_type="text/plain")


urlpatterns = [
    path("bench/empty/", empty),
    path("bench/naive/search/", naive.search),
    path("", include("config.urls")),
]
