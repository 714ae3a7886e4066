"""Benchmark the reader's site on a synthetic archive: `python -m bench.run` (or `make bench`).

Generates (or reuses) a corpus, serves it with gunicorn on loopback (one sync worker,
one request at a time, warm, no cache), times a fixed request mix, and writes
`bench/results/<db>-<n>.md` and `.png` and `bench/results/latest-<db>.md`.
bench/README.md describes the mix, the floor and the naive baseline. The steps live in
`plan` (database, corpus, request mix), `floor` (the bare SQL), `timing` and `report`.
"""

import argparse
import datetime as dt
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

from .floor import capture_pass, floors, write_explains
from .plan import (
    BASE_DIR,
    DEFAULT_URLS,
    PAGE_KINDS,
    ensure_corpus,
    ensure_database,
    ensure_index,
    log,
    manage,
    plan_requests,
)
from .report import evaluate_targets, kind_rows, machine, revision, write_report
from .timing import TimedPass


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=15, help="timed seconds per kind")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database-url", help="default: " + ", ".join(DEFAULT_URLS.values()))
    parser.add_argument("--regenerate", action="store_true", help="even if the corpus exists")
    parser.add_argument(
        "--naive",
        default="rare,two_facets,facets_only",
        help="search kinds to time the naive baseline for (comma-separated, or 'none')",
    )
    parser.add_argument("--out", type=Path, default=BASE_DIR / "bench" / "results")
    args = parser.parse_args(argv)
    args.naive = [] if args.naive == "none" else args.naive.split(",")
    return args


def measure(env, plan, naive_plan, seconds):
    """Both passes: query counts and the floor first, then the timings; what they found."""
    sql_dir = Path(tempfile.mkdtemp(prefix="bench-sql-"))
    counts = capture_pass(env, plan, sql_dir)
    floor, slowest = floors(sql_dir, counts)
    shutil.rmtree(sql_dir, ignore_errors=True)
    load_before = os.getloadavg()[0]
    timed = TimedPass(env, seconds)
    try:
        timings = timed.time_pages(plan)
        naive = timed.time_naive(naive_plan)
    finally:
        timed.stop()
    return {
        "counts": counts,
        "floors": floor,
        "slowest": slowest,
        "timings": timings,
        "naive": naive,
        "memory": {"peak_mb": timed.peak, "rss_mb": timed.rss, "private_mb": timed.private},
        "load": (load_before, os.getloadavg()[0]),
    }


def main(argv=None):
    args = parse_args(argv)
    url = args.database_url or DEFAULT_URLS[args.db].format(n=args.articles)
    env = dict(os.environ, DATABASE_URL=url, DJANGO_SETTINGS_MODULE="bench.settings")
    env.pop("REDIS_URL", None)
    sys.path.insert(0, str(BASE_DIR))
    ensure_database(url)
    manage(env, "migrate", "--noinput", "-v0")
    meta = ensure_corpus(env, url, args)
    ensure_index()
    from django.db import connection

    plan, naive_plan, facts = plan_requests(args)
    log(f"{facts['published']} published; results per search: {facts['found']}")
    connection.close()
    measured = measure(env, plan, naive_plan, args.seconds)
    result = {
        "db": args.db,
        "vendor": connection.vendor,
        "articles": args.articles,
        "published": facts["published"],
        "seconds": args.seconds,
        "when": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(),
        "revision": revision(),
        "generation_seconds": meta["generation_seconds"],
        "generation_report": meta["generation_report"],
        "kinds": kind_rows(plan, measured, facts),
        "empty_p50": measured["timings"]["empty"]["p50"],
        "memory": measured["memory"],
        "load": measured["load"],
    }
    result["targets"] = evaluate_targets(result)
    stem = write_report(result, args.out)
    explain_path = Path(tempfile.gettempdir()) / f"bench-explain-{args.db}-{args.articles}.txt"
    write_explains(explain_path, measured["slowest"], PAGE_KINDS)
    Path(tempfile.gettempdir(), f"bench-{args.db}-{args.articles}.json").write_text(
        json.dumps(result, indent=1, default=str)
    )
    log(f"wrote {stem}.md, {stem}.png; query plans in {explain_path}")
    print(stem.with_suffix(".md").read_text())


if __name__ == "__main__":
    main()
