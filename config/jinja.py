"""The Jinja2 environment for the site's hot fragments: cards, bylines and facet lists.

Pages stay Django templates; a fragment a page repeats dozens or hundreds of times is
rendered by Jinja2, which compiles templates to Python and draws them several times
faster (archive/templatetags/fragments.py). Autoescaping is on, as in Django.
"""

from django.templatetags.static import static
from django.urls import reverse
from django.utils import dateformat, timezone
from jinja2 import Environment


def date(value, format_string):
    """Django's `date` filter: the value in the site's time zone, in Django's format."""
    if value in (None, ""):
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    if format_string == "c":  # what Django's "c" is, without parsing the format
        return value.isoformat()
    return dateformat.format(value, format_string)


def pluralize(count, suffix="s"):
    """Django's `pluralize` filter, as the facet counts use it."""
    return "" if count == 1 else suffix


def environment(**options):
    """The environment Django's Jinja2 backend builds, with Django's URLs, static and dates."""
    env = Environment(**options)
    env.globals.update(url=reverse, static=static)
    env.filters.update(date=date, pluralize=pluralize)
    return env
