"""What keeping the search engine's index costs: a full build, and one editor's save.

    DATABASE_URL=sqlite:////tmp/search-100k.sqlite3 SEARCH_INDEX_DIR=/tmp/search-index-100k \\
        .venv/bin/python -m bench.engine_upkeep --saves 20

Builds the index from the database (`archive.search.index.rebuild`, reading included),
then saves random published articles as the admin does (a transaction whose commit
writes the index) and times each save with and without the index's upkeep, and how
long until a search in this process finds the new title.
"""

import argparse
import os
import random
import statistics
import time

import django


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--saves", type=int, default=20)
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--reuse", action="store_true", help="keep the index already built")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.db import transaction

    from archive.models import Article
    from archive.search import engine as search_engine
    from archive.search import index as search_index

    if not args.reuse or search_index.current_generation(search_index.index_home()) is None:
        started = time.perf_counter()
        count = search_index.rebuild(threads=args.threads)
        print(f"build: {count:,} documents in {time.perf_counter() - started:.1f} s")
    search_engine.search("")
    rng = random.Random(1)
    pks = list(Article.objects.published().values_list("pk", flat=True))
    writes, saves, visible = [], [], []
    for n in range(args.saves):
        article = Article.objects.get(pk=rng.choice(pks))
        started = time.perf_counter()
        search_index.update([article.pk])
        writes.append(time.perf_counter() - started)
        article.title = f"Zqxbench{n} {article.title}"
        started = time.perf_counter()
        with transaction.atomic():
            article.save()
        saves.append(time.perf_counter() - started)
        found = search_engine.search(f"zqxbench{n}", counts=False).ids
        visible.append(time.perf_counter() - started)
        assert found == [article.pk], found
    for label, samples in (
        ("one article's index write", writes),
        ("an editor's save, index write included", saves),
        ("save, then found by a search", visible),
    ):
        print(
            f"{label}: p50 {statistics.median(samples) * 1000:.1f} ms,"
            f" max {max(samples) * 1000:.1f} ms"
        )


if __name__ == "__main__":
    main()
