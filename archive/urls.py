from django.urls import path

from . import views

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
]
