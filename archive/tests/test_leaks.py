"""The leak matrix: every unpublished state × every public surface. Zero leaks.

An unpublished article (title, body and slug carry MARK) shares a topic, theme, series,
author and institution with published ones, and brings taxonomy of its own that no
published article uses (names carry LABEL). No public surface may show either marker,
and the draft-only taxonomy's pages and feeds are 404s. The matrix runs in full with the
page cache off and, for the surfaces it serves, with the cache on and the article
unpublished after the pages were cached.
"""

import datetime
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone

from archive.listings import LISTINGS
from archive.models import Article
from archive.outputs.oai.records import oai_identifier
from archive.tests.factories import (
    ArticleFactory,
    ArticleTypeFactory,
    RegionFactory,
    SeriesFactory,
    ThemeFactory,
    TopicFactory,
)
from authors.tests.factories import AffiliationFactory, AuthorFactory, InstitutionFactory

pytestmark = pytest.mark.django_db

MARK = "hushmark"  # in the unpublished articles' titles, bodies and slugs, and taxonomy slugs
LABEL = "hushlabel"  # in the names of taxonomy only unpublished articles use
GONE_BODY = "hushbody"  # a withdrawn article's URL shows its notice, never its text
WORD = "zanzibar"  # only in the unpublished articles' bodies: what searches ask for

DAY = datetime.timedelta(days=1)
STATES = {
    "draft": lambda now: {"status": "draft", "published_at": None},
    "in review": lambda now: {"status": "review", "published_at": None},
    "scheduled": lambda now: {"status": "published", "published_at": now + DAY},
    "withdrawn": lambda now: {"status": "withdrawn", "published_at": now - 3 * DAY},
    "retracted": lambda now: {"status": "retracted", "published_at": now - 3 * DAY},
}


def build_world(state):
    """Published articles, and two unpublished ones in `state` (see the module docstring)."""
    now = timezone.now()
    theme = ThemeFactory(name="Indo-Pacific", slug="indo-pacific")
    topic = TopicFactory(name="Quad", slug="quad", theme=theme)
    series = SeriesFactory(name="Dialogues", slug="dialogues")
    author = AuthorFactory(name="Vivek Mishra", slug="vivek-mishra")
    institution = InstitutionFactory(name="ICWA", slug="icwa")
    AffiliationFactory(author=author, institution=institution)
    older, newer = (
        ArticleFactory(
            title=title, series=series, topics=[topic], authors=[author], published_at=when
        )
        for title, when in (("Older dialogue", now - 4 * DAY), ("Newer dialogue", now - 2 * DAY))
    )
    own = SimpleNamespace(
        theme=ThemeFactory(name=f"{LABEL} theme", slug=f"{MARK}-theme"),
        series=SeriesFactory(name=f"{LABEL} series", slug=f"{MARK}-series"),
        author=AuthorFactory(name=f"{LABEL} author", slug=f"{MARK}-author"),
        institution=InstitutionFactory(name=f"{LABEL} institute", slug=f"{MARK}-institute"),
        type=ArticleTypeFactory(name=f"{LABEL} type", slug=f"{MARK}-type"),
        region=RegionFactory(name=f"{LABEL} region", slug=f"{MARK}-region"),
    )
    own.topic = TopicFactory(name=f"{LABEL} topic", slug=f"{MARK}-topic", theme=own.theme)
    AffiliationFactory(author=own.author, institution=own.institution)
    fields = STATES[state](now)
    body = f"The {MARK} plan for {WORD}, {GONE_BODY} in full."
    hidden = ArticleFactory(
        title=f"{MARK.title()} plans",
        slug=f"{MARK}-plans",
        body=body,
        summary=f"{MARK} summary",
        series=series,
        topics=[topic, own.topic],
        authors=[author, own.author],
        **fields,
    )
    other = ArticleFactory(
        title=f"{MARK.title()} memo",
        slug=f"{MARK}-memo",
        body=body,
        series=own.series,
        article_type=own.type,
        topics=[topic],
        authors=[author],
        **fields,
    )
    other.regions.set([own.region])
    return SimpleNamespace(
        state=state,
        hidden=[hidden, other],
        published=[older, newer],
        shared=[theme, topic, series, author, institution],
        own=own,
    )


def feeds(obj_feed, *args):
    """The RSS and Atom feeds of a URL name, in the archive's namespace unless it has one."""
    name = obj_feed if ":" in obj_feed else f"archive:{obj_feed}"
    return [reverse(name, args=args), reverse(f"{name}_atom", args=args)]


OWN_FACETS = ("theme", "topic", "series", "author", "institution", "type", "region")


def own_selection(world):
    return {name: getattr(world.own, name).slug for name in OWN_FACETS}


def oai(verb, **arguments):
    return reverse("archive:oai"), {"verb": verb, **arguments}


