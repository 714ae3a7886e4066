"""What a reader sees on the redesigned pages: names, messages, links and the icon."""

import datetime

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils import timezone

from archive.models import Article
from archive.tests.factories import ArticleFactory, SeriesFactory, ThemeFactory, TopicFactory
from authors.tests.factories import AffiliationFactory, AuthorFactory

pytestmark = pytest.mark.django_db


def text_of(response):
    return response.content.decode()


def test_the_home_page_leads_with_the_newest_story_and_has_a_section_a_theme(client):
    maritime = ThemeFactory(name="Maritime domain awareness", slug="mda")
    ThemeFactory(name="Space security", slug="space")  # no articles: no empty section
    older = ArticleFactory(title="Undersea cables", topics=[TopicFactory(theme=maritime)])
    newest = ArticleFactory(
        title="The Quad at sea", published_at=older.published_at + datetime.timedelta(hours=1)
    )
    response = client.get(reverse("archive:home"))
    assert response.context["lead"].pk == newest.pk
    page = text_of(response)
    assert '<h2 class="lead-title" id="lead-title"><a href="/articles/' in page
    sections = response.context["theme_sections"]
    assert [(theme.slug, [a.title for a in articles]) for theme, articles in sections] == [
        ("mda", ["Undersea cables"])
    ]


def test_the_home_page_counts_each_series_readers_can_see(client):
    dialogues, drafts = SeriesFactory(name="Dialogues"), SeriesFactory(name="Drafts only")
    ArticleFactory.create_batch(2, series=dialogues)
    ArticleFactory(series=dialogues, status="draft", published_at=None)
    ArticleFactory(series=dialogues, published_at=timezone.now() + datetime.timedelta(days=1))
    ArticleFactory(series=drafts, status="draft", published_at=None)
    page = text_of(client.get(reverse("archive:home")))
    chips = page[page.index('aria-label="Series"') :]
    assert 'Dialogues <span class="count">2</span>' in chips
    assert "Drafts only" not in page


def test_the_article_page_has_a_side_column_with_authors_topics_themes_and_citation(client):
    theme = ThemeFactory(name="Defence trade and technology", slug="defence-trade")
    author = AuthorFactory(name="Vivek Mishra", honorific="Dr.", slug="vivek-mishra")
    AffiliationFactory(author=author, institution__name="Indian Council of World Affairs")
    article = ArticleFactory(
        authors=[author], topics=[TopicFactory(name="COMCASA", slug="comcasa", theme=theme)]
    )
    page = text_of(client.get(article.get_absolute_url()))
    side = page[page.index('<aside class="article-side"') :]
    assert "About the author" in side
    assert "Dr. Vivek Mishra" in side and "Indian Council of World Affairs" in side
    assert 'href="/topics/comcasa/"' in side and 'href="/themes/defence-trade/"' in side
    assert "Cite this" in side
    for export in ("bib", "ris", "json"):
        assert f"/cite.{export}" in side


def test_the_author_facet_uses_the_byline_name_and_sorts_by_family_name(client):
    names = [("Dr.", "Vivek Mishra"), ("", "Anna Zweig"), ("Prof.", "Harsh V. Pant")]
    for honorific, name in names:
        ArticleFactory(authors=[AuthorFactory(honorific=honorific, name=name)])
    response = client.get(reverse("archive:search"))
    authors = next(c for c in response.context["facets"] if c.name == "author")
    assert [v.label for v in authors.values] == [
        "Dr. Vivek Mishra",
        "Prof. Harsh V. Pant",
        "Anna Zweig",
    ]


def test_the_author_list_is_sorted_by_family_name(client):
    for name in ("Anna Zweig", "Vivek Mishra", "Harsh Pant", "Bob Adams"):
        ArticleFactory(authors=[AuthorFactory(name=name)])
    response = client.get(reverse("authors:authors"))
    assert [a.name for a in response.context["page"].object_list] == [
        "Bob Adams",
        "Vivek Mishra",
        "Harsh Pant",
        "Anna Zweig",
    ]


def test_the_author_list_counts_the_published_articles_each_wrote(client):
    from archive.models import Authorship

    prolific, editor, drafting = (AuthorFactory(name=n) for n in ("A Prolific", "B Ed", "C Dr"))
    ArticleFactory.create_batch(2, authors=[prolific])
    ArticleFactory(authors=[prolific], status="withdrawn")
    ArticleFactory(authors=[drafting], status="draft", published_at=None)
    edited = ArticleFactory(authors=[prolific])
    Authorship.objects.create(article=edited, author=editor, role="editor", position=2)

    response = client.get(reverse("authors:authors"))

    listed = {a.name: a.num_articles for a in response.context["page"].object_list}
    assert listed == {"A Prolific": 3}
    assert "3 articles" in response.content.decode()


def test_a_bad_request_keeps_the_readers_words_and_valid_filters(client):
    ThemeFactory(slug="indo-pacific")
    response = client.get(
        "/search/", {"q": "COMCASA", "page": "abc", "theme": "indo-pacific", "year": "20x0"}
    )
    assert response.status_code == 400
    page = text_of(response)
    assert 'name="q" value="COMCASA"' in page
    assert '<input type="hidden" name="theme" value="indo-pacific">' in page
    assert 'name="year"' not in page
    assert "A page number is a whole number" in page or "A year is a four-digit" in page


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"sort": "bogus"}, "Sort by best match, newest first or oldest first."),
        ({"theme": "\x00"}, "That theme is not one this archive knows."),
        ({"theme": "no\x00pe"}, "“nope” is not a theme this archive knows."),
    ],
)
def test_bad_input_gets_a_message_written_for_a_reader(client, query, message):
    response = client.get("/search/", query)
    assert response.status_code == 400
    page = text_of(response)
    assert message in page
    assert "\x00" not in page
    assert "Select a valid choice" not in page


def test_a_year_with_nothing_published_says_so(client):
    ArticleFactory()
    response = client.get("/search/", {"year": "1800"})
    assert response.status_code == 200
    assert "Nothing in the archive was published in 1800" in text_of(response)


def test_links_carry_the_query_as_searched_not_as_sent(client):
    ThemeFactory.create_batch(3)
    ArticleFactory(title="a" * 30)
    response = client.get("/search/", {"q": "x" * 5000})
    page = text_of(response)
    assert "x" * 513 not in page
    assert len(page) < 60_000


@pytest.mark.parametrize(
    ("status", "banner"),
    [("draft", "This article is a draft."), ("review", "This article is in review.")],
)
def test_the_preview_banner_reads_as_a_sentence(editor_client, status, banner):
    article = ArticleFactory(status=status, published_at=None)
    page = text_of(editor_client.get(article.get_absolute_url()))
    assert banner in page
    assert "· 0 min read" not in page and "\n      · " not in page


def test_an_undated_draft_has_no_stray_separator(editor_client):
    article = ArticleFactory(status=Article.Status.DRAFT, published_at=None, body="Short.")
    page = text_of(editor_client.get(article.get_absolute_url()))
    meta = page[page.index('<div class="article-meta">') :]
    meta = meta[: meta.index("</div>")]
    assert "1 min read" in meta
    assert "· 1 min read" not in meta


def test_every_page_names_its_icons_and_the_icons_are_served(client):
    page = text_of(client.get(reverse("archive:home")))
    for icon in ("favicon.ico", "favicon.svg", "apple-touch-icon.png"):
        assert f"/static/{icon}" in page
        assert finders.find(icon), f"{icon} is not among the static files"
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("favicon.ico")
