import time

from django.core.management.base import BaseCommand
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from archive import freshness, search_index
from archive.models import Article
from archive.search.engine import rebuild_index


class Command(BaseCommand):
    help = (
        "Rebuild the search indexes from scratch: the search engine's (in SEARCH_INDEX_DIR) "
        "and the database's (PostgreSQL tsvector or SQLite FTS5)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)
        parser.add_argument(
            "--threads", type=int, default=None, help="indexing threads (default: cores, max 4)"
        )

    def handle(self, *args, database, threads, **options):
        started = time.perf_counter()
        with transaction.atomic(using=database):
            rebuild_index(using=database)
            freshness.renew(using=database)  # whatever needed a rebuild went round signals
        count = Article.objects.using(database).count()
        vendor = connections[database].vendor
        elapsed = time.perf_counter() - started
        self.stdout.write(f"Indexed {count} article(s) on {vendor} in {elapsed:.1f} s.")
        started = time.perf_counter()
        documents = search_index.rebuild(using=database, progress=self.progress, threads=threads)
        elapsed = time.perf_counter() - started
        home = search_index.index_home(database)
        self.stdout.write(
            f"Search engine: {documents} published or scheduled article(s) in {elapsed:.1f} s"
            f" ({home})."
        )

    def progress(self, done, total):
        """A one-line bar on a terminal; nothing in logs or pipes."""
        if not self.stdout.isatty():
            return
        share = done / max(total, 1)
        self.stdout.write(
            f"\rindexing {share:4.0%} |{'#' * int(share * 30):<30}| {done}/{total}",
            ending="\n" if done >= total else "",
        )
        self.stdout.flush()