# Each surface: world -> [(url, params)] of pages that must show neither marker.
SURFACES = {
    "home": lambda w: [("/", {})],
    "author list": lambda w: [(reverse("authors:authors"), {})],
    "shared taxonomy pages": lambda w: [(obj.get_absolute_url(), {}) for obj in w.shared],
    "published article pages (related, series neighbours, JSON-LD, Scholar meta)": lambda w: [
        (a.get_absolute_url(), {}) for a in w.published
    ],
    "search page": lambda w: [(reverse("archive:search"), {"q": WORD}), ("/search/", {})],
    "search facets": lambda w: [(reverse("archive:search"), {"q": "dialogue"})],
    "API search": lambda w: [(reverse("archive:api_search"), {"q": WORD}), ("/api/search/", {})],
    "feeds (RSS and Atom)": lambda w: [
        *((url, {}) for url in feeds("feed")),
        *((url, {"q": WORD}) for url in feeds("search_feed")),
        *((url, {}) for url in feeds("theme_feed", "indo-pacific")),
        *((url, {}) for url in feeds("topic_feed", "quad")),
        *((url, {}) for url in feeds("series_feed", "dialogues")),
        *((url, {}) for url in feeds("authors:author_feed", "vivek-mishra")),
        *((url, {}) for url in feeds("authors:institution_feed", "icwa")),
    ],
    "sitemap": lambda w: [(reverse("sitemap"), {})],
    "OAI ListRecords, ListIdentifiers, ListSets": lambda w: [
        oai("ListRecords", metadataPrefix="oai_dc"),
        oai("ListIdentifiers", metadataPrefix="oai_dc"),
        oai("ListSets"),
    ],
    "OAI GetRecord": lambda w: [
        oai("GetRecord", metadataPrefix="oai_dc", identifier=oai_identifier(a)) for a in w.hidden
    ],
    "search citations": lambda w: (
        [
            (reverse("archive:search_citations", args=[fmt]), {"q": WORD})
            for fmt in ("bib", "ris", "json")
        ]
        + [(reverse("archive:search_citations", args=[fmt]), {}) for fmt in ("bib", "ris", "json")]
    ),
}

# Each: world -> [(url, params)] that must be a 404 (and so show no marker either).
NOT_FOUND = {
    "article page": lambda w: [
        (a.get_absolute_url(), {}) for a in w.hidden if w.state not in Article.GONE_STATUSES
    ],
    "single citations": lambda w: [
        (reverse("archive:article_citation", args=[a.slug, fmt]), {})
        for a in w.hidden
        for fmt in ("bib", "ris", "json")
    ],
    "draft-only taxonomy pages": lambda w: [
        (getattr(w.own, name).get_absolute_url(), {})
        for name in ("theme", "topic", "series", "author", "institution")
    ],
    "draft-only taxonomy feeds": lambda w: [
        (url, {})
        for name in ("theme", "topic", "series", "author", "institution")
        for url in feeds(LISTINGS[name].url_name("_feed"), getattr(w.own, name).slug)
    ],
}

STATE_IDS = list(STATES)


def assert_no_marker(response, url, markers=(MARK, LABEL)):
    assert response.status_code < 500, url
    text = response.content.decode().lower()
    for marker in markers:
        assert marker not in text, f"{marker} leaks at {url} ({response.status_code})"


@pytest.mark.parametrize("surface", list(SURFACES))
@pytest.mark.parametrize("state", STATE_IDS)
def test_no_surface_shows_an_unpublished_article(client, state, surface):
    world = build_world(state)
    for url, params in SURFACES[surface](world):
        response = client.get(url, params)
        assert response.status_code == 200, url
        assert_no_marker(response, url)


@pytest.mark.parametrize("surface", list(NOT_FOUND))
@pytest.mark.parametrize("state", STATE_IDS)
def test_unpublished_things_have_no_address(client, state, surface):
    world = build_world(state)
    for url, params in NOT_FOUND[surface](world):
        response = client.get(url, params)
        assert response.status_code == 404, url
        assert_no_marker(response, url)


@pytest.mark.parametrize("state", STATE_IDS)
def test_facet_selections_never_echo_a_draft_only_label(client, state):
    """Selecting a draft-only value by its slug tells the reader it is unknown, no more."""
    world = build_world(state)
    for url in (reverse("archive:search"), reverse("archive:api_search")):
        response = client.get(url, own_selection(world))
        assert response.status_code == 200
        assert_no_marker(response, url, markers=(LABEL,))
        assert "is known here" in response.content.decode()


@pytest.mark.parametrize("state", ["withdrawn", "retracted"])
def test_a_gone_article_shows_its_notice_not_its_text(client, state):
    world = build_world(state)
    for article in world.hidden:
        response = client.get(article.get_absolute_url())
        assert response.status_code == 410
        assert GONE_BODY not in response.content.decode()


CACHED_SURFACES = [
    "home",
    "author list",
    "shared taxonomy pages",
    "published article pages (related, series neighbours, JSON-LD, Scholar meta)",
    "search page",
    "API search",
    "feeds (RSS and Atom)",
    "sitemap",
]


@pytest.mark.parametrize("state", STATE_IDS)
def test_pages_cached_while_it_was_published_forget_it(client, settings, state):
    """Cache every surface with the article live, then unpublish it: no page remembers it."""
    settings.PAGE_CACHE_SECONDS = 300
    world = build_world(state)
    pages = [page for name in CACHED_SURFACES for page in SURFACES[name](world)]
    for article in world.hidden:
        article.status = Article.Status.PUBLISHED
        article.published_at = timezone.now() - DAY
        article.save()
    assert MARK in client.get("/").content.decode().lower()
    for url, params in pages:
        client.get(url, params)
    for article in world.hidden:
        for field, value in STATES[state](timezone.now()).items():
            setattr(article, field, value)
        article.save()
    for url, params in pages:
        assert_no_marker(client.get(url, params), url)
