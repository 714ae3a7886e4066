"""The editorial workflow: roles, preview, history, no lost edits, redirects, corrections."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from archive.models import Article, Correction
from archive.tests.factories import ArticleFactory, ArticleTypeFactory, user_in_group
from archive.tests.test_admin import article_form

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:archive_article_add")
CHANGELIST_URL = reverse("admin:archive_article_changelist")


def change_url(article):
    return reverse("admin:archive_article_change", args=[article.pk])


def editing(article, **changes):
    """The change form as the browser would post it, seen at the article's current version."""
    fields = {
        "title": article.title,
        "slug": article.slug,
        "body": article.body,
        "article_type": article.article_type_id,
        "status": article.status,
        "seen_version": str(article.version),
    }
    if article.published_at:
        fields["published_at_0"] = article.published_at.strftime("%Y-%m-%d")
        fields["published_at_1"] = article.published_at.strftime("%H:%M:%S")
    return article_form(**{**fields, **changes})


# Roles


def test_a_contributor_writes_a_draft_and_submits_it_for_review(contributor_client, contributor):
    response = contributor_client.post(ADD_URL, article_form(title="My first brief"))
    assert response.status_code == 302
    article = Article.objects.get(title="My first brief")
    assert article.created_by == contributor
    assert article.status == Article.Status.DRAFT

    response = contributor_client.post(change_url(article), editing(article, status="review"))
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.status == Article.Status.REVIEW


