"""What the content version and the stored citations cost an editor's save, alone and under
concurrent saves.

python -m bench.save_cost [--saves 200] [--threads 4] [--seconds 10]   (DATABASE_URL: a corpus)

Each save is what the admin does: one transaction with a revision (django-reversion), the
article's save, its search-index upkeep and its citations stored on commit. Measured with
all receivers, without the version's, without the citations', and with all again, in the
same run; and the per-request read of the version.
"""

import argparse
import json
import os
import statistics
import threading
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

import reversion  # noqa: E402
from django.db import connection, connections, transaction  # noqa: E402
from django.db.models.signals import m2m_changed, post_delete, post_save  # noqa: E402

from archive import freshness  # noqa: E402
from archive.models import Article  # noqa: E402
from archive.outputs import citation_upkeep  # noqa: E402

VERSION_RECEIVERS = [
    (signal, freshness.content_changed, None) for signal in (post_save, post_delete, m2m_changed)
]
CITATION_RECEIVERS = [(post_save, citation_upkeep.article_saved, Article)]


def editor_save(pk, n):
    with transaction.atomic(), reversion.create_revision():
        article = Article.objects.get(pk=pk)
        article.deck = f"Revised deck {n}"
        article.save()


def median_save_ms(ids, saves):
    times = []
    for n in range(saves):
        started = time.perf_counter()
        editor_save(ids[n % len(ids)], n)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def concurrent_saves_per_second(ids, threads, seconds):
    counts = [0] * threads
    stop = time.monotonic() + seconds

    def work(index):
        mine = ids[index::threads]
        n = 0
        while time.monotonic() < stop:
            editor_save(mine[n % len(mine)], n)
            n += 1
        counts[index] = n
        connections.close_all()

    workers = [threading.Thread(target=work, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return sum(counts) / seconds


def median_read_us(reads=500):
    times = []
    for _ in range(reads):
        started = time.perf_counter()
        freshness.current()
        times.append((time.perf_counter() - started) * 1e6)
    return statistics.median(times)


def measure(ids, args):
    return {
        "median_save_ms": round(median_save_ms(ids, args.saves), 2),
        "saves_per_second": round(concurrent_saves_per_second(ids, args.threads, args.seconds), 1),
    }


def measure_without(receivers, ids, args):
    for signal, receiver, sender in receivers:
        signal.disconnect(receiver, sender=sender)
    try:
        return measure(ids, args)
    finally:
        for signal, receiver, sender in receivers:
            signal.connect(receiver, sender=sender)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--saves", type=int, default=200)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=10)
    args = parser.parse_args()
    ids = list(Article.objects.order_by("?").values_list("pk", flat=True)[: args.saves * 2])
    result = {
        "database": connection.vendor,
        "articles": Article.objects.count(),
        "threads": args.threads,
        "version_read_us": round(median_read_us(), 1),
    }
    editor_save(ids[0], -1)  # warm
    result["with_version"] = measure(ids, args)
    result["without_version"] = measure_without(VERSION_RECEIVERS, ids, args)
    result["without_stored_citations"] = measure_without(CITATION_RECEIVERS, ids, args)
    result["with_version_again"] = measure(ids, args)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
