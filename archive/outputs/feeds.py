"""RSS 2.0 and Atom 1.0 feeds for everything a reader can follow.

One base class, `ArticleFeed`, holds what every feed shares (the latest 50
published articles with full bodies, every author, topics as categories, a
guid that survives a title or slug change, conditional GET); each listing
is a small subclass naming its object, title and articles. `atom()` makes the
Atom twin of any RSS feed class.
"""

import hashlib
import re

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpResponse
from django.urls import path, reverse
from django.utils.cache import get_conditional_response
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.http import http_date, quote_etag

from .. import freshness
from ..models import Article
from ..search.form import search_from_request

FEED_SIZE = 50

# What XML 1.0 cannot carry: C0 controls but tab, newline and return; lone surrogates;
# U+FFFE and U+FFFF. One such character in a title made the whole feed a 500.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(value):
    """`value` with what XML cannot carry removed, inside strings, lists and dicts."""
    if isinstance(value, str):
        return _NOT_XML.sub("", value)
    if isinstance(value, (list, tuple)):
        return type(value)(xml_safe(item) for item in value)
    if isinstance(value, dict):
        return {key: xml_safe(item) for key, item in value.items()}
    return value


class XmlSafeFeed:
    """A feed generator that writes what is already stored, whatever it contains."""

    def write(self, outfile, encoding):
        self.feed = xml_safe(self.feed)
        self.items = xml_safe(self.items)
        super().write(outfile, encoding)


class ArchiveRssFeed(XmlSafeFeed, Rss201rev2Feed):
    """RSS with the full body (`content:encoded`) and one `dc:creator` per author."""

    def rss_attributes(self):
        return {
            **super().rss_attributes(),
            "xmlns:content": "http://purl.org/rss/1.0/modules/content/",
            "xmlns:dc": "http://purl.org/dc/elements/1.1/",
        }

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for name in item["authors"]:
            handler.addQuickElement("dc:creator", name)
        handler.addQuickElement("content:encoded", item["content_html"])


