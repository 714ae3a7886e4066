"""Snippets show the body's passage with the searched words, marked by the engine."""

import pytest

from archive.search import engine as search_engine
from archive.search import highlight
from archive.tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

FILLER = "Ships carry trade across the ocean. " * 60


def snippet(text, body):
    article = ArticleFactory(title="A", body=body)
    hits = search_engine.search(text)
    assert hits.ids == [article.pk]
    return highlight.snippets(hits, {article.pk: article.body_html})[article.pk]


def shown(marked):
    return marked.replace("\ue000", "[").replace("\ue001", "]")


def test_the_passage_is_where_the_words_are_densest():
    body = FILLER + "One amphibious ship. " + FILLER + "Amphibious ships, amphibious doctrine."
    marked = shown(snippet("amphibious", body))
    assert "[Amphibious] ships, [amphibious] doctrine" in marked
    assert marked.startswith("… ")


def test_a_word_whose_stem_is_not_its_beginning_is_found_and_marked():
    marked = shown(snippet("policy", FILLER + "Their policies changed."))
    assert "[policies]" in marked


def test_a_word_that_only_begins_like_a_searched_one_does_not_move_the_passage():
    body = "The naval base. " * 30 + FILLER + "The navy sailed."
    marked = shown(snippet("navy", body))
    assert "[navy] sailed" in marked


def test_an_accented_word_is_marked_though_it_is_not_spelt_as_searched():
    marked = shown(snippet("defense", FILLER + "La Défense nationale."))
    assert "[Défense]" in marked


def test_a_body_without_the_words_opens_the_snippet():
    article = ArticleFactory(title="Corvettes", body="Short body. " + FILLER)
    hits = search_engine.search("corvettes")
    marked = highlight.snippets(hits, {article.pk: article.body_html})[article.pk]
    assert marked.startswith("Short body. Ships carry trade") and marked.endswith("…")
