"""fixtures/sample.json: the two seed articles, loadable on either database."""

import pytest
from django.core.management import call_command

from archive.markup import reading_time_minutes, render_markdown
from archive.models import Article, Topic
from authors.models import Author

pytestmark = pytest.mark.django_db

VIEWPOINT = "india-us-relations-major-takeaways-from-latest-2-plus-2-meet"
EXPLAINER = "india-us-2-plus-2-ministerial-dialogue-deepening-strategic-partnership"


@pytest.fixture
def sample():
    call_command("loaddata", "vocabulary", "sample", verbosity=0)


def test_both_seed_articles_are_published_with_corrected_titles(sample):
    titles = {a.slug: a.title for a in Article.objects.published()}
    assert titles == {
        VIEWPOINT: "India-US Relations: Major Takeaways from Latest 2+2 Meet",
        EXPLAINER: "India-US 2+2 Ministerial Dialogue: Deepening Strategic Partnership "
        "in a Shifting Geopolitical Landscape",
    }


def test_the_viewpoint_is_by_dr_vivek_mishra_on_15_march_2020(sample):
    article = Article.objects.with_bylines().get(slug=VIEWPOINT)
    assert article.byline_names() == ["Dr. Vivek Mishra"]
    assert article.published_at.date().isoformat() == "2020-03-15"
    assert article.article_type.name == "Viewpoint"
    assert "***" not in article.body, "the author note belongs in the affiliations"


def test_dr_mishra_has_two_current_affiliations_and_one_past_one(sample):
    mishra = Author.objects.get(slug="vivek-mishra")
    current = {(a.role, a.institution.name) for a in mishra.affiliations.current()}
    assert current == {
        ("Research Fellow", "Indian Council of World Affairs"),
        ("Assistant Professor", "Netaji Institute for Asian Studies"),
    }
    (past,) = mishra.affiliations.exclude(end_year=None)
    assert past.role == "Fulbright-Nehru Doctoral Research Scholar"
    assert "Columbia University" in past.institution.name
    assert (past.start_year, past.end_year) == (2015, 2016)


def test_the_explainer_is_in_its_series_with_no_named_author(sample):
    article = Article.objects.with_bylines().get(slug=EXPLAINER)
    assert article.series.name == "GEG365 UPSC International Relation"
    assert article.byline_names() == []
    assert article.published_at.date().isoformat() == "2025-04-29"


def test_the_explainer_body_has_headings_and_lists_but_no_page_furniture(sample):
    article = Article.objects.get(slug=EXPLAINER)
    for furniture in ["Advertisement", "Share this article", "Related Resources", "Start Test"]:
        assert furniture not in article.body
    assert "<h2>Industrial Security Annex (ISA)</h2>" in article.body_html
    assert article.body.count("## Conclusion") == 1, "a repeated heading was kept"
    assert "<li><strong>Regional Reactions:</strong>" in article.body_html


def test_acronym_topics_roll_up_to_their_themes(sample):
    defence = {t.name for t in Topic.objects.filter(theme__name="Defence trade and technology")}
    assert {"ISA", "COMCASA", "BECA", "DTTI", "GSOMIA", "LEMOA"} <= defence
    assert Topic.objects.get(name="Quad").theme.name == "Indo-Pacific"
    viewpoint = Article.objects.get(slug=VIEWPOINT)
    assert {"COMCASA", "Quad", "South China Sea", "GSOMIA"} <= set(viewpoint.topics.names())
    assert {r.name for r in viewpoint.regions.all()} >= {
        "India", "United States", "China", "Japan", "Australia", "Philippines",
    }  # fmt: skip


def test_the_fixture_html_and_reading_time_match_what_saving_would_produce(sample):
    """loaddata bypasses save(), so a stale fixture would show readers old HTML."""
    for article in Article.objects.all():
        assert article.body_html == render_markdown(article.body), article.slug
        assert article.reading_time == reading_time_minutes(article.body), article.slug


def test_loading_the_sample_twice_duplicates_nothing(sample):
    call_command("loaddata", "vocabulary", "sample", verbosity=0)
    assert Article.objects.count() == 2
    assert Author.objects.count() == 1
