"""The article form in the order editors work, with the help they asked for (issue 15)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from archive.models import Article
from archive.tests.factories import ArticleFactory, ThemeFactory, TopicFactory
from archive.tests.test_admin import ADD_URL, article_form
from authors.tests.factories import AuthorFactory

pytestmark = pytest.mark.django_db


def change_url(article):
    return reverse("admin:archive_article_change", args=[article.pk])


def test_title_byline_and_publishing_come_before_the_text(editor_client):
    page = editor_client.get(ADD_URL).content.decode()
    order = [
        page.index(marker)
        for marker in (
            'id="id_title"',
            "Byline (in order)",
            'id="id_status"',
            'id="id_body"',
            'name="change_note"',
        )
    ]
    assert order == sorted(order)
    assert page.index("Byline (in order)") < page.index('name="_save"')


def test_a_new_byline_row_is_numbered_after_the_existing_ones(editor_client):
    article = ArticleFactory(authors=AuthorFactory.create_batch(2))
    page = editor_client.get(change_url(article)).content.decode()
    assert 'name="authorships-2-position" value="3"' in page
    assert 'name="authorships-0-position" value="1"' in page


def test_title_slug_and_standfirst_are_wide(editor_client):
    page = editor_client.get(ADD_URL).content.decode()
    for field in ("title", "slug", "deck"):
        tag = page[page.index(f'id="id_{field}"') - 200 : page.index(f'id="id_{field}"')]
        assert 'class="vTextField wide"' in tag or 'class="wide"' in tag, field


def test_published_without_a_date_is_published_now(editor_client):
    before = timezone.now()
    response = editor_client.post(ADD_URL, article_form(status="published"))
    assert response.status_code == 302
    article = Article.objects.get(slug="quad-after-the-2-plus-2")
    assert before <= article.published_at <= timezone.now()
    assert article.is_published


def test_withdrawn_without_a_date_is_an_error_beside_the_date(editor_client):
    response = editor_client.post(ADD_URL, article_form(status="withdrawn"))
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert "published_at" in form.errors
    assert "first published" in form.errors["published_at"][0]
    assert not form.non_field_errors()


def test_the_form_shows_the_themes_its_topics_give(editor_client):
    maritime = ThemeFactory(name="Maritime domain awareness")
    topic = TopicFactory(name="Undersea cables", theme=maritime)
    TopicFactory(name="Loose topic", theme=None)
    article = ArticleFactory(topics=[topic])
    page = editor_client.get(change_url(article)).content.decode()
    themes = page[page.index('id="article-themes"') :]
    assert themes[: themes.index("</span>")].endswith("Maritime domain awareness")
    assert f"&quot;{topic.pk}&quot;: &quot;Maritime domain awareness&quot;" in themes[:400]


def test_a_topic_can_be_added_under_a_theme_from_the_article_form(editor_client):
    page = editor_client.get(ADD_URL).content.decode()
    add_topic = reverse("admin:archive_topic_add")
    assert f'href="{add_topic}?_to_field=id&amp;_popup=1"' in page
    popup = editor_client.get(add_topic, {"_to_field": "id", "_popup": "1"}).content.decode()
    assert 'name="theme"' in popup


@pytest.mark.parametrize(
    ("state", "label"),
    [
        ({"status": "draft", "published_at": None}, "Preview draft"),
        ({"status": "review", "published_at": None}, "Preview in review"),
        (
            {"status": "published", "published_at": timezone.now() + datetime.timedelta(days=2)},
            "Preview (scheduled for",
        ),
        ({"status": "published"}, "View on site"),
        ({"status": "withdrawn"}, "View public notice"),
    ],
)
def test_the_form_links_to_the_article_as_its_state_allows(editor_client, state, label):
    article = ArticleFactory(**state)
    page = editor_client.get(change_url(article)).content.decode()
    link = page[page.index(label) - 200 : page.index(label)]
    assert f'href="{article.get_absolute_url()}"' in link


def test_the_corrections_heading_is_whole(editor_client):
    article = ArticleFactory()
    page = editor_client.get(change_url(article)).content.decode()
    assert "the newest date becomes its “updated” date)" in page
