"""`make load`: issue 13's reader mix with locust against `make serve`, PostgreSQL and Redis.

python -m bench.load [--db postgres|sqlite] [--articles 10000] [--rate 200] [--seconds 600]
                     [--ramp 180]

Builds (or reuses) a corpus, starts `make serve` with the page cache on as in production and
empty, runs locust headless on the same machine (its CPU counts), and checks the thresholds: the
target rate held (95 %), under 0.1 % errors, p99 under 300 ms for pages and 800 ms for
searches. Results go to bench/results/load-<db>-<articles>-<seconds>s-ramp<ramp>s.{md,json,png};
the exit status is non-zero when a threshold is missed.
"""

import argparse
import csv
import itertools
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.servers import ROOT, Gunicorn, fetch, manage

RESULTS = ROOT / "bench" / "results"
PAGE_P99_MS, SEARCH_P99_MS, ERROR_SHARE, RATE_SHARE = 300, 800, 0.001, 0.95
PLAN_CODE = """
import json, random
from archive.models import Article, Theme, Topic, ArticleType
from authors.models import Author
rng = random.Random(1)
live = Article.objects.published()
slugs = list(live.order_by("pk").values_list("slug", flat=True))
titles = " ".join(live.order_by("?").values_list("title", flat=True)[:2000])
words = sorted({w.strip(",.:;()'\\"").lower() for w in titles.split() if len(w) > 4})
print(json.dumps({
    "articles": rng.sample(slugs, min(5000, len(slugs))),
    "authors": list(Author.objects.filter(authorships__article__in=live).distinct()
                    .values_list("slug", flat=True)[:2000]),
    "topics": list(Topic.objects.filter(tagged_articles__isnull=False).distinct()
                   .values_list("slug", flat=True)[:500]),
    "themes": list(Theme.objects.values_list("slug", flat=True)),
    "words": [w for w in words if w.isalpha()][:3000],
    "facets": {
        "theme": list(Theme.objects.values_list("slug", flat=True)),
        "type": list(ArticleType.objects.values_list("slug", flat=True)),
        "topic": list(Topic.objects.values_list("slug", flat=True)[:100]),
        "year": [str(y) for y in range(2005, 2026)],
    },
}))
"""


def database_url(db, articles):
    if db == "sqlite":
        return f"sqlite:///{tempfile.gettempdir()}/archive-load-{articles}.sqlite3"
    url = os.environ.get("LOAD_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/archive_load")
    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    subprocess.run(["psql", admin, "-qc", f"CREATE DATABASE {name}"], capture_output=True)
    return url


def prepare(url, articles):
    manage(url, "migrate", "--noinput", "-v0")
    count = manage(url, "shell", "-c", "from archive.models import Article;"
                   "print(Article.objects.count())").stdout.strip().splitlines()[-1]  # fmt: skip
    if int(count) != articles:
        print(f"Generating {articles} articles (the database held {count})...", flush=True)
        manage(url, "generate_corpus", "--articles", str(articles), "--topics", "200", "--seed",
               "1", "--clear", timeout=3600)  # fmt: skip
    manage(url, "format_citations", timeout=3600)  # bulk-created articles have none stored
    plan = manage(url, "shell", "-c", PLAN_CODE).stdout.strip().splitlines()[-1]
    path = Path(tempfile.gettempdir(), f"load-plan-{os.getpid()}.json")
    path.write_text(plan)
    return path


def warm_up(server, workers):
    """What a deployment's first requests do once per worker: open the search engine's
    index and read the facet labels. Not counted, like a load balancer's slow start."""
    for _ in range(workers * 4):
        for path in ("/", "/search/", "/search/?q=policy", "/feed/"):
            fetch(server.url(path), timeout=120)


