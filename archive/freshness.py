"""What is fresh: one content version, read from the database by every process and cache.

The version is the `ContentVersion` row's token, renewed by the one receiver below in the
same transaction as the change, so a reader sees either the old content and the old token
or the new content and the new token. Page cache keys, feed ETags and each process's facet
labels are derived from it: a save is visible on every worker, with or without Redis, the
moment it commits, and before the editor's response is sent. A scheduled publication changes
what readers see with no save, so the version also names the newest publication time that
has passed; it can only grow when a scheduled article's time comes, and the search change
log's newest row, so that a search learns from the same query whether its index is behind.

Within a request the version is read once and kept (until this process changes anything):
the page cache, the search's change-log check, synonyms and facet labels all ask for it, and
a page is then built from content at least as new as the version it is cached under.
"""

import datetime
import threading
from dataclasses import dataclass

from django.core.signals import request_finished, request_started
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from .models import Article, ContentVersion, SearchChange, StoredCitations

WATCHED_APPS = {"archive", "authors", "taggit"}  # whose saves change what readers see
# In those apps, but nothing readers see, or only what is made from the watched models.
UNWATCHED_MODELS = {ContentVersion, SearchChange, StoredCitations}
NEVER = datetime.datetime.max.replace(tzinfo=datetime.UTC)


@dataclass(frozen=True)
class Version:
    token: object
    changed_at: datetime.datetime
    released: datetime.datetime | None  # the newest publication time that has passed
    valid_until: datetime.datetime  # the next scheduled publication
    log_head: tuple = (0, None)  # (id, time written) of the newest search change-log row

    @property
    def key(self):
        released = self.released.timestamp() if self.released else 0
        return f"{self.token}.{released:.6f}"


def _version_query():
    """The row, two probes of the (status, published_at) index and two of the change log's
    primary key, as one statement.

    Written once as SQL: the ORM would build it again on every request, for more than it runs.
    """
    articles, versions = Article._meta.db_table, ContentVersion._meta.db_table
    probe = f"SELECT published_at FROM {articles} WHERE status = %s AND published_at {{}} %s"
    newest = f"FROM {SearchChange._meta.db_table} ORDER BY id DESC LIMIT 1"
    return (
        f"SELECT token, changed_at, ({probe.format('<=')} ORDER BY published_at DESC LIMIT 1),"
        f" ({probe.format('>')} ORDER BY published_at LIMIT 1),"
        f" (SELECT id {newest}), (SELECT created_at {newest}) FROM {versions} ORDER BY id LIMIT 1"
    )


VERSION_QUERY = _version_query()


_request = threading.local()  # .versions: {database alias: Version} while a request runs


@receiver(request_started)
def _request_started(**kwargs):
    _request.versions = {}


@receiver(request_finished)
def _request_finished(**kwargs):
    _request.__dict__.pop("versions", None)


def current(using=DEFAULT_DB_ALIAS):
    """The version in force now: one cheap query, once per request.

    Not kept inside a transaction, which may yet roll back what it read.
    """
    connection = connections[using]
    _forget_renewal(connection)
    kept = None if connection.in_atomic_block else getattr(_request, "versions", None)
    if kept is not None and using in kept:
        return kept[using]
    version = _read(connection)
    if kept is not None:
        kept[using] = version
    return version


def _read(connection):
    now = timezone.now()
    published = Article.Status.PUBLISHED
    with connection.cursor() as cursor:
        cursor.execute(VERSION_QUERY, [published, now, published, now])
        row = cursor.fetchone()
    token, changed_at, released, upcoming, log_id, log_written = row or (None,) * 6
    return Version(
        ContentVersion._meta.get_field("token").to_python(token),
        _aware(changed_at),
        _aware(released),
        _aware(upcoming) or NEVER,
        (log_id, _aware(log_written).isoformat()) if log_id else (0, None),
    )


def _aware(value):
    """Raw SQL gives PostgreSQL's datetimes aware and SQLite's naive (in UTC) or as text."""
    if isinstance(value, str):
        value = datetime.datetime.fromisoformat(value)
    if value is not None and value.tzinfo is None:
        value = value.replace(tzinfo=datetime.UTC)
    return value


def _renewed_in_this_transaction():
    """No-op marker: Django drops it when the savepoint or transaction it was registered in
    rolls back, so its presence means this transaction's renewal still stands."""


def _forget_renewal(connection):
    """A version read inside the transaction was cached under: the next change renews again."""
    if connection.in_atomic_block:
        connection.run_on_commit = [
            hook for hook in connection.run_on_commit if hook[1] is not _renewed_in_this_transaction
        ]


def renew(using=DEFAULT_DB_ALIAS):
    """A new token, once per transaction (others see one change at commit anyway)."""
    getattr(_request, "versions", {}).pop(using, None)  # this request's own change
    connection = connections[using]
    if connection.in_atomic_block and any(
        hook is _renewed_in_this_transaction for _, hook, _ in connection.run_on_commit
    ):
        return
    ContentVersion.renew(using)
    if connection.in_atomic_block:
        transaction.on_commit(_renewed_in_this_transaction, using=using)


@receiver(post_save)
@receiver(post_delete)
@receiver(m2m_changed)
def content_changed(sender, using=DEFAULT_DB_ALIAS, action="post_", **kwargs):
    """The one receiver: any change to what readers may see renews the version."""
    if (
        sender._meta.app_label in WATCHED_APPS
        and sender not in UNWATCHED_MODELS
        and action.startswith("post_")
    ):
        renew(using)
