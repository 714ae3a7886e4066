"""The benchmark corpus generator: repeatable for a seed, with the promised mix, searchable."""

from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import override_settings

from archive.markup import count_words, reading_time_minutes, render_markdown
from archive.models import Article, Topic
from archive.search.faceted import FacetedSearch
from authors.models import Author

pytestmark = pytest.mark.django_db

# The command belongs to the benchmark's app, which bench.settings installs.
WITH_BENCH = [*settings.INSTALLED_APPS, "bench"]


def generate(seed=1, clear=True, installed_apps=WITH_BENCH):
    with override_settings(INSTALLED_APPS=installed_apps):
        call_command(
            "generate_corpus",
            articles=120,
            authors=10,
            topics=12,
            seed=seed,
            clear=clear,
            stdout=StringIO(),
            stderr=StringIO(),
        )


def snapshot():
    """What a reader would notice if two runs differed: titles, dates, bylines, topics."""
    articles = Article.objects.prefetch_related("authorships__author", "topics").order_by("slug")
    return [
        (
            a.slug,
            a.title,
            a.status,
            a.published_at,
            a.body_html,
            [s.author.name for s in a.authorships.order_by("position")],
            sorted(t.name for t in a.topics.all()),
        )
        for a in articles
    ]


def test_the_same_seed_gives_the_same_archive():
    generate(seed=1)
    first = snapshot()
    generate(seed=1)
    assert snapshot() == first
    generate(seed=2)
    assert snapshot() != first


def test_the_archive_has_the_promised_mix():
    generate()
    assert Article.objects.count() == 120
    assert Author.objects.count() == 10
    assert Topic.objects.count() == 12
    assert not Topic.objects.filter(theme__isnull=True).exists()
    statuses = set(Article.objects.values_list("status", flat=True))
    assert {"draft", "review", "published"} <= statuses
    assert statuses & {"withdrawn", "retracted"}
    assert Article.objects.scheduled().exists()
    assert Article.objects.filter(series__isnull=False).exists()
    assert Author.objects.filter(affiliations__end_year__isnull=False).exists()
    for article in Article.objects.prefetch_related("authorships"):
        assert 1 <= len(article.authorships.all()) <= 5
        assert 300 <= count_words(article.body) <= 2800
        assert article.body_html == render_markdown(article.body)
        assert article.reading_time == reading_time_minutes(article.body)
    assert Article.objects.filter(body__contains="\n## ").exists()


def test_generated_words_are_found_by_search():
    generate()
    article = Article.objects.published().order_by("pk").first()
    word = max(article.title.split(), key=len).strip(":,.")
    assert article.pk in FacetedSearch(word).ordered_ids()
    assert FacetedSearch('"freedom of navigation" or security').total > 0


def test_it_refuses_a_non_empty_archive_without_clear():
    generate()
    with pytest.raises(CommandError, match="not empty"):
        generate(clear=False)


def test_the_site_itself_cannot_run_it():
    """A command that empties the archive is not installed on the production site."""
    with pytest.raises(CommandError, match="Unknown command"):
        generate(installed_apps=settings.INSTALLED_APPS)
