"""Hypothesis over every public URL and parameter: whatever is sent, never a 5xx.

The URLs come from the resolver (fuzz/inputs.py), filled with real slugs of published,
unpublished and taxonomy objects; values mix unicode of every category (lone surrogates
included), digits of other scripts, control characters, NUL, RTL and invisible marks,
100 kB values, repeated parameters and the engines' operators.
"""

import datetime

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archive.tests.factories import ArticleFactory, SeriesFactory, TopicFactory
from authors.tests.factories import AffiliationFactory, AuthorFactory
from fuzz.inputs import (
    HOSTILE,
    HUGE,
    OAI_VERBS,
    PARAMETERS,
    encode,
    known_slugs,
    public_paths,
)
from fuzz.inputs import query_string as encode_query

pytestmark = pytest.mark.django_db

ANY_CHARACTER = st.characters(exclude_categories=[])  # surrogates and controls included
VALUES = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(ANY_CHARACTER, max_size=40),
    st.lists(st.sampled_from(HOSTILE), min_size=2, max_size=6).map(" ".join),
    st.sampled_from(HUGE),
)
NAMES = st.one_of(st.sampled_from(PARAMETERS), st.text(ANY_CHARACTER, max_size=10))
PAIRS = st.lists(st.tuples(NAMES, VALUES), max_size=6)
SETTINGS = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def paths():
    """A small archive with something in every state, and every public path over it."""
    author = AuthorFactory()
    AffiliationFactory(author=author)
    topic, series = TopicFactory(), SeriesFactory()
    for status, days in (("published", -1), ("draft", None), ("published", 3), ("retracted", -5)):
        ArticleFactory(
            status=status,
            published_at=None if days is None else timezone.now() + datetime.timedelta(days),
            topics=[topic],
            series=series,
            authors=[author],
        )
    return public_paths(known_slugs())


def assert_no_server_error(client, method, path, pairs):
    url = f"{path}?{encode_query(pairs)}" if pairs else path
    response = getattr(client, method)(url)
    assert response.status_code < 500, (method, url[:300], response.status_code)


@SETTINGS
@given(data=st.data())
def test_any_query_on_any_public_url_is_answered(client, paths, data):
    path = data.draw(st.sampled_from(paths))
    assert_no_server_error(
        client, data.draw(st.sampled_from(["get", "head"])), path, data.draw(PAIRS)
    )


@SETTINGS
@given(data=st.data())
def test_any_oai_request_is_answered(client, paths, data):
    verb = data.draw(st.one_of(st.sampled_from(OAI_VERBS), VALUES))
    pairs = [("verb", verb), ("metadataPrefix", "oai_dc"), *data.draw(PAIRS)]
    assert_no_server_error(client, data.draw(st.sampled_from(["get", "post"])), "/oai/", pairs)


@SETTINGS
@given(segment=st.text(ANY_CHARACTER, min_size=1, max_size=60))
def test_any_slug_in_any_public_path_is_answered(client, paths, segment):
    for path in ("/articles/{}/", "/topics/{}/feed/atom/", "/articles/{}/cite.ris"):
        assert_no_server_error(client, "get", path.format(encode(segment)), [])
