"""The table of who may do what, and the publishing services that obey it."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from reversion.models import Version

from archive import publishing
from archive.models import Article
from archive.tests.factories import ArticleFactory, user_in_group

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_contributor():
    return user_in_group("Contributors", "someone-else")


def test_a_contributor_changes_only_their_own_drafts(contributor, other_contributor):
    own_draft = ArticleFactory(status="draft", published_at=None, created_by=contributor)
    own_submitted = ArticleFactory(status="review", published_at=None, created_by=contributor)
    others_draft = ArticleFactory(status="draft", published_at=None, created_by=other_contributor)
    assert publishing.can_change_article(contributor, own_draft)
    assert not publishing.can_change_article(contributor, own_submitted)
    assert not publishing.can_change_article(contributor, others_draft)
    assert publishing.can_preview(contributor, own_submitted)
    assert not publishing.can_preview(contributor, others_draft)


def test_editors_may_do_everything_contributors_and_readers_nothing_risky(editor, contributor):
    article = ArticleFactory(created_by=contributor)
    for action in publishing.RULES:
        assert publishing.may(editor, action, article), action
    for action in ["publish", "delete", "revert", "recover"]:
        assert not publishing.may(contributor, action, article), action
    for action in publishing.RULES:
        assert not publishing.may(AnonymousUser(), action, article), action


def test_a_deactivated_editor_may_do_nothing(editor):
    editor.is_active = False
    editor.save()
    assert not publishing.can_publish(editor)
    assert not publishing.can_preview(editor, ArticleFactory(status="draft", published_at=None))


def test_contributors_may_set_only_draft_or_review():
    contributor = user_in_group("Contributors", "writer")
    assert publishing.settable_statuses(contributor) == ("draft", "review")


def test_publishing_records_a_revision_with_the_editor_and_the_comment(editor):
    article = ArticleFactory(status="review", published_at=None)
    publishing.publish_article(article=article, user=editor, comment="Cleared by the desk.")
    assert Article.objects.published().filter(pk=article.pk).exists()
    (version,) = Version.objects.get_for_object(article)
    assert version.revision.user == editor
    assert version.revision.get_comment() == "Cleared by the desk."


def test_a_contributor_cannot_publish_through_the_service(contributor):
    article = ArticleFactory(status="draft", published_at=None, created_by=contributor)
    with pytest.raises(PermissionDenied):
        publishing.publish_article(article=article, user=contributor)
    article.refresh_from_db()
    assert article.status == "draft"
    assert not Version.objects.get_for_object(article).exists()


def test_unpublish_withdraw_and_retract_take_an_article_off_the_site(editor):
    first, second, third = ArticleFactory.create_batch(3)
    publishing.unpublish_article(article=first, user=editor)
    publishing.withdraw_article(article=second, user=editor, notice="Superseded.")
    publishing.retract_article(article=third, user=editor, notice="The data were wrong.")
    assert not Article.objects.published().exists()
    third.refresh_from_db()
    assert (third.status, third.notice, third.is_gone) == (
        "retracted",
        "The data were wrong.",
        True,
    )
    comments = [
        Version.objects.get_for_object(a).get().revision.get_comment() for a in (first, third)
    ]
    assert comments == ["Unpublished (back to draft).", "Retracted."]


def test_a_never_published_draft_cannot_be_withdrawn(editor):
    draft = ArticleFactory(status="draft", published_at=None)
    with pytest.raises(ValidationError):
        publishing.withdraw_article(article=draft, user=editor, notice="")
