import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from archive.models import Article
from archive.tests.factories import ArticleFactory, ArticleTypeFactory, TopicFactory
from authors.models import Author
from authors.tests.factories import AuthorFactory, InstitutionFactory

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:archive_article_add")
CHANGELIST_URL = reverse("admin:archive_article_changelist")


def article_form(**fields):
    """The POST an editor's browser sends from the article form, byline inline included."""
    byline = fields.pop("byline", [])
    existing = fields.pop("existing_byline", 0)
    data = {
        "title": "Quad after the 2+2",
        "slug": "quad-after-the-2-plus-2",
        "deck": "",
        "summary": "",
        "body": "The Quad met at ministerial level.",
        "article_type": ArticleTypeFactory().pk,
        "series": "",
        "status": "draft",
        "published_at_0": "",
        "published_at_1": "",
        "updated_at_0": "",
        "updated_at_1": "",
        "language": "en",
        "source_url": "",
        "authorships-TOTAL_FORMS": str(len(byline)),
        "authorships-INITIAL_FORMS": str(existing),
        "authorships-MIN_NUM_FORMS": "0",
        "authorships-MAX_NUM_FORMS": "1000",
        "corrections-TOTAL_FORMS": "0",
        "corrections-INITIAL_FORMS": "0",
        "corrections-MIN_NUM_FORMS": "0",
        "corrections-MAX_NUM_FORMS": "1000",
        "_save": "Save",
    }
    for index, row in enumerate(byline):
        for key, value in row.items():
            data[f"authorships-{index}-{key}"] = value
    data.update(fields)
    return data


def test_the_editors_group_can_edit_and_publish(editor):
    for permission in [
        "archive.add_article",
        "archive.change_article",
        "archive.publish_article",
        "archive.change_topic",
        "authors.add_author",
        "authors.change_affiliation",
        "authors.add_institution",
    ]:
        assert editor.has_perm(permission), permission
    assert not editor.has_perm("auth.change_user")


