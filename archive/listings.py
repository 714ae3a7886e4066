"""The listings readers follow: a theme, a topic, an author, an institution, a series.

Each is defined once here: which objects have a page, the published articles it lists,
its heading and description, and the names of its page and its two feeds. The listing
views, the feeds and the feeds' URLs are all read from this registry, so a page and its
feed cannot disagree about what belongs in them.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.shortcuts import get_object_or_404
from django.urls import reverse

from authors.models import Author, Institution

from .models import Article, Series, Theme, Topic
from .search.faceted import FacetedSearch


@dataclass(frozen=True)
class Listing:
    name: str  # the page's URL name; its feeds are <name>_feed and <name>_feed_atom
    namespace: str  # the app whose URLs name the page and feeds
    path: str  # the URL's first segment: /<path>/<slug>/, /<path>/<slug>/feed/
    owners: Callable  # () -> the objects that have a page
    select: Callable  # (published articles, object) -> those in the listing
    heading: Callable  # object -> the title of its page and feeds
    describe: Callable  # object -> the feed's description
    facet: str = ""  # the search engine's facet that selects the same articles, if one does

    def get(self, slug):
        """The object with this slug, or a 404 when it has no public page."""
        return get_object_or_404(self.owners(), slug=slug)

    def articles(self, obj):
        return self.select(Article.objects.published(), obj)

    def cards(self, obj, search=None):
        """The page's articles, newest first, as a sequence a Paginator pages through.

        Where an engine facet selects the same articles, the engine counts and pages them
        from its posting lists, where the database counted and sorted every article of a
        big theme for each page. An author's listing takes every role, the facet authors.
        """
        if not self.facet:
            return self.articles(obj).for_cards()
        return (search or self.search(obj, counted=False)).results()

    def search(self, obj, counted=True):
        """The engine's search for this listing's articles (with its facets' counts)."""
        return FacetedSearch(filters={self.facet: [obj.slug]}, counted=counted)

    def url_name(self, suffix=""):
        return f"{self.namespace}:{self.name}{suffix}"

    def page_url(self, obj):
        return reverse(self.url_name(), kwargs={"slug": obj.slug})

    def feed_urls(self, obj):
        """The RSS and the Atom feed of the object's listing."""
        return tuple(
            reverse(self.url_name(suffix), kwargs={"slug": obj.slug})
            for suffix in ("_feed", "_feed_atom")
        )

    def context(self, obj):
        """What a listing page's template needs to title it and announce its feeds."""
        feed_url, feed_atom_url = self.feed_urls(obj)
        return {
            "listing_name": self.heading(obj),
            "listing_description": getattr(obj, "description", ""),
            "feed_url": feed_url,
            "feed_atom_url": feed_atom_url,
        }


def _about(obj):
    return obj.description or f"Analysis on {obj.name}"


LISTINGS = {
    listing.name: listing
    for listing in [
        Listing(
            "theme",
            "archive",
            "themes",
            owners=lambda: Theme.objects.public(),
            select=lambda articles, theme: articles.in_theme(theme),
            heading=lambda theme: theme.name,
            describe=_about,
            facet="theme",
        ),
        Listing(
            "topic",
            "archive",
            "topics",
            owners=lambda: Topic.objects.public().select_related("theme"),
            select=lambda articles, topic: articles.in_topic(topic),
            heading=lambda topic: topic.name,
            describe=_about,
            facet="topic",
        ),
        Listing(
            "series",
            "archive",
            "series",
            owners=lambda: Series.objects.public(),
            select=lambda articles, series: articles.in_series(series),
            heading=lambda series: series.name,
            describe=lambda series: series.description or series.name,
            facet="series",
        ),
        Listing(
            "author",
            "authors",
            "authors",
            owners=lambda: Author.objects.public(),
            select=lambda articles, author: articles.by_author(author),
            heading=lambda author: author.display_name,
            describe=lambda author: f"Analysis by {author.display_name}",
        ),
        Listing(
            "institution",
            "authors",
            "institutions",
            owners=lambda: Institution.objects.public(),
            select=lambda articles, institution: articles.by_institution(institution),
            heading=lambda institution: institution.name,
            describe=lambda institution: f"Analysis by people of {institution.name}",
            facet="institution",
        ),
    ]
}
