"""The change log every server's search index follows, so that servers need share no disk.

Each change that touches an article's search document writes a `SearchChange` row in
the change's own transaction: the log holds exactly what was committed. Each index
directory keeps a checkpoint (the last row it applied) and, before answering a search,
applies whatever rows follow it: a change committed on one server is in every server's
index at its next search, and a new or stopped server catches up by itself.

Rows are written in commit order because they are written under the content version's
row lock (freshness.renew), which every change takes and holds until it commits: a
server that has read row n has seen every row before it, and never skips one committed
late. Old rows are pruned, keeping the newest pruned one: an index whose checkpoint row
is gone and whose next row does not follow it may have missed pruned rows and is rebuilt.
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

KEEP_SECONDS = 7 * 24 * 3600  # how long a stopped server can be away and still catch up
PRUNE_EVERY_SECONDS = 3600
_last_pruned = {}


def record(article_ids, using="default"):
    """Log these articles as changed, in the current transaction (and under its lock)."""
    ids = sorted({int(pk) for pk in article_ids if pk is not None})
    if not ids:
        return
    with transaction.atomic(using=using):
        freshness.renew(using)
        SearchChange.objects.using(using).bulk_create(SearchChange(article_id=pk) for pk in ids)


def _pending(using, after):
    rows = SearchChange.objects.using(using).filter(pk__gt=after).order_by("pk")
    return list(rows.values_list("pk", "article_id"))


def sync(using="default"):
    """Apply the log's rows this index has not seen; a cheap query when there are none.

    Skipped inside a transaction, whose uncommitted rows are not yet the archive's.
    """
    home = index_home(using)
    generation = current_generation(home)
    if generation is None or connections[using].in_atomic_block:
        return 0
    if not _pending(using, checkpoint(generation)):
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
        applied = checkpoint(generation)
        rows = _pending(using, applied)
        if not rows and not also:
            return 0
        missed = bool(rows) and _missed_pruned_rows(using, applied, rows[0][0])
        if not missed:
            ids = sorted({article for _, article in rows} | set(also))
            write(generation, removed=ids, added=documents(using, ids))
            if rows:
                set_checkpoint(generation, rows[-1][0])
    if missed:
        rebuild(using)  # takes the writer lock itself
    _prune_now_and_then(using)
    return len(rows)


def _missed_pruned_rows(using, applied, first_new):
    """Pruning deletes a prefix of the log: a gap after a row it deleted may hide rows."""
    if first_new == applied + 1:
        return False
    return not SearchChange.objects.using(using).filter(pk=applied).exists()


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