def run_locust(server, plan, rate, seconds, ramp, prefix):
    """Run the mix; (server CPU s, locust CPU s) it cost, which the machine's noise leaves be.

    Readers arrive over `ramp` seconds, a load balancer's slow start for a server whose page
    cache is cold, and the figures count from when all have arrived."""
    env = {**os.environ, "LOAD_PLAN": str(plan)}
    host = server.url("")
    command = [
        sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
        "--host", host, "-u", str(rate), "-r", f"{rate / max(ramp, 1):.3f}",
        "--run-time", f"{seconds + ramp}s", "--reset-stats",
        "--csv", str(prefix), "--csv-full-history", "--only-summary", "--stop-timeout", "10",
        "--exit-code-on-error", "0",
    ]  # fmt: skip
    server_before, own_before = server.cpu_seconds(), _children_cpu_seconds()
    subprocess.run(command, env=env, cwd=ROOT, check=False)
    return server.cpu_seconds() - server_before, _children_cpu_seconds() - own_before


def _children_cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def read_stats(prefix):
    with open(f"{prefix}_stats.csv") as handle:
        rows = {row["Name"]: row for row in csv.DictReader(handle)}
    with open(f"{prefix}_stats_history.csv") as handle:
        history = [row for row in csv.DictReader(handle) if row["Name"] == "Aggregated"]
    return rows, history


def ramp_requests(history):
    """Requests made before the statistics were reset (the history's count drops there)."""
    counts = [int(row["Total Request Count"]) for row in history]
    return next((before for before, after in itertools.pairwise(counts) if after < before), 0)


def verdict(rows, rate, seconds):
    total = rows.pop("Aggregated")
    requests, failures = int(total["Request Count"]), int(total["Failure Count"])
    groups = {
        name: {"requests": int(row["Request Count"]), "failures": int(row["Failure Count"]),
               "median_ms": float(row["50%"]), "p99_ms": float(row["99%"])}
        for name, row in rows.items()
    }  # fmt: skip
    achieved = requests / seconds
    checks = {
        f"rate held (>= {RATE_SHARE:.0%} of {rate}/s)": achieved >= RATE_SHARE * rate,
        f"errors under {ERROR_SHARE:.1%}": failures <= ERROR_SHARE * requests,
        f"p99 of pages under {PAGE_P99_MS} ms": all(
            g["p99_ms"] < PAGE_P99_MS for n, g in groups.items() if not n.startswith("search")
        ),
        f"p99 of searches under {SEARCH_P99_MS} ms": all(
            g["p99_ms"] < SEARCH_P99_MS for n, g in groups.items() if n.startswith("search")
        ),
    }
    return {
        "requests": requests,
        "failures": failures,
        "error_share": round(failures / max(requests, 1), 5),
        "achieved_rate": round(achieved, 1),
        "p99_ms": float(total["99%"]),
        "median_ms": float(total["50%"]),
        "groups": groups,
        "checks": checks,
        "ok": all(checks.values()),
    }


def chart(history, path, title):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    start = int(history[0]["Timestamp"])
    times = [int(row["Timestamp"]) - start for row in history]
    figure, (rate_axis, latency_axis) = plt.subplots(2, 1, figsize=(9, 6), sharex=True)
    rate_axis.plot(times, [float(r["Requests/s"]) for r in history], label="requests/s")
    rate_axis.plot(times, [float(r["Failures/s"]) for r in history], label="failures/s")
    rate_axis.set_ylabel("per second")
    rate_axis.legend()
    for column in ("50%", "95%", "99%"):
        values = [float(r[column]) if r[column] not in ("N/A", "") else None for r in history]
        latency_axis.plot(times, values, label=f"p{column[:-1]}")
    latency_axis.set_ylabel("ms")
    latency_axis.set_xlabel("seconds")
    latency_axis.legend()
    figure.suptitle(title)
    figure.tight_layout()
    figure.savefig(path, dpi=80)


