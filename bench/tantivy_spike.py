"""Today's search against the search engine (tantivy), on the same corpus, in the same run.

    DATABASE_URL=sqlite:////tmp/search-100k.sqlite3 SEARCH_INDEX_DIR=/tmp/search-index-100k \\
        .venv/bin/python -m bench.tantivy_spike

Builds the engine's index (`archive.search_index.rebuild`, reading the database included)
unless `--reuse`, then times each search kind of `bench.run` both ways, in process and
without templates: today's `FacetedSearch` (match in the database, facets from the
in-memory facet index, twenty cards, snippets) and `archive.search_engine` (match, rank,
count and disjunctive facet counts in the engine; the same twenty cards from the
database; snippets by the engine from bodies read from the database). Every engine
answer is checked against today's: the same count and the same count for every value.
"""

import argparse
import json
import os
import resource
import statistics
import sys
import time
from pathlib import Path

import django

PAGE = 20


def log(message):
    print(f"[spike {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def time_calls(function, seconds, minimum=5, maximum=400):
    function()
    samples, started = [], time.perf_counter()
    while len(samples) < maximum and (
        len(samples) < minimum or time.perf_counter() - started < seconds
    ):
        begun = time.perf_counter()
        function()
        samples.append((time.perf_counter() - begun) * 1000)
    samples.sort()
    p95 = samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))]
    return {"n": len(samples), "p50": statistics.median(samples), "p95": p95}


def today(params):
    from django.core.paginator import Paginator

    from archive.search.engine import add_snippets
    from archive.search.faceted import FacetedSearch

    text, filters, number = params
    search = FacetedSearch(text, filters, "relevance" if text else "newest")
    facets = search.facets(limit=30)
    page = Paginator(search.results(), PAGE).page(number)
    add_snippets(page.object_list, search.text)
    return search.total, facets


def with_engine(params, engine_only=False):
    from archive import search_engine
    from archive.models import Article

    text, filters, number = params
    sort = "relevance" if text else "newest"
    hits = search_engine.search(text, filters, sort, offset=(number - 1) * PAGE, limit=PAGE)
    if engine_only:
        return hits.total, hits.counts
    cards = {a.pk: a for a in Article.objects.for_cards().published().filter(pk__in=hits.ids)}
    _ = [cards[pk] for pk in hits.ids if pk in cards]
    if text:
        bodies = dict(Article.objects.filter(pk__in=hits.ids).values_list("pk", "body_html"))
        search_engine.snippets(hits, bodies)
    return hits.total, hits.counts


def label_ids():
    """{facet: {slug: id}} to compare tantivy's counts (by id) with today's (by slug)."""
    from archive.search.facets import FACETS

    maps = {}
    for facet in FACETS:
        labels = facet.all_labels()
        maps[facet.name] = {} if labels is None else {key: pk for _, pk, key, _ in labels}
    return maps


def compare(kind, today_answer, tantivy_answer, ids):
    total, facets = today_answer
    t_total, t_counts = tantivy_answer
    problems = [] if total == t_total else [f"total {total} vs {t_total}"]
    for counts in facets:
        expected = {v.value: v.count for v in counts.values if v.count}
        by_key = ids[counts.name]
        got = {
            v.value: t_counts[counts.name].get(
                int(v.value) if counts.name == "year" else by_key[v.value], 0
            )
            for v in counts.values
            if v.count
        }
        if got != expected:
            diff = {k: (expected[k], got[k]) for k in expected if expected[k] != got[k]}
            problems.append(f"{counts.name}: {list(diff.items())[:3]}")
    if problems:
        log(f"{kind}: tantivy disagrees: {problems}")
    return not problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=4.0, help="per kind and engine")
    parser.add_argument("--threads", type=int, default=None, help="indexing threads")
    parser.add_argument("--json", default="/tmp/tantivy-spike.json")
    parser.add_argument("--reuse", action="store_true", help="search the index already built")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.db import connection

    from archive import search_index
    from archive.models import Article

    home = search_index.index_home()
    build_seconds = None
    if not args.reuse or search_index.current_generation(home) is None:
        log(f"building the index in {home}")
        started = time.perf_counter()
        search_index.rebuild(threads=args.threads)
        build_seconds = time.perf_counter() - started
    generation = search_index.current_generation(home)
    size_mb = sum(p.stat().st_size for p in generation.iterdir()) / 1e6
    documents = search_index.Reader.searcher().num_docs
    log(f"{documents:,} documents, {size_mb:.0f} MB, built in {build_seconds or 0:.1f} s")
    result = {
        "vendor": connection.vendor,
        "articles": Article.objects.count(),
        "documents": documents,
        "build_seconds": build_seconds,
        "index_mb": size_mb,
        "kinds": time_kinds(args.seconds),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "load": os.getloadavg(),
    }
    Path(args.json).write_text(json.dumps(result, indent=1))
    print(markdown(result))


def time_kinds(seconds):
    from archive.models import Article
    from bench.plan import plan_requests

    _, _, meta = plan_requests(argparse.Namespace(articles=Article.objects.count(), naive=[]))
    ids = label_ids()
    kinds = {}
    for kind, params in meta["params"].items():
        text = params.get("q", "")
        filters = {k: [v] for k, v in params.items() if k not in ("q", "page")}
        number = int(params.get("page", 1))
        by_id = {name: [ids[name][v] for v in values] for name, values in filters.items()}
        ours, theirs = (text, filters, number), (text, by_id, number)
        agrees = compare(kind, today(ours), with_engine(theirs, engine_only=True), ids)
        row = {"params": params, "found": meta["found"][kind], "agrees": agrees}
        row["today"] = time_calls(lambda p=ours: today(p), seconds)
        row["tantivy"] = time_calls(lambda p=theirs: with_engine(p), seconds)
        row["engine"] = time_calls(lambda p=theirs: with_engine(p, engine_only=True), seconds)
        row["speedup"] = row["today"]["p50"] / row["tantivy"]["p50"]
        kinds[kind] = row
        log(
            f"{kind:12} today {row['today']['p50']:7.1f} ms"
            f"  tantivy {row['tantivy']['p50']:6.1f} ms"
            f" (engine {row['engine']['p50']:5.1f})  x{row['speedup']:.1f}  agrees={agrees}"
        )
    return kinds


def markdown(result):
    lines = [
        f"{result['vendor']}, {result['articles']:,} articles ({result['documents']:,} indexed),"
        f" build {result['build_seconds'] or 0:.1f} s, index {result['index_mb']:.0f} MB,"
        f" peak RSS {result['peak_rss_mb']:.0f} MB, load {result['load'][0]:.1f}",
        "",
        "| kind | results | today p50 | today p95 | tantivy p50 | tantivy p95 | engine p50 |"
        " speed-up | same counts |",
        "|---|--:|--:|--:|--:|--:|--:|--:|---|",
    ]
    for kind, row in result["kinds"].items():
        lines.append(
            f"| {kind} | {row['found']:,} | {row['today']['p50']:.1f} | {row['today']['p95']:.1f} |"
            f" {row['tantivy']['p50']:.1f} | {row['tantivy']['p95']:.1f} |"
            f" {row['engine']['p50']:.1f} | {row['speedup']:.1f}× |"
            f" {'yes' if row['agrees'] else 'NO'} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
