"""The people pages and their feeds, at the same addresses as ever."""

from django.urls import path

from archive.listings import LISTINGS
from archive.outputs.feeds import feed_routes

from . import views

app_name = "authors"

urlpatterns = [
    path("authors/", views.author_list, name="authors"),
    path("authors/<slug:slug>/", views.author_detail, name="author"),
    path("institutions/<slug:slug>/", views.institution_detail, name="institution"),
    *(
        route
        for listing in LISTINGS.values()
        if listing.namespace == app_name
        for route in feed_routes(listing)
    ),
]
