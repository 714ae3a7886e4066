"""Feed entry ids and OAI identifiers name the site, not the host a request used; feed
items' updated dates follow edits, while the page's "Updated" date follows corrections."""

import datetime
import json
import re
import xml.etree.ElementTree as ET

import feedparser
import pytest
from django.urls import reverse
from django.utils import timezone

from archive.models import Article, Correction
from archive.tests.factories import ArticleFactory
from config.settings import first_domain_name

pytestmark = pytest.mark.django_db

HOSTS = ["example.org", "www.example.org"]
OAI = "{http://www.openarchives.org/OAI/2.0/}"


@pytest.fixture
def site(settings):
    settings.ALLOWED_HOSTS = [*HOSTS, "testserver"]
    settings.ARCHIVE_DOMAIN = "archive.example.org"
    settings.OAI_REPOSITORY_DOMAIN = ""
    published = timezone.now() - datetime.timedelta(days=3)
    article = ArticleFactory(published_at=published)
    Article.objects.filter(pk=article.pk).update(modified_at=published)  # last saved then
    return article


def feed_ids(client, url, host):
    return [entry.id for entry in feedparser.parse(client.get(url, HTTP_HOST=host).content).entries]


def oai_ids(client, host):
    response = client.get(
        reverse("archive:oai"), {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc"},
        HTTP_HOST=host,
    )  # fmt: skip
    return [e.text for e in ET.fromstring(response.content).iter(f"{OAI}identifier")]


@pytest.mark.parametrize("url", ["/feed/", "/feed/atom/"])
def test_every_host_name_of_the_site_gives_the_same_feed_ids(client, site, url):
    ids = [feed_ids(client, url, host) for host in HOSTS]
    assert ids[0] == ids[1] == [f"tag:archive.example.org,2020:article:{site.pk}"]


def test_every_host_name_of_the_site_gives_the_same_oai_identifiers(client, site):
    ids = [oai_ids(client, host) for host in HOSTS]
    assert ids[0] == ids[1] == [f"oai:archive.example.org:article:{site.pk}"]


def test_oai_repository_domain_still_overrides_the_site_domain(client, site, settings):
    settings.OAI_REPOSITORY_DOMAIN = "oai.example.net"
    assert oai_ids(client, HOSTS[1]) == [f"oai:oai.example.net:article:{site.pk}"]


@pytest.mark.parametrize(
    ("allowed_hosts", "domain"),
    [
        (["archive.example.org", "www.archive.example.org"], "archive.example.org"),
        (["127.0.0.1", "[::1]", ".Example.org"], "example.org"),
        (["*"], "localhost"),
        ([], "localhost"),
    ],
)
def test_the_default_site_domain_is_the_first_domain_name_allowed(allowed_hosts, domain):
    assert first_domain_name(allowed_hosts) == domain


def entry(client, url="/feed/atom/"):
    parsed = feedparser.parse(client.get(url).content)
    return parsed.feed, parsed.entries[0]


def published_dates(client, slug):
    page = client.get(reverse("archive:article", kwargs={"slug": slug})).content.decode()
    ld = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1)
    return "Updated" in page, json.loads(ld)["dateModified"]


@pytest.mark.parametrize("field", ["title", "summary", "body"])
def test_an_edit_to_a_published_article_updates_its_feed_item_only(client, site, field):
    feed_before, before = entry(client)
    rss_before = feedparser.parse(client.get("/feed/").content).feed
    page_before = published_dates(client, site.slug)

    article = Article.objects.get(pk=site.pk)
    setattr(article, field, "The Quad's second decade, revised")
    article.save()

    feed_after, after = entry(client)
    assert after.id == before.id
    assert after.updated_parsed > before.updated_parsed
    assert feed_after.updated_parsed > feed_before.updated_parsed
    assert feedparser.parse(client.get("/feed/").content).feed.updated_parsed > (
        rss_before.updated_parsed
    ), "RSS lastBuildDate"
    if field == "title":
        assert after.title == "The Quad's second decade, revised"
    assert published_dates(client, site.slug) == page_before == (False, before.published)


def test_a_correction_dates_the_page_and_the_feed_item(client, site):
    Correction.objects.create(article=site, text="A date was wrong.")
    _, item = entry(client)
    shown, modified = published_dates(client, site.slug)
    site.refresh_from_db()
    assert shown and modified == site.updated_at.isoformat()
    assert item.updated_parsed >= site.updated_at.utctimetuple()
