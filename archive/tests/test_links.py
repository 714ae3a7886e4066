"""Links by slug are the URLs reverse() makes, under any script prefix."""

import pytest
from django.urls import NoReverseMatch, reverse, set_script_prefix

from archive.links import slug_url
from config.jinja import date

VIEWS = [
    "archive:article",
    "archive:topic",
    "archive:theme",
    "archive:series",
    "authors:author",
    "authors:institution",
]


@pytest.mark.parametrize("viewname", VIEWS)
@pytest.mark.parametrize("prefix", ["/", "/think-tank/"])
def test_a_slug_link_is_what_reverse_makes(viewname, prefix):
    set_script_prefix(prefix)
    try:
        for slug in ["quad", "a-b_c-2024", "x"]:
            assert slug_url(viewname, slug) == reverse(viewname, kwargs={"slug": slug})
            assert slug_url(viewname, slug).startswith(prefix)
    finally:
        set_script_prefix("/")


@pytest.mark.parametrize("slug", ["", "naïve", "a/b", "a b"])
def test_a_slug_reverse_refuses_is_refused_the_same_way(slug):
    with pytest.raises(NoReverseMatch):
        slug_url("archive:article", slug)


def test_the_iso_date_is_djangos(settings):
    import datetime

    from django.utils import dateformat, timezone

    settings.TIME_ZONE = "Asia/Kolkata"
    moment = datetime.datetime(2024, 3, 1, 23, 45, 12, tzinfo=datetime.UTC)
    local = timezone.localtime(moment)
    assert date(moment, "c") == dateformat.format(local, "c") == "2024-03-02T05:15:12+05:30"
