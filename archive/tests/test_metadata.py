"""What search engines, libraries and link previews read from our pages."""

import json
import re
import xml.etree.ElementTree as ET

import pytest
from django.core.management import call_command

from archive.tests.factories import ArticleFactory, ArticleTypeFactory, SeriesFactory, TopicFactory
from authors.tests.factories import AffiliationFactory, AuthorFactory, InstitutionFactory

pytestmark = pytest.mark.django_db

VIEWPOINT = "/articles/india-us-relations-major-takeaways-from-latest-2-plus-2-meet/"
SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def jsonld(html):
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(match.group(1))


def meta(html, name):
    return re.findall(rf'<meta name="{name}" content="([^"]*)">', html)


def test_json_ld_describes_the_article_its_authors_and_their_affiliations(client):
    call_command("loaddata", "vocabulary", "sample", verbosity=0)
    data = jsonld(client.get(VIEWPOINT).content.decode())
    assert data["@type"] == "ScholarlyArticle"
    assert data["headline"] == "India-US Relations: Major Takeaways from Latest 2+2 Meet"
    assert data["datePublished"].startswith("2020-03-15")
    assert data["publisher"]["@type"] == "Organization"
    (author,) = data["author"]
    assert author["name"] == "Vivek Mishra"
    assert author["honorificPrefix"] == "Dr."
    assert [a["name"] for a in author["affiliation"]] == [
        "Indian Council of World Affairs",
        "Netaji Institute for Asian Studies",
    ]


def test_a_report_is_a_report_and_its_series_is_part_of(client):
    article = ArticleFactory(
        article_type=ArticleTypeFactory(name="Report"), series=SeriesFactory(name="Dialogues")
    )
    data = jsonld(client.get(article.get_absolute_url()).content.decode())
    assert data["@type"] == "Report"
    assert data["isPartOf"] == {
        "@type": "CreativeWorkSeries",
        "name": "Dialogues",
        "url": f"http://testserver{article.series.get_absolute_url()}",
    }


def test_a_title_with_a_closing_script_tag_cannot_break_out_of_json_ld(client):
    title = 'Hacked </script><script>alert("x")</script> & <!-- more'
    article = ArticleFactory(title=title)
    html = client.get(article.get_absolute_url()).content.decode()
    assert '<script>alert("x")</script>' not in html
    assert jsonld(html)["name"] == title


def test_scholar_tags_list_each_author_with_their_institution_at_publication(client):
    first, second = AuthorFactory(name="Vivek Mishra"), AuthorFactory(name="Ann Bell")
    AffiliationFactory(author=first, institution=InstitutionFactory(name="ICWA"))
    AffiliationFactory(
        author=second, institution=InstitutionFactory(name="Later Institute"), start_year=2090
    )
    article = ArticleFactory(title="Quad notes", authors=[first, second])
    html = client.get(article.get_absolute_url()).content.decode()
    assert meta(html, "citation_title") == ["Quad notes"]
    assert meta(html, "citation_author") == ["Vivek Mishra", "Ann Bell"]
    assert meta(html, "citation_author_institution") == ["ICWA"]
    assert meta(html, "citation_publication_date") == [article.published_at.strftime("%Y/%m/%d")]
    assert meta(html, "citation_publisher")
    first_author = html.index('name="citation_author" content="Vivek Mishra"')
    institution = html.index('name="citation_author_institution" content="ICWA"')
    assert first_author < institution < html.index('name="citation_author" content="Ann Bell"')


@pytest.mark.parametrize("signed", [True, False])
def test_unsigned_work_names_the_archive_as_author_only_when_it_signs_it(client, settings, signed):
    """The machines' metadata agrees with the page's citations (test_citations.py)."""
    settings.ARCHIVE_NAME = "Maritime Policy Institute"
    settings.ARCHIVE_CORPORATE_AUTHOR = signed
    page = client.get(ArticleFactory().get_absolute_url()).content.decode()
    named = [{"@type": "Organization", "name": "Maritime Policy Institute"}] if signed else []
    assert [{k: a[k] for k in ("@type", "name")} for a in jsonld(page)["author"]] == named
    assert meta(page, "citation_author") == (["Maritime Policy Institute"] if signed else [])


def test_the_article_page_has_canonical_open_graph_and_twitter_tags(client):
    article = ArticleFactory(deck="A short standfirst.", topics=[TopicFactory(name="Quad")])
    html = client.get(article.get_absolute_url()).content.decode()
    url = f"http://testserver{article.get_absolute_url()}"
    assert f'<link rel="canonical" href="{url}">' in html
    assert f'<meta property="og:url" content="{url}">' in html
    assert '<meta property="og:description" content="A short standfirst.">' in html
    assert '<meta property="article:tag" content="Quad">' in html
    assert '<meta name="twitter:card" content="summary">' in html


def test_the_sitemap_lists_published_articles_and_their_pages_only(client):
    author = AuthorFactory(slug="shown")
    hidden_author = AuthorFactory(slug="hidden-author")
    shown = ArticleFactory(authors=[author], topics=[TopicFactory(slug="shown-topic")])
    drafts = [
        ArticleFactory(status="draft", published_at=None, authors=[hidden_author]),
        ArticleFactory(published_at="2099-01-01T00:00:00Z", topics=[TopicFactory(slug="later")]),
        ArticleFactory(status="retracted"),
    ]
    root = ET.fromstring(client.get("/sitemap.xml").content)
    locations = [loc.text for loc in root.findall("s:url/s:loc", SITEMAP_NS)]
    assert f"http://testserver{shown.get_absolute_url()}" in locations
    assert "http://testserver/authors/shown/" in locations
    assert "http://testserver/topics/shown-topic/" in locations
    for draft in drafts:
        assert f"http://testserver{draft.get_absolute_url()}" not in locations
    assert "http://testserver/authors/hidden-author/" not in locations
    assert "http://testserver/topics/later/" not in locations
    lastmods = root.findall("s:url/s:lastmod", SITEMAP_NS)
    assert lastmods


def test_robots_txt_names_the_sitemap(client):
    body = client.get("/robots.txt").content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in body
    assert "Disallow: /admin/" in body
