"""A new archive: generic article types from a migration, the vocabulary and the sample
from fixtures, and `make run`'s loader that never overwrites an editor's work."""

import importlib
import json
from io import StringIO

import pytest
from django.apps import apps
from django.conf import settings
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


# ------------------------------------------------ a fresh clone imports the shipped dumps

DUMPS = settings.BASE_DIR / "fixtures" / "dumps"
EXPLAINER = "india-us-2-plus-2-ministerial-dialogue-deepening-strategic-partnership"
FURNITURE = ["Advertisement", "Share this article", "Related Resources", "Start Test", "***"]


def import_dumps(*options):
    call_command("import_articles", "--publish", *options, str(DUMPS), stdout=StringIO())
    return {a.slug: a for a in Article.objects.published().with_bylines()}


def sample_topics():
    """Each sample article's topics, as the fixture's editor chose them."""
    rows = json.loads((settings.BASE_DIR / "fixtures" / "sample.json").read_text())
    slugs = {r["pk"]: r["fields"]["slug"] for r in rows if r["model"] == "archive.article"}
    topics = {}
    for row in rows:
        if row["model"] == "archive.taggedtopic":
            article = slugs[row["fields"]["content_object"]]
            topics.setdefault(article, set()).add(row["fields"]["tag"][0])
    return topics


def test_a_migrated_empty_archive_imports_the_shipped_seed_dumps_published():
    """The issue's "done when": migrate, then import_articles --publish fixtures/dumps/."""
    articles = import_dumps()

    assert {slug: a.title for slug, a in articles.items()} == {
        VIEWPOINT: "India-US Relations: Major Takeaways from Latest 2+2 Meet",
        EXPLAINER: "India-US 2+2 Ministerial Dialogue: Deepening Strategic Partnership "
        "in a Shifting Geopolitical Landscape",
    }
    viewpoint, explainer = articles[VIEWPOINT], articles[EXPLAINER]
    assert viewpoint.byline_names() == ["Dr. Vivek Mishra"]
    assert explainer.byline_names() == []
    assert viewpoint.published_at.date().isoformat() == "2020-03-15"
    assert explainer.published_at.date().isoformat() == "2025-04-29"
    assert (viewpoint.article_type.slug, explainer.article_type.slug) == ("viewpoint", "explainer")
    assert explainer.series.name == "GEG365 UPSC International Relation"
    for article in articles.values():
        assert [f for f in FURNITURE if f in article.body] == []

    (author,) = Author.objects.all()
    held = {
        (a.role, a.institution.name.split(",")[0], a.start_year, a.end_year)
        for a in author.affiliations.select_related("institution")
    }
    assert held == {
        ("Research Fellow", "Indian Council of World Affairs", None, None),
        ("Assistant Professor", "Netaji Institute for Asian Studies", None, None),
        ("Fulbright-Nehru Doctoral Research Scholar", "Saltzman Institute of War and Peace",
         2015, 2016),
    }  # fmt: skip
    assert "Columbia University" in author.affiliations.get(start_year=2015).institution.name
    assert Article.objects.count() == 2, "no sample article was loaded"


def test_an_import_without_a_vocabulary_says_which_command_loads_it():
    output = StringIO()
    call_command("import_articles", "--dry-run", str(DUMPS), stdout=output)
    assert "manage.py loaddata vocabulary" in output.getvalue()

    call_command("loaddata", "vocabulary", verbosity=0)
    output = StringIO()
    call_command("import_articles", "--dry-run", str(DUMPS), stdout=output)
    assert "loaddata vocabulary" not in output.getvalue()


def test_with_the_vocabulary_loaded_the_seed_dumps_get_the_samples_topics():
    call_command("loaddata", "vocabulary", verbosity=0)
    articles = import_dumps()

    expected = sample_topics()
    assert set(articles[VIEWPOINT].topics.names()) == expected[VIEWPOINT]
    # The importer also finds "ensuring freedom of navigation" in the explainer, which the
    # sample's editor left out.
    assert set(articles[EXPLAINER].topics.names()) == expected[EXPLAINER] | {
        "Freedom of navigation"
    }
    assert {r.slug for r in articles[VIEWPOINT].regions.all()} >= {"india", "united-states"}
    assert Article.objects.count() == 2 and Author.objects.count() == 1