def report(result, args, stem):
    cpu = result["cpu_ms_per_request"]
    lines = [
        f"# Load: {args.db}, {args.articles} articles, {args.rate}/s for {args.seconds} s",
        "",
        f"`python -m bench.load --db {args.db} --articles {args.articles} --rate {args.rate}"
        f" --seconds {args.seconds} --ramp {args.ramp}` (workers: {args.workers}, page cache on,"
        f" starting cold; readers arrive over {args.ramp} s, not counted; "
        f"{'Redis' if args.db == 'postgres' else 'local memory'}); 2 shared cores, locust on the"
        " same machine.",
        "",
        f"Achieved {result['achieved_rate']}/s, {result['requests']} requests, "
        f"{result['failures']} failures ({result['error_share']:.3%}), median "
        f"{result['median_ms']} ms, p99 {result['p99_ms']} ms.",
        "",
        f"CPU per request: {cpu['server']} ms in gunicorn (all workers), {cpu['locust']} ms in"
        f" locust; at that cost the {result['cores']} cores could serve"
        f" {result['capacity_per_second']}/s of this mix, whatever else the machine was doing"
        " (the database's own processes not counted).",
        "",
        "| requests | count | failures | median ms | p99 ms |",
        "|---|---|---|---|---|",
        *(
            f"| {name} | {g['requests']} | {g['failures']} | {g['median_ms']} | {g['p99_ms']} |"
            for name, g in sorted(result["groups"].items())
        ),
        "",
        *(f"- {'held' if ok else 'MISSED'}: {check}" for check, ok in result["checks"].items()),
        "",
        f"![requests and latency over time]({stem}.png)",
    ]
    (RESULTS / f"{stem}.md").write_text("\n".join(lines) + "\n")
    (RESULTS / f"{stem}.json").write_text(json.dumps(result, indent=2) + "\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["postgres", "sqlite"], default="postgres")
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--rate", type=int, default=200)
    parser.add_argument("--seconds", type=int, default=600)
    parser.add_argument(
        "--ramp",
        type=int,
        default=180,
        help="seconds over which readers arrive, not counted (10: a cold cache at full rate)",
    )
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", 4)))
    parser.add_argument(
        "--enforce",
        choices=["all", "errors"],
        default="all",
        help="errors: fail only on the error share (CI, whose machine's speed is not ours)",
    )
    args = parser.parse_args()
    url = database_url(args.db, args.articles)
    plan = prepare(url, args.articles)
    env = {"command": ("make", "serve"), "DJANGO_SETTINGS_MODULE": "config.settings",
           "SECURE_SSL_REDIRECT": "0", "SECURE_HSTS_SECONDS": "0",
           "CACHE_KEY_PREFIX": f"load-{time.time_ns()}"}  # fmt: skip
    if args.db == "postgres":
        env["REDIS_URL"] = os.environ.get("LOAD_REDIS_URL", "redis://127.0.0.1:6379/13")
    stem = f"load-{args.db}-{args.articles}-{args.seconds}s-ramp{args.ramp}s"
    prefix = Path(tempfile.gettempdir(), stem)
    with Gunicorn(url, workers=args.workers, **env) as server:
        warm_up(server, args.workers)
        cpu = run_locust(server, plan, args.rate, args.seconds, args.ramp, prefix)
    rows, history = read_stats(prefix)
    result = verdict(rows, args.rate, args.seconds)
    served = result["requests"] + ramp_requests(history)  # the CPU figures cover the ramp too
    result["cpu_ms_per_request"] = {
        name: round(1000 * seconds / max(served, 1), 2)
        for name, seconds in zip(("server", "locust"), cpu, strict=True)
    }
    result["cores"] = os.cpu_count()
    result["capacity_per_second"] = round(
        1000 * os.cpu_count() / max(sum(result["cpu_ms_per_request"].values()), 0.01), 1
    )
    RESULTS.mkdir(exist_ok=True)
    chart(history, RESULTS / f"{stem}.png", f"{args.db}, {args.articles} articles")
    report(result, args, stem)
    print((RESULTS / f"{stem}.md").read_text())
    held = result["ok"] if args.enforce == "all" else result["error_share"] <= ERROR_SHARE
    sys.exit(0 if held else 1)


if __name__ == "__main__":
    main()
