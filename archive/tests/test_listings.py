"""A listing page the search engine answers lists what the database would, newest first."""

import datetime

import pytest
from django.utils import timezone

from archive.listings import LISTINGS
from archive.models import Article
from archive.tests.factories import (
    ArticleFactory,
    AuthorshipFactory,
    SeriesFactory,
    ThemeFactory,
    TopicFactory,
)
from archive.tests.test_feeds import HIDDEN_STATES
from authors.tests.factories import AffiliationFactory, AuthorFactory, InstitutionFactory

pytestmark = pytest.mark.django_db

ENGINE_LISTINGS = [name for name, listing in LISTINGS.items() if listing.facet]


@pytest.fixture
def owners():
    """Articles in every state, in and out of each listing, by members past and present."""
    theme = ThemeFactory()
    topics = TopicFactory.create_batch(2, theme=theme)
    elsewhere = TopicFactory()
    series = SeriesFactory()
    institution = InstitutionFactory()
    member, former, editor = AuthorFactory.create_batch(3)
    AffiliationFactory(author=member, institution=institution)
    AffiliationFactory(author=former, institution=institution, start_year=2001, end_year=2003)
    AffiliationFactory(author=editor, institution=institution)
    now = timezone.now()
    for n, state in enumerate([{}, {}, {}, *HIDDEN_STATES] * 3):
        article = ArticleFactory(
            **{"published_at": now - datetime.timedelta(days=n + 1, hours=n), **state},
            authors=[member if n % 2 else former],
            topics=[topics[n % 2], *([elsewhere] if n % 3 == 0 else [])] if n % 5 else [elsewhere],
            series=series if n % 2 else None,
        )
        if n % 4 == 0:
            AuthorshipFactory(article=article, author=editor, role="editor", position=2)
    ArticleFactory(
        published_at=datetime.datetime(2002, 5, 1, tzinfo=datetime.UTC),
        authors=[former],
        topics=[topics[0]],
    )
    return {"theme": theme, "topic": topics[0], "series": series, "institution": institution}


@pytest.mark.parametrize("name", ENGINE_LISTINGS)
def test_an_engine_listing_holds_what_the_database_lists_newest_first(owners, name):
    listing, owner = LISTINGS[name], owners[name]
    expected = listing.articles(owner).order_by("-published_at", "-pk")
    expected = list(expected.values_list("slug", flat=True))
    shown = [article.slug for article in listing.cards(owner)[: len(expected) + 5]]
    assert 0 < len(expected) < Article.objects.published().count()
    assert shown == expected
