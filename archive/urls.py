from django.urls import path, re_path

from .listings import LISTINGS
from .outputs import feeds
from .outputs.oai import views as oai
from .views import articles, listings, search

app_name = "archive"

urlpatterns = [
    path("", articles.home, name="home"),
    path("search/", search.search, name="search"),
    path("api/search/", search.api_search, name="api_search"),
    path("articles/<slug:slug>/", articles.article_detail, name="article"),
    path("topics/<slug:slug>/", listings.topic_detail, name="topic"),
    path("themes/<slug:slug>/", listings.theme_detail, name="theme"),
    path("series/<slug:slug>/", listings.series_detail, name="series"),
    # Feeds: RSS at <page>/feed/, Atom at <page>/feed/atom/.
    path("feed/", feeds.LatestFeed(), name="feed"),
    path("feed/atom/", feeds.atom(feeds.LatestFeed)(), name="feed_atom"),
    path("search/feed/", feeds.SearchFeed(), name="search_feed"),
    path("search/feed/atom/", feeds.atom(feeds.SearchFeed)(), name="search_feed_atom"),
    *(
        route
        for listing in LISTINGS.values()
        if listing.namespace == app_name
        for route in feeds.feed_routes(listing)
    ),
    # Citations: one article, or the results of a search.
    re_path(
        r"^articles/(?P<slug>[-\w]+)/cite\.(?P<export_format>bib|ris|json)$",
        articles.article_citation,
        name="article_citation",
    ),
    re_path(
        r"^search/cite\.(?P<export_format>bib|ris|json)$",
        search.search_citations,
        name="search_citations",
    ),
    path("robots.txt", articles.robots_txt, name="robots"),
    path("favicon.ico", articles.favicon, name="favicon"),
    path("oai/", oai.oai_pmh, name="oai"),
]