def test_a_contributor_cannot_publish(contributor_client):
    response = contributor_client.post(
        ADD_URL,
        article_form(status="published", published_at_0="2020-01-01", published_at_1="09:00"),
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Article.objects.exists()
    page = contributor_client.get(ADD_URL).content.decode()
    assert '<option value="published"' not in page


def test_a_contributor_cannot_edit_once_submitted_or_touch_others_articles(
    contributor_client, contributor, editor
):
    submitted = ArticleFactory(status="review", published_at=None, created_by=contributor)
    theirs = ArticleFactory(status="draft", published_at=None, created_by=editor)
    response = contributor_client.post(change_url(submitted), editing(submitted, title="Sneaky"))
    assert response.status_code == 403
    assert contributor_client.get(change_url(theirs)).status_code == 302  # not in their list
    assert contributor_client.post(change_url(theirs), editing(theirs)).status_code == 302
    theirs.refresh_from_db()
    assert theirs.title != "Sneaky"
    listed = contributor_client.get(CHANGELIST_URL).context["cl"].result_list
    assert list(listed) == [submitted]


def test_a_contributor_cannot_delete_or_use_the_publish_actions(contributor_client, contributor):
    draft = ArticleFactory(status="draft", published_at=None, created_by=contributor)
    delete = reverse("admin:archive_article_delete", args=[draft.pk])
    assert contributor_client.post(delete, {"post": "yes"}).status_code == 403
    contributor_client.post(CHANGELIST_URL, {"action": "publish", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.status == Article.Status.DRAFT


def test_editors_edit_anything_but_only_administrators_manage_users(
    client, editor, contributor, django_user_model
):
    draft = ArticleFactory(status="draft", published_at=None, created_by=contributor)
    client.force_login(editor)
    assert client.post(change_url(draft), editing(draft, title="Edited")).status_code == 302
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 403

    admin_user = user_in_group("Administrators", "administrator")
    client.force_login(admin_user)
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 200
    assert client.get(change_url(draft)).status_code == 200


# Preview


def test_an_editor_previews_a_draft_with_a_banner_and_readers_get_a_404(client, editor):
    draft = ArticleFactory(status="draft", published_at=None, title="Work in progress")
    assert client.get(draft.get_absolute_url()).status_code == 404
    client.force_login(editor)
    response = client.get(draft.get_absolute_url())
    page = response.content.decode()
    assert response.status_code == 200
    assert "Preview: not published." in page
    assert "Work in progress" in page
    assert "no-store" in response["Cache-Control"]
    assert 'content="noindex, nofollow"' in page


def test_a_contributor_previews_their_own_draft_only(contributor_client, contributor, editor):
    own = ArticleFactory(status="draft", published_at=None, created_by=contributor)
    other = ArticleFactory(status="draft", published_at=None, created_by=editor)
    assert contributor_client.get(own.get_absolute_url()).status_code == 200
    assert contributor_client.get(other.get_absolute_url()).status_code == 404


def test_a_scheduled_article_is_a_preview_until_its_time_then_public(client, editor, time_machine):
    release = datetime.datetime(2031, 5, 4, 9, tzinfo=datetime.UTC)
    time_machine.move_to(release - datetime.timedelta(hours=2), tick=False)
    article = ArticleFactory(published_at=release, title="Scheduled brief")
    assert client.get(article.get_absolute_url()).status_code == 404
    client.force_login(editor)
    assert "Preview: not published." in client.get(article.get_absolute_url()).content.decode()
    client.logout()
    time_machine.move_to(release + datetime.timedelta(seconds=1), tick=False)
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert "Preview" not in response.content.decode()


# No lost edits


def test_the_second_of_two_concurrent_saves_is_refused_and_keeps_its_text(client, editor):
    article = ArticleFactory(title="Original", body="Original text.")
    client.force_login(editor)
    first_form = editing(article, body="First editor's text.")
    second_form = editing(article, body="Second editor's careful rewrite.")

    assert client.post(change_url(article), first_form).status_code == 302
    response = client.post(change_url(article), second_form)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Someone else saved this article after you opened it" in page
    assert "Second editor&#x27;s careful rewrite." in page
    article.refresh_from_db()
    assert article.body == "First editor's text."


def test_a_form_opened_after_the_last_save_saves_normally(client, editor):
    article = ArticleFactory()
    client.force_login(editor)
    assert client.post(change_url(article), editing(article, title="One")).status_code == 302
    article.refresh_from_db()
    assert client.post(change_url(article), editing(article, title="Two")).status_code == 302
    article.refresh_from_db()
    assert article.title == "Two"


# Revision history


def test_every_admin_save_is_a_revision_with_its_user_and_note(client, editor):
    article = ArticleFactory(title="First title")
    client.force_login(editor)
    client.post(change_url(article), editing(article, title="Second", change_note="Fix title"))
    (version,) = Version.objects.get_for_object(article)
    assert version.revision.user == editor
    assert version.revision.get_comment() == "Fix title"
    history = client.get(reverse("admin:archive_article_history", args=[article.pk]))
    assert "Fix title" in history.content.decode()


def test_the_history_shows_a_diff_between_two_revisions(client, editor):
    article = ArticleFactory(title="Old headline", body="Old body")
    client.force_login(editor)
    client.post(change_url(article), editing(article))
    article.refresh_from_db()
    client.post(change_url(article), editing(article, title="New headline"))
    older, newer = sorted(v.pk for v in Version.objects.get_for_object(article))
    response = client.get(
        reverse("admin:archive_article_compare", args=[article.pk]),
        {"version_id1": older, "version_id2": newer},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Old headline" in page
    assert "New headline" in page


def test_an_editor_reverts_to_an_earlier_revision(client, editor):
    article = ArticleFactory(title="Good title", body="Good body")
    client.force_login(editor)
    client.post(change_url(article), editing(article))
    article.refresh_from_db()
    client.post(change_url(article), editing(article, title="Vandalised", body="Bad"))
    good = Version.objects.get_for_object(article).order_by("pk").first()
    revision_url = reverse("admin:archive_article_revision", args=[article.pk, good.pk])
    form = client.get(revision_url).context["adminform"].form
    assert form.initial["title"] == "Good title"
    response = client.post(
        revision_url,
        editing(
            article, title="Good title", body="Good body", seen_version=form["seen_version"].value()
        ),
    )
    assert response.status_code == 302, (
        response.context["adminform"].form.errors,
        [f.errors for f in response.context["inline_admin_formsets"][0].formset.forms],
        response.context["inline_admin_formsets"][0].formset.non_form_errors(),
    )
    article.refresh_from_db()
    assert (article.title, article.body) == ("Good title", "Good body")


def test_a_deleted_article_can_be_recovered(client, editor):
    article = ArticleFactory(title="Deleted by mistake")
    client.force_login(editor)
    client.post(change_url(article), editing(article))
    client.post(reverse("admin:archive_article_delete", args=[article.pk]), {"post": "yes"})
    assert not Article.objects.filter(pk=article.pk).exists()
    recover_list = client.get(reverse("admin:archive_article_recoverlist")).content.decode()
    assert "Deleted by mistake" in recover_list
    (version,) = Version.objects.get_deleted(Article)
    recover_url = reverse("admin:archive_article_recover", args=[version.pk])
    form = client.get(recover_url).context["adminform"].form
    response = client.post(
        recover_url,
        article_form(
            title="Deleted by mistake",
            slug=article.slug,
            body=article.body,
            article_type=article.article_type_id,
            status="published",
            published_at_0=article.published_at.strftime("%Y-%m-%d"),
            published_at_1=article.published_at.strftime("%H:%M:%S"),
            seen_version=form["seen_version"].value(),
        ),
    )
    assert response.status_code == 302
    assert Article.objects.published().filter(title="Deleted by mistake").exists()


# Redirects and corrections


def test_a_changed_slug_leaves_a_permanent_redirect(client):
    article = ArticleFactory(slug="old-name")
    article.slug = "new-name"
    article.save()
    response = client.get("/articles/old-name/")
    assert response.status_code == 301
    assert response["Location"] == "/articles/new-name/"
    article.slug = "newest-name"
    article.save()
    assert client.get("/articles/old-name/")["Location"] == "/articles/newest-name/"


def test_a_redirect_never_reveals_an_unpublished_article(client):
    article = ArticleFactory(slug="old-name")
    article.slug, article.status = "secret-draft", Article.Status.DRAFT
    article.save()
    assert client.get("/articles/old-name/").status_code == 404


def test_a_new_article_may_take_over_an_old_slug(client):
    renamed = ArticleFactory(slug="quad")
    renamed.slug = "quad-2020"
    renamed.save()
    newcomer = ArticleFactory(slug="quad", title="The new Quad piece")
    assert client.get("/articles/quad/").status_code == 200
    assert "The new Quad piece" in client.get(newcomer.get_absolute_url()).content.decode()


def test_corrections_are_shown_and_move_the_updated_date(client):
    article = ArticleFactory(published_at=timezone.now() - datetime.timedelta(days=30))
    moment = timezone.now() - datetime.timedelta(days=2)
    Correction.objects.create(article=article, published_on=moment, text="The date was wrong.")
    article.refresh_from_db()
    assert article.updated_at == moment
    page = client.get(article.get_absolute_url()).content.decode()
    assert "Corrections" in page
    assert "The date was wrong." in page
    assert f'Updated <time datetime="{moment.isoformat()}"' in page


def test_an_article_with_corrections_stays_within_a_fixed_query_budget(
    client, django_assert_max_num_queries
):
    article = ArticleFactory(article_type=ArticleTypeFactory())
    for n in range(5):
        Correction.objects.create(article=article, text=f"Correction {n}")
    with django_assert_max_num_queries(7):
        assert client.get(article.get_absolute_url()).status_code == 200