class ArchiveAtomFeed(XmlSafeFeed, Atom1Feed):
    """Atom with one `author` per author and the full body as `content`."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for name in item["authors"]:
            handler.startElement("author", {})
            handler.addQuickElement("name", name)
            handler.endElement("author")
        handler.addQuickElement("content", item["content_html"], {"type": "html"})


class ArticleFeed(Feed):
    """The latest published articles of a listing. Subclasses override the small parts."""

    feed_type = ArchiveRssFeed
    title_template = None
    description_template = None

    # What a subclass overrides.
    def articles(self, obj):
        return Article.objects.published()

    def page_url(self, obj):
        return reverse("archive:home")

    def heading(self, obj):
        return "Latest analysis"

    def describe(self, obj):
        return settings.ARCHIVE_TAGLINE

    # The syndication framework's hooks, built from the parts above.
    def __call__(self, request, *args, **kwargs):
        """Answer a conditional GET with 304 before building the feed."""
        self.request = request
        try:
            obj = self.get_object(request, *args, **kwargs)
        except ObjectDoesNotExist as missing:
            raise Http404("Feed object does not exist.") from missing
        etag, last_modified = self.freshness(obj)
        not_modified = get_conditional_response(request, etag=etag, last_modified=last_modified)
        if not_modified is not None:
            return not_modified
        feed = self.get_feed(obj, request)
        # As one string: the XML writer writes thousands of small pieces, and each piece
        # written to the response was one socket write in the server.
        response = HttpResponse(feed.writeString("utf-8"), content_type=feed.content_type)
        response.headers["ETag"] = etag
        if last_modified:
            response.headers["Last-Modified"] = http_date(last_modified)
        return response

    def freshness(self, obj):
        """(ETag, Last-Modified) of the feed, from two small queries, not from the feed.

        The items' ids and times change when an article enters, leaves or is edited;
        the content version when anything else a feed shows does (an author's name,
        a topic). Counting every article of a listing instead is slow on a big archive.
        """
        version = freshness.current()
        keys = list(self.latest(obj).values_list("pk", "modified_at", "published_at")[:FEED_SIZE])
        fingerprint = f"{type(self).__name__}|{self.request.get_full_path()}|{version.key}|{keys}"
        etag = quote_etag(hashlib.sha256(fingerprint.encode()).hexdigest()[:32])
        times = [version.changed_at, *(time for _, *times in keys for time in times)]
        latest = max(filter(None, times), default=None)
        return etag, int(latest.timestamp()) if latest else None

    def latest(self, obj):
        return self.articles(obj).order_by("-published_at", "-pk")

    def items(self, obj):
        """The latest articles, with only what an item shows (the HTML body, not the Markdown)."""
        return self.latest(obj).for_feeds()[:FEED_SIZE]

    def title(self, obj):
        return f"{self.heading(obj)} · {settings.ARCHIVE_NAME}"

    def link(self, obj):
        return self.page_url(obj)

    def description(self, obj):
        return self.describe(obj)

    def subtitle(self, obj):
        return self.describe(obj)

    def author_name(self, obj):
        return settings.ARCHIVE_NAME

    def feed_copyright(self, obj):
        return f"© {settings.ARCHIVE_NAME}"

    def item_title(self, article):
        return article.title

    def item_description(self, article):
        return article.summary or article.deck

    def item_link(self, article):
        return article.get_absolute_url()

    def item_guid(self, article):
        """From the site's configured domain and the primary key: the same on every host
        name of the site, and renaming an article never re-announces it."""
        return f"tag:{settings.ARCHIVE_DOMAIN},2020:article:{article.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, article):
        return article.published_at

    def item_updateddate(self, article):
        """The latest of publication, correction and edit, so feed readers show an edited
        title or text; the page's public "Updated" date follows corrections alone."""
        return max(filter(None, (article.published_at, article.updated_at, article.modified_at)))

    def item_categories(self, article):
        return [topic.name for topic in article.topic_list()]

    def item_extra_kwargs(self, article):
        return {"authors": article.byline_names(), "content_html": article.body_html}


def atom(feed_class):
    """The Atom 1.0 twin of an RSS feed class."""
    return type(f"{feed_class.__name__}Atom", (feed_class,), {"feed_type": ArchiveAtomFeed})


class LatestFeed(ArticleFeed):
    pass


class ListingFeed(ArticleFeed):
    """The feed of one listing in `listings.LISTINGS`; `feed_routes()` makes one per listing."""

    listing = None

    def get_object(self, request, slug):
        return self.listing.get(slug)

    def articles(self, obj):
        return self.listing.articles(obj)

    def page_url(self, obj):
        return self.listing.page_url(obj)

    def heading(self, obj):
        return self.listing.heading(obj)

    def describe(self, obj):
        return self.listing.describe(obj)


def listing_feed(listing):
    """The RSS feed class of a listing, e.g. `ThemeFeed`."""
    name = f"{listing.name.title()}Feed"
    return type(name, (ListingFeed,), {"listing": listing})


def feed_routes(listing):
    """`<path>/<slug>/feed/` (RSS) and `<path>/<slug>/feed/atom/` of a listing."""
    rss = listing_feed(listing)
    prefix = f"{listing.path}/<slug:slug>/feed/"
    return [
        path(prefix, rss(), name=f"{listing.name}_feed"),
        path(f"{prefix}atom/", atom(rss)(), name=f"{listing.name}_feed_atom"),
    ]


class SearchFeed(ArticleFeed):
    """A saved search: the search page's parameters, newest first, as a subscription."""

    def get_object(self, request):
        return search_from_request(request, sort="newest", counted=False)[1]

    def articles(self, search):
        return search.first(FEED_SIZE)

    def page_url(self, search):
        query = self.request.GET.urlencode()
        return reverse("archive:search") + (f"?{query}" if query else "")

    def heading(self, search):
        return f"Search: {search.text}" if search.text else "Search"

    def describe(self, search):
        return "New analysis matching a saved search"
