"""History, compare, revert and recover: only for those the publishing rules allow.

Regression tests for issue 10, items 1, 2 and 4: a Contributor reverted any article
(bringing a retracted one back), recovered any deleted article straight onto the site,
and read editors' drafts through the comparison view.
"""

import pytest
from django.urls import reverse
from reversion.models import Version

from archive.models import Article
from archive.tests.factories import ArticleFactory
from archive.tests.test_admin import article_form
from archive.tests.test_workflow import change_url, editing

pytestmark = pytest.mark.django_db


def saved_twice(client, article, **second):
    """Two admin saves, so the article has an earlier revision to go back to."""
    client.post(change_url(article), editing(article))
    article.refresh_from_db()
    client.post(change_url(article), editing(article, **second))
    article.refresh_from_db()
    return Version.objects.get_for_object(article).order_by("pk")


def revision_url(article, version):
    return reverse("admin:archive_article_revision", args=[article.pk, version.pk])


def compare_url(article):
    return reverse("admin:archive_article_compare", args=[article.pk])


@pytest.fixture
def retracted(client, editor):
    """A published article an editor has since retracted, with the published revision kept."""
    client.force_login(editor)
    article = ArticleFactory(title="Flawed study", body="The flawed numbers.")
    versions = saved_twice(
        client, article, status="retracted", notice="The data were wrong.", body="Retracted."
    )
    client.logout()
    return article, versions.first()


def test_a_contributor_cannot_revert_an_article_to_an_earlier_revision(
    client, contributor, retracted
):
    article, published_version = retracted
    client.force_login(contributor)
    url = revision_url(article, published_version)
    revisions_before = Version.objects.count()

    assert client.get(url).status_code == 404
    response = client.post(url, editing(article, status="published", body="The flawed numbers."))

    assert response.status_code == 404
    article.refresh_from_db()
    assert (article.status, article.body) == ("retracted", "Retracted.")
    assert Version.objects.count() == revisions_before


def test_a_contributor_cannot_revert_even_their_own_draft(client, contributor):
    client.force_login(contributor)
    draft = ArticleFactory(status="draft", published_at=None, created_by=contributor)
    first, _ = saved_twice(client, draft, title="Second title")
    response = client.post(revision_url(draft, first), editing(draft, title=draft.title))
    assert response.status_code == 403
    draft.refresh_from_db()
    assert draft.title == "Second title"


def test_a_contributor_cannot_list_or_recover_deleted_articles(client, editor, contributor):
    client.force_login(editor)
    article = ArticleFactory(title="Deleted on purpose")
    client.post(change_url(article), editing(article))
    client.post(reverse("admin:archive_article_delete", args=[article.pk]), {"post": "yes"})
    (version,) = Version.objects.get_deleted(Article)
    client.force_login(contributor)

    listing = client.get(reverse("admin:archive_article_recoverlist"))
    assert listing.status_code == 403
    assert "Deleted on purpose" not in listing.content.decode()
    recover_url = reverse("admin:archive_article_recover", args=[version.pk])
    assert client.get(recover_url).status_code == 403
    response = client.post(
        recover_url,
        editing(article, status="published", seen_version=version.field_dict["version"]),
    )
    assert response.status_code == 403
    assert not Article.objects.filter(pk=article.pk).exists()


def test_a_contributor_cannot_read_an_editors_draft_through_the_comparison(
    client, editor, contributor
):
    client.force_login(editor)
    draft = ArticleFactory(status="draft", published_at=None, title="Unannounced deal")
    first, second = saved_twice(client, draft, body="Terms of the unannounced deal.")
    client.force_login(contributor)
    query = {"version_id1": first.pk, "version_id2": second.pk}

    response = client.get(compare_url(draft), query)

    assert response.status_code == 404
    assert "unannounced deal" not in response.content.decode().lower()
    history = client.get(reverse("admin:archive_article_history", args=[draft.pk]))
    assert history.status_code == 404


def test_a_contributor_compares_revisions_of_their_own_draft(client, contributor):
    client.force_login(contributor)
    draft = ArticleFactory(status="draft", published_at=None, created_by=contributor)
    first, second = saved_twice(client, draft, title="Sharper title")
    response = client.get(compare_url(draft), {"version_id1": first.pk, "version_id2": second.pk})
    assert response.status_code == 200
    assert "Sharper title" in response.content.decode()


def test_the_history_offers_revert_links_only_to_editors(client, editor, contributor):
    client.force_login(contributor)
    draft = ArticleFactory(status="draft", published_at=None, created_by=contributor)
    first, _ = saved_twice(client, draft, title="Second title")
    history_url = reverse("admin:archive_article_history", args=[draft.pk])
    page = client.get(history_url).content.decode()
    assert revision_url(draft, first) not in page
    assert "to revert" not in page
    assert "Only an editor may revert" in page
    client.force_login(editor)
    page = client.get(history_url).content.decode()
    assert revision_url(draft, first) in page
    assert "to revert to that version" in page


def test_a_revision_of_another_article_cannot_be_loaded_through_this_ones_url(client, editor):
    client.force_login(editor)
    one, other = ArticleFactory(), ArticleFactory()
    other_version = saved_twice(client, other).first()
    assert client.get(revision_url(one, other_version)).status_code == 404


def test_reverting_a_retracted_article_keeps_it_retracted_unless_the_editor_says_so(
    client, editor, retracted
):
    article, published_version = retracted
    client.force_login(editor)
    url = revision_url(article, published_version)
    form = client.get(url).context["adminform"].form
    assert form["title"].value() == "Flawed study"
    assert form["body"].value() == "The flawed numbers."
    assert form["status"].value() == "retracted"
    assert form["notice"].value() == "The data were wrong."

    response = client.post(
        url,
        editing(
            article,
            body="The flawed numbers.",
            status=form["status"].value(),
            notice=form["notice"].value(),
            seen_version=form["seen_version"].value(),
        ),
    )

    assert response.status_code == 302
    article.refresh_from_db()
    assert (article.status, article.body) == ("retracted", "The flawed numbers.")
    assert not Article.objects.published().exists()


def test_a_recovered_article_comes_back_as_a_draft_unless_an_editor_publishes_it(client, editor):
    client.force_login(editor)
    article = ArticleFactory(title="Deleted by mistake")
    client.post(change_url(article), editing(article))
    client.post(reverse("admin:archive_article_delete", args=[article.pk]), {"post": "yes"})
    (version,) = Version.objects.get_deleted(Article)
    recover_url = reverse("admin:archive_article_recover", args=[version.pk])

    form = client.get(recover_url).context["adminform"].form
    assert form["status"].value() == "draft"
    assert not Article.objects.filter(pk=article.pk).exists()  # looking recovers nothing
    response = client.post(
        recover_url,
        article_form(
            title="Deleted by mistake",
            slug=article.slug,
            article_type=article.article_type_id,
            status=form["status"].value(),
            seen_version=form["seen_version"].value(),
        ),
    )

    assert response.status_code == 302
    recovered = Article.objects.get(pk=article.pk)
    assert recovered.status == "draft"
    assert not Article.objects.published().exists()


def test_a_version_that_is_not_of_a_deleted_article_cannot_be_recovered(client, editor):
    client.force_login(editor)
    live = ArticleFactory(title="Still here")
    version = saved_twice(client, live, title="Still here, edited").first()
    response = client.get(reverse("admin:archive_article_recover", args=[version.pk]))
    assert response.status_code == 404
    live.refresh_from_db()
    assert live.title == "Still here, edited"
