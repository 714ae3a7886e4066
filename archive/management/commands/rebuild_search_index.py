import time

from django.core.management.base import BaseCommand
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from archive.models import Article, ContentVersion
from archive.search import rebuild_index


class Command(BaseCommand):
    help = "Rebuild the full-text search index (PostgreSQL tsvector or SQLite FTS5) from scratch."

    def add_arguments(self, parser):
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, database, **options):
        started = time.perf_counter()
        with transaction.atomic(using=database):
            rebuild_index(using=database)
            ContentVersion.renew(using=database)  # whatever needed a rebuild went round signals
        count = Article.objects.using(database).count()
        vendor = connections[database].vendor
        elapsed = time.perf_counter() - started
        self.stdout.write(f"Indexed {count} article(s) on {vendor} in {elapsed:.1f} s.")
