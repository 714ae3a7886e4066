"""A page cache for anonymous readers that never shows a draft or hides a publication.

Every cached page is keyed by the content version (freshness.py), read from the database
on each request: a save, a retraction or a scheduled publication changes the key on every
worker at once, whichever cache backend holds the pages. Anything that bypasses the ORM
(raw SQL, `QuerySet.update()`) is bounded by PAGE_CACHE_SECONDS.

Only anonymous GET/HEAD requests (no session cookie) and plain 200 responses that
set no cookie and are not private are cached; previews and the admin never are.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.utils.cache import get_conditional_response
from django.utils.http import parse_http_date_safe

from . import freshness


class AnonymousPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        seconds = settings.PAGE_CACHE_SECONDS
        if not seconds or not self.is_cacheable_request(request):
            return self.get_response(request)
        key = self.key(request)
        response = cache.get(key)
        if response is not None:
            return self.conditional(request, response)
        response = self.get_response(request)
        if self.is_cacheable_response(response):
            if hasattr(response, "render") and callable(response.render):
                response.add_post_render_callback(lambda r: cache.set(key, r, seconds))
            else:
                cache.set(key, response, seconds)
        return response

    @staticmethod
    def is_cacheable_request(request):
        return (
            request.method in ("GET", "HEAD")
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and not request.path.startswith("/admin/")
        )

    @staticmethod
    def is_cacheable_response(response):
        cache_control = response.get("Cache-Control", "")
        return (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and "private" not in cache_control
            and "no-store" not in cache_control
        )

    @staticmethod
    def key(request):
        address = f"{request.get_host()}{request.get_full_path()}".encode()
        return f"archive:page:{freshness.current().key}:{hashlib.sha256(address).hexdigest()}"

    @staticmethod
    def conditional(request, response):
        """A cached feed still answers If-None-Match / If-Modified-Since with a 304."""
        not_modified = get_conditional_response(
            request,
            etag=response.get("ETag"),
            last_modified=parse_http_date_safe(response.get("Last-Modified", "")),
            response=response,
        )
        return not_modified
