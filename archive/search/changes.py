"""The change log every server's search index follows, so that servers need share no disk.

Each change that touches an article's search document writes a `SearchChange` row in
the change's own transaction: the log holds exactly what was committed. Each index
directory keeps a checkpoint (the last row it applied) and, before answering a search,
applies whatever rows follow it: a change committed on one server is in every server's
index at its next search, and a new or stopped server catches up by itself.

Rows are written in commit order because they are written under the content version's
row lock (freshness.renew), which every change takes and holds until it commits: a
server that has read row n has seen every row before it, and never skips one committed
late. Old rows are pruned, keeping the newest pruned one. An index remembers its last
row's id and time; when that row is gone (pruning passed it, or a restore replaced the
log) or a row stands for every article (a restore writes one), the index is rebuilt.
"""

import datetime
import time

from django.db import connections, transaction
from django.db.models import Max
from django.utils import timezone

from .. import freshness
from ..models import SearchChange
from .index import (
    checkpoint,
    current_generation,
    documents,
    exclusive,
    index_home,
    rebuild,
    set_checkpoint,
    write,
)

EVERYTHING = 0  # the article id of a row that stands for every article (no article has it)
KEEP_SECONDS = 7 * 24 * 3600  # how long a stopped server can be away and still catch up
PRUNE_EVERY_SECONDS = 3600
_last_pruned = {}


def record(article_ids, using="default"):
    """Log these articles as changed, in the current transaction (and under its lock)."""
    ids = sorted({int(pk) for pk in article_ids if pk is not None})
    if not ids:
        return
    with transaction.atomic(using=using, savepoint=False):  # inside one: no savepoint per touch
        freshness.renew(using)
        SearchChange.objects.using(using).bulk_create(SearchChange(article_id=pk) for pk in ids)


def _log_after(using, applied, written):
    """(whether this index's last row is still in the log, the rows after it).

    One query, which returns that one row when nothing is new. The row is gone when
    pruning passed it or a restore replaced the log: then the index is rebuilt.
    """
    rows = SearchChange.objects.using(using).filter(pk__gte=applied).order_by("pk")
    rows = list(rows.values_list("pk", "article_id", "created_at"))
    known = applied == 0 or bool(
        rows and rows[0][0] == applied and rows[0][2].isoformat() == written
    )
    return known, [(pk, article, created) for pk, article, created in rows if pk > applied]


def sync(using="default"):
    """Apply the log's rows this index has not seen; no query of its own when there are none.

    Skipped inside a transaction, whose uncommitted rows are not yet the archive's.
    """
    home = index_home(using)
    generation = current_generation(home)
    if generation is None or connections[using].in_atomic_block:
        return 0
    applied = checkpoint(generation)
    if freshness.current(using).log_head == applied:  # read once per request anyway
        return 0
    known, new = _log_after(using, *applied)
    if known and not new:
        return 0
    return apply(using)


def apply(using="default", also=()):
    """Under the writer lock: re-read every article the new rows name, in one commit.

    `also`: articles this process took out inside a transaction that may have rolled
    back, leaving no row; reading them again puts back what is still published.
    """
    home = index_home(using)
    with exclusive(home):
        generation = current_generation(home)
        if generation is None:
            return 0
        known, rows = _log_after(using, *checkpoint(generation))
        if known and not rows and not also:
            return 0
        start_over = not known or any(article == EVERYTHING for _, article, _ in rows)
        if not start_over:
            ids = sorted({article for _, article, _ in rows} | set(also))
            written = write(generation, removed=ids, added=documents(using, ids))
            if rows and written is not None:  # None: retired, to be built again
                set_checkpoint(generation, rows[-1][0], rows[-1][2].isoformat())
    if start_over:
        rebuild(using)  # takes the writer lock itself
    _prune_now_and_then(using)
    return len(rows)


def rebuild_everywhere(using="default"):
    """Log a change to every article: each server rebuilds its index at its next search
    (what a restore needs, since it replaced the archive under every index)."""
    SearchChange.objects.using(using).create(article_id=EVERYTHING)


def _prune_now_and_then(using):
    if time.monotonic() - _last_pruned.get(using, -PRUNE_EVERY_SECONDS) < PRUNE_EVERY_SECONDS:
        return
    _last_pruned[using] = time.monotonic()
    prune(using)


def prune(using="default", keep_seconds=KEEP_SECONDS):
    """Delete rows older than `keep_seconds`, all but the newest of them."""
    cutoff = timezone.now() - datetime.timedelta(seconds=keep_seconds)
    old = SearchChange.objects.using(using).filter(created_at__lt=cutoff)
    newest_old = old.aggregate(newest=Max("pk"))["newest"]
    if newest_old is None:
        return 0
    deleted, _ = SearchChange.objects.using(using).filter(pk__lt=newest_old).delete()
    return deleted
