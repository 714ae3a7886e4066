import time

from django.core.management.base import BaseCommand
from django.db import DEFAULT_DB_ALIAS

from archive import freshness
from archive.management.progress import progress_bar
from archive.search import index


class Command(BaseCommand):
    help = (
        "Rebuild the search engine's index (in SEARCH_INDEX_DIR) from the database: "
        "after a restore, or changes made around the models (raw SQL, QuerySet.update())."
    )

    def add_arguments(self, parser):
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)
        parser.add_argument(
            "--threads", type=int, default=None, help="indexing threads (default: cores, max 4)"
        )

    def handle(self, *args, database, threads, **options):
        started = time.perf_counter()
        documents = index.rebuild(
            using=database, progress=progress_bar(self.stdout, "indexing"), threads=threads
        )
        freshness.renew(using=database)  # pages cached before the rebuild may count otherwise
        elapsed = time.perf_counter() - started
        self.stdout.write(
            f"Search engine: {documents} published or scheduled article(s) in {elapsed:.1f} s"
            f" ({index.index_home(database)})."
        )
