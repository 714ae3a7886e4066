"""Listing pages (a theme, topic or series; authors has its own) and their paging."""

from django.core.exceptions import BadRequest, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_safe

from ..listings import LISTINGS
from ..search.form import parse_page_number

PAGE_SIZE = 20


class PageOutOfRange(Http404):
    """A 404 whose message is written for the reader, and shown on the error page."""


def paginate(request, queryset, per_page=PAGE_SIZE):
    """The requested page, a 400 for a page number that is not one, a 404 past the end."""
    try:
        number = parse_page_number(request.GET.get("page"))
    except ValidationError as error:
        raise BadRequest(error.messages[0]) from error
    return page_or_404(Paginator(queryset, per_page), number)


def page_or_404(paginator, number):
    if number > paginator.num_pages:
        raise PageOutOfRange(f"There is no page {number}; the last page is {paginator.num_pages}.")
    return paginator.page(number)


def render_listing(request, listing, obj, template, search=None, **extra):
    """A listing's page: the object, a page of its published articles, its feeds."""
    context = {listing.name: obj, "page": paginate(request, listing.cards(obj, search))}
    context |= listing.context(obj)
    return render(request, template, context | extra)


@require_safe
def topic_detail(request, slug):
    listing = LISTINGS["topic"]
    return render_listing(request, listing, listing.get(slug), "archive/topic_detail.html")


@require_safe
def theme_detail(request, slug):
    listing = LISTINGS["theme"]
    theme = listing.get(slug)
    search = listing.search(theme)
    topics = SimpleLazyObject(lambda: _topics_in_use(theme, search))  # read after the page
    return render_listing(
        request, listing, theme, "archive/theme_detail.html", search=search, topics=topics
    )


def _topics_in_use(theme, search):
    """The theme's topics readers find articles under, the most used first, with counts.

    The engine counts them from the theme's search, which pages its articles too.
    """
    counts = search.counts_by_id("topic")
    topics = [topic for topic in theme.topics.all() if counts.get(topic.pk)]
    for topic in topics:
        topic.num_articles = counts[topic.pk]
    return sorted(topics, key=lambda topic: (-topic.num_articles, topic.name))


@require_safe
def series_detail(request, slug):
    listing = LISTINGS["series"]
    return render_listing(request, listing, listing.get(slug), "archive/series_detail.html")
