from django.urls import path, re_path

from . import feeds, oai, views

app_name = "archive"

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("api/search/", views.api_search, name="api_search"),
    path("articles/<slug:slug>/", views.article_detail, name="article"),
    path("authors/", views.author_list, name="authors"),
    path("authors/<slug:slug>/", views.author_detail, name="author"),
    path("institutions/<slug:slug>/", views.institution_detail, name="institution"),
    path("topics/<slug:slug>/", views.topic_detail, name="topic"),
    path("themes/<slug:slug>/", views.theme_detail, name="theme"),
    path("series/<slug:slug>/", views.series_detail, name="series"),
    # Feeds: RSS at <page>/feed/, Atom at <page>/feed/atom/.
    path("feed/", feeds.LatestFeed(), name="feed"),
    path("feed/atom/", feeds.atom(feeds.LatestFeed)(), name="feed_atom"),
    path("search/feed/", feeds.SearchFeed(), name="search_feed"),
    path("search/feed/atom/", feeds.atom(feeds.SearchFeed)(), name="search_feed_atom"),
    path("themes/<slug:slug>/feed/", feeds.ThemeFeed(), name="theme_feed"),
    path("themes/<slug:slug>/feed/atom/", feeds.atom(feeds.ThemeFeed)(), name="theme_feed_atom"),
    path("topics/<slug:slug>/feed/", feeds.TopicFeed(), name="topic_feed"),
    path("topics/<slug:slug>/feed/atom/", feeds.atom(feeds.TopicFeed)(), name="topic_feed_atom"),
    path("authors/<slug:slug>/feed/", feeds.AuthorFeed(), name="author_feed"),
    path("authors/<slug:slug>/feed/atom/", feeds.atom(feeds.AuthorFeed)(), name="author_feed_atom"),
    path("institutions/<slug:slug>/feed/", feeds.InstitutionFeed(), name="institution_feed"),
    path(
        "institutions/<slug:slug>/feed/atom/",
        feeds.atom(feeds.InstitutionFeed)(),
        name="institution_feed_atom",
    ),
    path("series/<slug:slug>/feed/", feeds.SeriesFeed(), name="series_feed"),
    path("series/<slug:slug>/feed/atom/", feeds.atom(feeds.SeriesFeed)(), name="series_feed_atom"),
    # Citations: one article, or the results of a search.
    re_path(
        r"^articles/(?P<slug>[-\w]+)/cite\.(?P<export_format>bib|ris|json)$",
        views.article_citation,
        name="article_citation",
    ),
    re_path(
        r"^search/cite\.(?P<export_format>bib|ris|json)$",
        views.search_citations,
        name="search_citations",
    ),
    path("robots.txt", views.robots_txt, name="robots"),
    path("oai/", oai.oai_pmh, name="oai"),
]
