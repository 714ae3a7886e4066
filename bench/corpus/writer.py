"""Writing drafted articles in batches, one transaction each, and indexing them.

With workers, a forked process drafts the batches (the same `rng` stream, so the same
data) while this one writes them, and indexer processes run the engine's
`index_articles` on each committed batch: the work spreads over the cores instead of
one long `rebuild_index` at the end.
"""

import itertools
import multiprocessing
import time
from queue import Empty

from django.db import connections, transaction

from archive.models import Article, Authorship, TaggedTopic
from archive.search.engine import index_articles, rebuild_index


class Progress:
    """A one-line progress bar on a terminal (or nothing), so long runs show they are alive."""

    def __init__(self, stream, label, total, enabled=True):
        self.stream, self.label, self.total = stream, label, max(total, 1)
        self.enabled, self.done, self.started, self.shown = enabled, 0, time.perf_counter(), 0.0

    def update(self, n):
        self.done += n
        now = time.perf_counter()
        if self.enabled and (now - self.shown > 0.25 or self.done >= self.total):
            self.shown = now
            share = self.done / self.total
            bar = "#" * int(share * 30)
            self.stream.write(
                f"\r{self.label:<10} {share:4.0%} |{bar:<30}| {self.done}/{self.total}"
                f" {now - self.started:5.1f} s"
            )
            self.stream.flush()

    def close(self):
        if self.enabled:
            self.stream.write("\n")
            self.stream.flush()

    def say(self, message):
        if self.enabled:
            self.stream.write(f"{message}\n")


class ArticleWriter:
    """Saves the drafter's articles with `bulk_create` on one database, then indexes them."""

    def __init__(self, drafter, using, batch_size, progress):
        self.drafter, self.using, self.batch_size = drafter, using, batch_size
        self.progress = progress

    def batch_sizes(self, total):
        return [min(self.batch_size, total - start) for start in range(0, total, self.batch_size)]

    def write_serially(self, total):
        """Draft and write every batch in this process, then rebuild the index once."""
        serial = itertools.count(1)
        for size in self.batch_sizes(total):
            self.write([self.drafter.draft(next(serial)) for _ in range(size)])
            self.progress.update(size)
        self.progress.close()

    def write_in_parallel(self, total, index_workers):
        """Write batches a forked producer drafts while indexers index the committed ones.

        Returns whether the index is built (not without indexers) and the seconds spent
        waiting for the workers after the last batch.
        """
        sizes = self.batch_sizes(total)
        context = multiprocessing.get_context("fork")
        connections.close_all()
        batches, to_index = context.Queue(maxsize=3), context.Queue()
        producer = context.Process(target=self._produce, args=(batches, sizes), daemon=True)
        indexers = [
            context.Process(target=_index_worker, args=(to_index, self.using), daemon=True)
            for _ in range(index_workers)
        ]
        for process in [producer, *indexers]:
            process.start()
        try:
            for size in sizes:
                ids = self.write(_get(batches, producer))
                if indexers:
                    to_index.put(ids)
                self.progress.update(size)
            self.progress.close()
        finally:
            for _ in indexers:
                to_index.put(None)
        started = time.perf_counter()
        if indexers:
            self.progress.say("index      waiting for the indexers to finish...")
        for process in [producer, *indexers]:
            process.join()
            if process.exitcode:
                raise RuntimeError(f"A corpus worker failed (exit code {process.exitcode}).")
        return bool(indexers), time.perf_counter() - started

    def _produce(self, batches, sizes):
        serial = itertools.count(1)
        for size in sizes:
            batches.put([self.drafter.draft(next(serial)) for _ in range(size)])

    def _create(self, objects):
        manager = type(objects[0]).objects.using(self.using)
        return manager.bulk_create(objects, batch_size=self.batch_size)

    def write(self, payloads):
        """Insert one batch of article payloads and their links; return the new ids."""
        with transaction.atomic(using=self.using):
            articles = self._create([Article(**fields) for fields, *_ in payloads])
            bylines, tags, places = [], [], []
            for article, (_, authors, topics, regions) in zip(articles, payloads, strict=True):
                pk = article.pk
                bylines += [
                    Authorship(article_id=pk, author_id=author, position=position, role=role)
                    for position, (author, role) in enumerate(authors, 1)
                ]
                tags += [TaggedTopic(content_object_id=pk, tag_id=topic) for topic in topics]
                places += [Article.regions.through(article_id=pk, region_id=r) for r in regions]
            self._create(bylines)
            self._create(tags)
            if places:
                self._create(places)
        return [article.pk for article in articles]

    def build_index(self):
        self.progress.say("index      rebuilding the whole search index once...")
        with transaction.atomic(using=self.using):
            rebuild_index(using=self.using)


def _get(queue, producer):
    """The next batch, or an error if the producer died instead of sending it."""
    while True:
        try:
            return queue.get(timeout=5)
        except Empty:
            if not producer.is_alive():
                raise RuntimeError("The corpus producer process died.") from None


def _index_worker(queue, using):
    """Index committed batches until told to stop (runs in a forked process)."""
    try:
        for ids in iter(queue.get, None):
            index_articles(ids, using=using)
    finally:
        connections.close_all()
