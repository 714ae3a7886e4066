"""`manage.py generate_corpus`: a large synthetic archive for benchmarks (see bench/README.md)."""

import datetime as dt
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from bench.corpus import CorpusGenerator, clear, has_content


class Command(BaseCommand):
    help = (
        "Fill the database with a realistic synthetic archive (the same for a seed), "
        "then build the search index once."
    )

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, default=10_000)
        parser.add_argument("--authors", type=int, default=None, help="default: articles / 20")
        parser.add_argument("--topics", type=int, default=500)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--today",
            type=dt.date.fromisoformat,
            default=None,
            help="YYYY-MM-DD that dates are relative to (default: today, UTC); pin it for "
            "byte-identical runs on different days.",
        )
        parser.add_argument("--batch-size", type=int, default=2000)
        parser.add_argument(
            "--clear",
            action="store_true",
            help="Delete all articles, authors, institutions and the taxonomy first.",
        )
        parser.add_argument(
            "--no-parallel",
            dest="parallel",
            action="store_false",
            help="Draft the articles in this process too (slower). "
            "Always the case inside a transaction or on an in-memory database (tests).",
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, **options):
        using = options["database"]
        articles, topics = options["articles"], options["topics"]
        authors = options["authors"] or max(10, articles // 20)
        if min(articles, authors, topics) < 1:
            raise CommandError("--articles, --authors and --topics must be at least 1.")
        if has_content(using) and not options["clear"]:
            raise CommandError(
                "The archive is not empty. Pass --clear to delete its articles, authors, "
                "institutions and taxonomy and generate a new corpus."
            )
        started = time.perf_counter()
        if options["clear"]:
            clear(using)
        connection = connections[using]
        parallel = options["parallel"] and not (
            connection.in_atomic_block
            or (connection.vendor == "sqlite" and connection.is_in_memory_db())
        )
        generator = CorpusGenerator(
            articles,
            authors,
            topics,
            seed=options["seed"],
            today=options["today"],
            batch_size=options["batch_size"],
            using=using,
            stream=self.stderr,
            progress=options["verbosity"] > 0,
            workers=parallel,
        )
        timings = generator.run()
        elapsed = time.perf_counter() - started
        steps = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in timings.items())
        vendor = connection.vendor
        self.stdout.write(
            f"Generated {articles} articles, {authors} authors and {topics} topics on {vendor} "
            f"in {elapsed:.1f} s ({steps})."
        )