def test_an_editor_adds_a_co_authored_article_with_ordered_byline_and_topics(editor_client):
    first, second = AuthorFactory(name="Vivek Mishra"), AuthorFactory(name="Jane Roe")
    quad, scs = TopicFactory(name="Quad"), TopicFactory(name="South China Sea")
    response = editor_client.post(
        ADD_URL,
        article_form(
            topics=[quad.pk, scs.pk],
            byline=[
                {"position": "2", "author": second.pk, "role": "author"},
                {"position": "1", "author": first.pk, "role": "author"},
            ],
        ),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    article = Article.objects.with_bylines().get(slug="quad-after-the-2-plus-2")
    assert article.byline_names() == ["Vivek Mishra", "Jane Roe"]
    assert sorted(article.topics.names()) == ["Quad", "South China Sea"]
    assert article.status == Article.Status.DRAFT
    assert "<p>The Quad met at ministerial level.</p>" in article.body_html


def test_an_editor_can_swap_the_byline_order(editor_client):
    first, second = AuthorFactory(), AuthorFactory()
    article = ArticleFactory(authors=[first, second], status="draft", published_at=None)
    one, two = article.authorships.order_by("position")
    response = editor_client.post(
        reverse("admin:archive_article_change", args=[article.pk]),
        article_form(
            title=article.title,
            slug=article.slug,
            article_type=article.article_type_id,
            seen_version=article.version,
            existing_byline=2,
            byline=[
                {
                    "id": one.pk,
                    "article": article.pk,
                    "position": "2",
                    "author": first.pk,
                    "role": "author",
                },
                {
                    "id": two.pk,
                    "article": article.pk,
                    "position": "1",
                    "author": second.pk,
                    "role": "author",
                },
            ],
        ),
    )
    assert response.status_code == 302, response.context["inline_admin_formsets"][0].formset.errors
    article = Article.objects.with_bylines().get(pk=article.pk)
    assert [a.author for a in article.byline()] == [second, first]


def test_the_same_author_twice_on_a_byline_is_an_error_on_the_form_not_a_crash(editor_client):
    author = AuthorFactory()
    response = editor_client.post(
        ADD_URL,
        article_form(
            byline=[
                {"position": "1", "author": author.pk, "role": "author"},
                {"position": "2", "author": author.pk, "role": "author"},
            ]
        ),
    )
    assert response.status_code == 200
    assert not Article.objects.exists()
    assert "Please correct the duplicate data" in response.content.decode()


def test_topic_autocomplete_finds_curated_topics(editor_client):
    TopicFactory(name="COMCASA")
    TopicFactory(name="BECA")
    response = editor_client.get(
        reverse("admin:autocomplete"),
        {"term": "comc", "app_label": "archive", "model_name": "article", "field_name": "topics"},
    )
    assert response.status_code == 200
    assert [item["text"] for item in response.json()["results"]] == ["COMCASA"]


def test_the_publish_action_publishes_drafts_now_and_keeps_a_set_future_date(editor_client):
    draft = ArticleFactory(status="draft", published_at=None)
    future = ArticleFactory(status="review", published_at="2099-01-01T00:00:00Z")
    response = editor_client.post(
        CHANGELIST_URL,
        {"action": "publish", "_selected_action": [draft.pk, future.pk]},
        follow=True,
    )
    assert "Published 2 article(s)" in response.content.decode()
    assert list(Article.objects.published()) == [draft]
    assert list(Article.objects.scheduled()) == [future]


def test_the_unpublish_action_takes_an_article_off_the_site(editor_client):
    article = ArticleFactory()
    editor_client.post(CHANGELIST_URL, {"action": "unpublish", "_selected_action": [article.pk]})
    assert not Article.objects.published().exists()


def test_staff_without_the_publish_permission_cannot_publish(client, django_user_model):
    writer = django_user_model.objects.create_user("writer", password="x", is_staff=True)
    writer.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_article", "change_article"])
    )
    client.force_login(writer)
    draft = ArticleFactory(status="draft", published_at=None)
    response = client.get(CHANGELIST_URL)
    assert 'value="publish"' not in response.content.decode()
    client.post(CHANGELIST_URL, {"action": "publish", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_the_article_list_runs_a_fixed_number_of_queries(
    editor_client, django_assert_max_num_queries
):
    for _ in range(30):
        ArticleFactory(authors=AuthorFactory.create_batch(2))
    with django_assert_max_num_queries(16):  # constant: 16 for 2 articles or 40
        response = editor_client.get(CHANGELIST_URL)
    assert response.status_code == 200
    assert response.context["cl"].result_count == 30


def test_view_on_site_is_offered_only_for_live_articles(editor_client):
    live = ArticleFactory()
    draft = ArticleFactory(status="draft", published_at=None)
    live_page = editor_client.get(reverse("admin:archive_article_change", args=[live.pk]))
    draft_page = editor_client.get(reverse("admin:archive_article_change", args=[draft.pk]))
    assert "View on site" in live_page.content.decode()
    assert "View on site" not in draft_page.content.decode()


def test_an_editor_adds_an_author_with_current_and_past_affiliations(editor_client):
    icwa, columbia = InstitutionFactory(), InstitutionFactory()
    response = editor_client.post(
        reverse("admin:authors_author_add"),
        {
            "honorific": "Dr.",
            "name": "Vivek Mishra",
            "slug": "vivek-mishra",
            "bio": "",
            "orcid": "0000-0002-1825-0097",
            "website": "",
            "affiliations-TOTAL_FORMS": "2",
            "affiliations-INITIAL_FORMS": "0",
            "affiliations-MIN_NUM_FORMS": "0",
            "affiliations-MAX_NUM_FORMS": "1000",
            "affiliations-0-role": "Research Fellow",
            "affiliations-0-institution": icwa.pk,
            "affiliations-1-role": "Doctoral Research Scholar",
            "affiliations-1-institution": columbia.pk,
            "affiliations-1-start_year": "2015",
            "affiliations-1-end_year": "2016",
            "_save": "Save",
        },
    )
    assert response.status_code == 302
    author = Author.objects.get(slug="vivek-mishra")
    assert [a.institution for a in author.affiliations.current()] == [icwa]
    assert [a.institution for a in author.affiliations.exclude(end_year=None)] == [columbia]


def test_a_bad_orcid_or_reversed_years_are_shown_as_form_errors(editor_client):
    institution = InstitutionFactory()
    response = editor_client.post(
        reverse("admin:authors_author_add"),
        {
            "name": "Jane Roe",
            "slug": "jane-roe",
            "orcid": "0000-0002-1825-0098",
            "affiliations-TOTAL_FORMS": "1",
            "affiliations-INITIAL_FORMS": "0",
            "affiliations-MIN_NUM_FORMS": "0",
            "affiliations-MAX_NUM_FORMS": "1000",
            "affiliations-0-institution": institution.pk,
            "affiliations-0-start_year": "2020",
            "affiliations-0-end_year": "2018",
            "_save": "Save",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "check digit should be 7" in page
    assert "The end year cannot be before the start year." in page
    assert not Author.objects.exists()
