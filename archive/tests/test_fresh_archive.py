"""A new archive: generic article types from a migration, the vocabulary and the sample
from fixtures, and `make run`'s loader that never overwrites an editor's work."""

import importlib
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command

from archive.models import Article, ArticleType, Region, Theme, Topic, VocabularyAlias
from archive.tests.factories import ArticleTypeFactory, ThemeFactory, TopicFactory
from authors.models import Author

pytestmark = pytest.mark.django_db

VIEWPOINT = "india-us-relations-major-takeaways-from-latest-2-plus-2-meet"
GENERIC_TYPES = {
    "analysis": "Analyses",
    "commentary": "Commentaries",
    "viewpoint": "Viewpoints",
    "op-ed": "Op-Eds",
    "explainer": "Explainers",
    "interview": "Interviews",
    "issue-brief": "Issue Briefs",
    "policy-brief": "Policy Briefs",
    "report": "Reports",
    "working-paper": "Working Papers",
}


def add_generic_types():
    """Run migration 0014's data step again, as on an archive that already has types."""
    migration = importlib.import_module("archive.migrations.0014_generic_article_types")
    migration.add_article_types(apps, None)


def load_if_empty(*args):
    out, err = StringIO(), StringIO()
    call_command("load_sample_if_empty", *args, stdout=out, stderr=err)
    return out.getvalue() + err.getvalue()


def test_a_migrated_archive_has_the_generic_article_types_with_plurals():
    assert dict(ArticleType.objects.values_list("slug", "plural_name")) == GENERIC_TYPES
    assert not Theme.objects.exists() and not Topic.objects.exists()


def test_the_types_migration_keeps_an_editors_types_and_adds_no_duplicates():
    viewpoint = ArticleType.objects.get(slug="viewpoint")
    viewpoint.description = "Our fellows' views."
    viewpoint.save()
    ArticleType.objects.filter(slug="op-ed").delete()
    ArticleTypeFactory(name="Op-ed", slug="opinion")

    add_generic_types()

    assert ArticleType.objects.get(slug="viewpoint").description == "Our fellows' views."
    assert ArticleType.objects.filter(name__iexact="op-ed").count() == 1, "matched by name"
    assert ArticleType.objects.count() == len(GENERIC_TYPES)


def test_the_vocabulary_fixture_holds_the_taxonomy_and_loads_twice_without_duplicates():
    call_command("loaddata", "vocabulary", verbosity=0)
    call_command("loaddata", "vocabulary", verbosity=0)
    assert Theme.objects.count() == 7
    assert Topic.objects.get(name="COMCASA").theme.slug == "defence-trade-and-technology"
    assert VocabularyAlias.objects.get(text="MDA").target.name == "Maritime Domain Awareness"
    assert Region.objects.get(slug="indo-pacific").kind == Region.Kind.REGION
    assert not Article.objects.exists() and not Author.objects.exists()


def test_an_empty_archive_gets_the_vocabulary_and_the_sample():
    output = load_if_empty()
    assert "Loaded the vocabulary" in output and "Loaded the sample" in output
    viewpoint = Article.objects.published().get(slug=VIEWPOINT)
    assert viewpoint.article_type == ArticleType.objects.get(slug="viewpoint")
    assert "COMCASA" in viewpoint.topics.names()
    assert ArticleType.objects.count() == len(GENERIC_TYPES), "the sample adds no types"


def test_running_it_again_keeps_an_editors_change_to_a_sample_article():
    load_if_empty()
    article = Article.objects.get(slug=VIEWPOINT)
    article.title = "India-US 2+2: what the second round settled"
    article.save()
    Topic.objects.filter(name="Quad").update(description="Edited by an editor.")

    output = load_if_empty()

    assert (
        Article.objects.get(slug=VIEWPOINT).title == "India-US 2+2: what the second round settled"
    )
    assert Topic.objects.get(name="Quad").description == "Edited by an editor."
    assert "already has articles" in output and "already has themes" in output


def test_the_sample_joins_a_vocabulary_loaded_earlier_by_name_not_by_id():
    TopicFactory(name="Energy security").delete()  # the vocabulary's topics get other ids
    Theme.objects.all().delete()
    call_command("loaddata", "vocabulary", verbosity=0)

    output = load_if_empty()

    assert "Not loading the vocabulary" in output and "Loaded the sample" in output
    assert Theme.objects.count() == 7
    viewpoint = Article.objects.get(slug=VIEWPOINT)
    assert {"COMCASA", "Quad"} <= set(viewpoint.topics.names())


def test_an_archive_with_its_own_vocabulary_gets_no_half_loaded_sample():
    ThemeFactory(name="Energy security")

    output = load_if_empty()

    assert "Not loading the vocabulary: the archive already has themes" in output
    assert "Could not load the sample" in output
    assert not Article.objects.exists() and not Author.objects.exists()


def test_no_sample_loads_the_vocabulary_only():
    output = load_if_empty("--no-sample")
    assert Topic.objects.filter(name="COMCASA").exists()
    assert not Article.objects.exists()
    assert "Sample articles not loaded" in output
