"""A page cache for anonymous readers that never shows a draft or hides a publication.

Every cached page is keyed by a content version. Any save or delete in the
archive or authors apps replaces the version, so publishing, editing or
unpublishing is visible on the next request. A scheduled publication changes
what readers see without a save, so the time of the next one is cached too, and
the first request after it passes replaces the version. Anything that bypasses
the ORM (raw SQL, `QuerySet.update()`) is bounded by PAGE_CACHE_SECONDS.

Only anonymous GET/HEAD requests (no session cookie) and plain 200 responses that
set no cookie and are not private are cached; previews and the admin never are.
"""

import hashlib
import math
import time

from django.conf import settings
from django.core.cache import cache
from django.db.models import Min
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from django.utils.cache import get_conditional_response
from django.utils.http import parse_http_date_safe

VERSION_KEY = "archive:content-version"
NEXT_RELEASE_KEY = "archive:next-release"
WATCHED_APPS = {"archive", "authors", "taggit"}  # whose saves change what readers see


def content_version():
    version = cache.get(VERSION_KEY)
    if version is None:
        version = time.time_ns()
        cache.add(VERSION_KEY, version, None)
        version = cache.get(VERSION_KEY, version)
    return version


def new_content_version():
    """Set, not increment: a fresh value is safe on every backend without atomic counters."""
    cache.set(VERSION_KEY, time.time_ns(), None)
    cache.delete(NEXT_RELEASE_KEY)


def next_release():
    """Epoch seconds of the next scheduled publication (infinity if none), cached."""
    when = cache.get(NEXT_RELEASE_KEY)
    if when is None:
        from .models import Article

        first = Article.objects.scheduled().aggregate(first=Min("published_at"))["first"]
        when = first.timestamp() if first else math.inf
        cache.set(NEXT_RELEASE_KEY, when, settings.PAGE_CACHE_SECONDS)
    return when


@receiver(post_save)
@receiver(post_delete)
@receiver(m2m_changed)
def content_changed(sender, **kwargs):
    if sender._meta.app_label in WATCHED_APPS:
        new_content_version()


class AnonymousPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        seconds = settings.PAGE_CACHE_SECONDS
        if not seconds or not self.is_cacheable_request(request):
            return self.get_response(request)
        if time.time() >= next_release():
            new_content_version()
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
        return f"archive:page:{content_version()}:{hashlib.sha256(address).hexdigest()}"

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
