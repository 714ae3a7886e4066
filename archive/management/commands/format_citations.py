import time

from django.core.management.base import BaseCommand
from django.db import DEFAULT_DB_ALIAS

from archive.management.progress import progress_bar
from archive.models import Article
from archive.outputs.citations import store_missing_citations


class Command(BaseCommand):
    help = (
        "Format and store the APA, Chicago and MLA citations of every published or scheduled "
        "article that has none, or whose author, series or topics changed since: after a "
        "restore, a bulk load or a rename, so that no reader waits for them."
    )

    def add_arguments(self, parser):
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, database, **options):
        started = time.perf_counter()
        articles = Article.objects.using(database).published_or_scheduled()
        made = store_missing_citations(articles, progress=progress_bar(self.stdout, "formatting"))
        self.stdout.write(
            f"Citations: formatted for {made} article(s) in {time.perf_counter() - started:.1f} s."
        )
