"""Links to the pages named by a slug, as reverse() makes them, without its checks.

A list page links dozens of articles and authors, and reverse() matches every URL it
makes against its pattern again: a fifth of a search page's cards. The URL around the
slug is reversed once per view, URL configuration and script prefix; a slug that the
`slug` converter would refuse still goes through reverse(), which says so.
"""

import functools
import re

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

_SLUG = re.compile(r"[-a-zA-Z0-9_]+")  # what Django's `slug` path converter accepts
_STAND_IN = "slug-stand-in"


def slug_url(viewname, slug):
    """reverse(viewname, kwargs={"slug": slug})."""
    if not isinstance(slug, str) or not _SLUG.fullmatch(slug):
        return reverse(viewname, kwargs={"slug": slug})
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    before, after = _around(viewname, get_script_prefix(), urlconf)
    return f"{before}{slug}{after}"


def type_url(slug):
    """A type of publication's page: the search for that type."""
    return f"{reverse('archive:search')}?type={slug}"


@functools.lru_cache(maxsize=256)
def _around(viewname, prefix, urlconf):
    url = reverse(viewname, kwargs={"slug": _STAND_IN}, urlconf=urlconf)
    before, _, after = url.rpartition(_STAND_IN)
    return before, after
