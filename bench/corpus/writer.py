"""Writing drafted articles in batches, one transaction each.

With workers, a forked process drafts the batches (the same `rng` stream, so the same
data) while this one writes them. The search index is built once at the end: the
engine has one writer, and a whole build costs seconds.
"""

import itertools
import multiprocessing
import time
from queue import Empty

from django.db import connections, transaction

from archive.models import Article, Authorship, TaggedTopic
from archive.search import index


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
        """Draft and write every batch in this process."""
        serial = itertools.count(1)
        for size in self.batch_sizes(total):
            self.write([self.drafter.draft(next(serial)) for _ in range(size)])
            self.progress.update(size)
        self.progress.close()

    def write_in_parallel(self, total):
        """Write batches a forked producer drafts meanwhile."""
        sizes = self.batch_sizes(total)
        context = multiprocessing.get_context("fork")
        connections.close_all()
        batches = context.Queue(maxsize=3)
        producer = context.Process(target=self._produce, args=(batches, sizes), daemon=True)
        producer.start()
        for size in sizes:
            self.write(_get(batches, producer))
            self.progress.update(size)
        self.progress.close()
        producer.join()
        if producer.exitcode:
            raise RuntimeError(f"The corpus producer failed (exit code {producer.exitcode}).")

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

    def build_index(self, stream, enabled=True):
        """The search engine's index from the database, reading included, with its bar."""
        bar = Progress(stream, "index", 1, enabled)

        def progress(done, total):
            bar.total = max(total, 1)
            bar.update(done - bar.done)

        index.rebuild(using=self.using, progress=progress)
        bar.close()


def _get(queue, producer):
    """The next batch, or an error if the producer died instead of sending it."""
    while True:
        try:
            return queue.get(timeout=5)
        except Empty:
            if not producer.is_alive():
                raise RuntimeError("The corpus producer process died.") from None
