"""Who may do what to an article, and the publishing services that act on that.

`RULES` is the one table of the editorial roles: the admin, the preview, the importer
and the role-matrix test all ask `may()` (or a named wrapper of it), so a rule changes
here or nowhere. The services are the business actions editors take: each saves one
django-reversion revision with the user and a comment, so history shows who did it
and an editor can revert it.
"""

import enum
from contextlib import contextmanager
from dataclasses import dataclass

import reversion
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from .models import Article

PUBLISH_PERMISSION = "archive.publish_article"
ADD_PERMISSION = "archive.add_article"
CHANGE_PERMISSION = "archive.change_article"
DELETE_PERMISSION = "archive.delete_article"
VIEW_PERMISSION = "archive.view_article"


class Scope(enum.Enum):
    """Which articles a user without the publish permission may act on."""

    EDITORS_ONLY = "none: editors only"
    OWN = "the articles they created"
    OWN_DRAFT = "the articles they created, while those are drafts"


@dataclass(frozen=True)
class Rule:
    """An action needs `permission`; editors may take it on any article, others within `scope`."""

    permission: str
    scope: Scope


RULES = {
    # See an article in the admin: list, open read-only, history, compare revisions.
    "view": Rule(VIEW_PERMISSION, Scope.OWN),
    # See an unpublished article at its public URL, with the "not published" banner.
    "preview": Rule(CHANGE_PERMISSION, Scope.OWN),
    "add": Rule(ADD_PERMISSION, Scope.OWN),
    "change": Rule(CHANGE_PERMISSION, Scope.OWN_DRAFT),
    "delete": Rule(DELETE_PERMISSION, Scope.EDITORS_ONLY),
    # Publish, schedule, unpublish, withdraw, retract; set any status in the form.
    "publish": Rule(PUBLISH_PERMISSION, Scope.EDITORS_ONLY),
    # Restore an earlier revision, or a deleted article: both can change what readers see.
    "revert": Rule(CHANGE_PERMISSION, Scope.EDITORS_ONLY),
    "recover": Rule(ADD_PERMISSION, Scope.EDITORS_ONLY),
}

# What a contributor may set an article's status to (editors may set any).
CONTRIBUTOR_STATUSES = (Article.Status.DRAFT, Article.Status.REVIEW)


def is_editor(user):
    """Editors hold the publish permission: they edit, publish and restore anything."""
    return _is_active_staff(user) and user.has_perm(PUBLISH_PERMISSION)


def may(user, action, article=None):
    """May `user` take `action` (a key of RULES) on `article`, or on articles in general?

    Without an article the question is whether the user may take the action on some
    article, as Django's admin asks `has_change_permission(request)`.
    """
    rule = RULES[action]
    if not (_is_active_staff(user) and user.has_perm(rule.permission)):
        return False
    if user.has_perm(PUBLISH_PERMISSION):
        return True
    if rule.scope is Scope.EDITORS_ONLY:
        return False
    if article is None:
        return True
    if article.created_by_id != user.pk:
        return False
    return rule.scope is Scope.OWN or article.status == Article.Status.DRAFT


def can_publish(user):
    return may(user, "publish")


def can_change_article(user, article):
    return may(user, "change", article)


def can_preview(user, article):
    return may(user, "preview", article)


def can_revert(user, article=None):
    return may(user, "revert", article)


def can_recover(user):
    return may(user, "recover")


def visible_articles(user, articles):
    """The part of an article queryset `user` may see in the admin (the "view" rule)."""
    if not may(user, "view"):
        return articles.none()
    if is_editor(user):
        return articles
    return articles.filter(created_by=user)


def settable_statuses(user):
    """The statuses `user` may give an article in the form."""
    if can_publish(user):
        return tuple(Article.Status)
    return CONTRIBUTOR_STATUSES


def _is_active_staff(user):
    return user.is_active and user.is_staff


# Services


def publish_article(*, article, user, comment="Published."):
    """Publish now, or at the publication time already set (which schedules it)."""
    with _editorial_revision(user, "publish", article, comment):
        article.status = Article.Status.PUBLISHED
        article.published_at = article.published_at or timezone.now()
        article.save()
    return article


def unpublish_article(*, article, user, comment="Unpublished (back to draft)."):
    """Take an article off the site and back to draft, keeping its publication date."""
    with _editorial_revision(user, "publish", article, comment):
        article.status = Article.Status.DRAFT
        article.save()
    return article


def withdraw_article(*, article, user, notice, comment="Withdrawn."):
    """Withdraw a published article: its URL keeps answering, with `notice` (HTTP 410)."""
    return _take_down(article, user, Article.Status.WITHDRAWN, notice, comment)


def retract_article(*, article, user, notice, comment="Retracted."):
    """Retract a published article: like withdrawal, but the notice says it was wrong."""
    return _take_down(article, user, Article.Status.RETRACTED, notice, comment)


def _take_down(article, user, status, notice, comment):
    if article.published_at is None:
        raise ValidationError("Only an article that was published can be withdrawn or retracted.")
    with _editorial_revision(user, "publish", article, comment):
        article.status = status
        article.notice = notice
        article.save()
    return article


@contextmanager
def _editorial_revision(user, action, article, comment):
    """Check the rule, then save inside one revision that records who did it and why."""
    if not may(user, action, article):
        raise PermissionDenied(f"You may not {action} this article.")
    with transaction.atomic(), reversion.create_revision():
        reversion.set_user(user)
        reversion.set_comment(comment)
        yield
