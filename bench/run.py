"""Benchmark the reader's site on a synthetic archive: `python -m bench.run` (or `make bench`).

Generates (or reuses) a corpus, serves it with gunicorn on loopback (one sync worker,
one request at a time, warm, no cache), times a fixed request mix, and writes
`bench/results/<db>-<n>.md` and `.png` and `bench/results/latest-<db>.md`.
bench/README.md describes the mix, the floor and the naive baseline.
"""

import argparse
import contextlib
import datetime as dt
import http.client
import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from random import Random
from urllib.parse import urlencode, urlsplit

BASE_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DEFAULT_URLS = {
    "sqlite": "sqlite:////tmp/bench-{n}.sqlite3",
    "postgres": "postgres://postgres@127.0.0.1:5432/archive_bench",
}
COMMON_TERM = "security"
PHRASE = '"freedom of navigation"'
SAMPLES_PER_PAGE_KIND = 20
MAX_SAMPLES = 2000
MIN_SAMPLES = 20
SEARCH_KINDS = ["rare", "common", "phrase", "two_facets", "facets_only", "deep_page"]
TARGETS = {  # kind: (p50 ms, p95 ms) per database
    "postgresql": {"search": (30, 100)},
    "sqlite": {"search": (60, 200)},
}
FLOOR_RATIO_TARGET = 1.5
SPEEDUP_TARGET = {"postgresql": 20, "sqlite": 10}
MEMORY_TARGET_MB = 150
PAGE_TIMEOUT = 60  # seconds: a page slower than this is reported as "> 60 s", not waited for
NAIVE_TIMEOUT = 300


def log(message):
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def percentile(values, share):
    """Linear interpolation between closest ranks (the spreadsheet definition)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    position = (len(ordered) - 1) * share
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


# The database and the corpus.
def ensure_database(url):
    """Create the PostgreSQL database named in the URL if it is missing."""
    parts = urlsplit(url)
    if not parts.scheme.startswith("postgres"):
        return
    import psycopg

    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if not exists.fetchone():
            log(f"creating database {name}")
            connection.execute(f'CREATE DATABASE "{name}"')


def manage(env, *args, capture=False):
    command = [PYTHON, str(BASE_DIR / "manage.py"), *args]
    result = subprocess.run(command, env=env, check=True, text=True, capture_output=capture)
    return result.stdout if capture else None


def meta_path(url):
    safe = "".join(ch if ch.isalnum() else "_" for ch in url)[-80:]
    return Path(tempfile.gettempdir()) / f"bench-meta-{safe}.json"


def ensure_corpus(env, url, args):
    """Generate the corpus unless the database already holds this one; return its metadata."""
    import django

    os.environ.update(env)
    django.setup()
    from archive.models import Article

    wanted = {"articles": args.articles, "seed": args.seed}
    path = meta_path(url)
    meta = json.loads(path.read_text()) if path.exists() else {}
    if (
        not args.regenerate
        and meta.get("corpus") == wanted
        and Article.objects.count() == args.articles
    ):
        log(f"reusing the corpus of {args.articles} articles (generated {meta['generated_at']})")
        return meta
    log(f"generating {args.articles} articles (seed {args.seed})")
    started = time.perf_counter()
    output = manage(
        env,
        "generate_corpus",
        f"--articles={args.articles}",
        f"--authors={max(10, args.articles // 20)}",
        f"--topics={min(500, max(12, args.articles // 10))}",
        f"--seed={args.seed}",
        "--clear",
        capture=True,
    )
    meta = {
        "corpus": wanted,
        "generation_seconds": round(time.perf_counter() - started, 1),
        "generation_report": output.strip(),
        "generated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    log(output.strip())
    path.write_text(json.dumps(meta))
    return meta


def plan_requests(args):
    """The fixed request mix: kind -> list of paths, and how many results each search has."""
    from django.db.models import Count

    from archive.facets import FacetedSearch
    from archive.models import Article, ArticleType, Authorship, Region, TaggedTopic, Theme
    from bench.corpus import RARE_NAMES, invented_names

    rng = Random(0)
    published = Article.objects.published()
    n = published.count()

    def matches(text="", **filters):
        return FacetedSearch(text, filters).total

    rare, floor = None, max(2, args.articles // 20_000)
    names = invented_names(RARE_NAMES)
    for rank in (3999, 3000, 2000, 1500, 1000, 700, 500, 300, 200, 100, 50, 20, 10, 0):
        if matches(names[rank]) >= floor:
            rare = names[rank]
            break
    themes = Theme.objects.annotate(n=Count("topics__tagged_articles")).order_by("-n", "pk")
    big_theme, other_theme = themes[0].slug, themes[min(1, len(themes) - 1)].slug
    type_slug = ArticleType.objects.annotate(n=Count("articles")).order_by("-n", "pk")[0].slug
    region = Region.objects.filter(slug="india").first() or Region.objects.first()
    common_pages = max(1, (matches(COMMON_TERM) + 19) // 20)

    searches = {
        "rare": {"q": rare or names[0]},
        "common": {"q": COMMON_TERM},
        "phrase": {"q": PHRASE},
        "two_facets": {"q": COMMON_TERM, "theme": big_theme, "type": type_slug},
        "facets_only": {"theme": other_theme, "region": region.slug},
        "deep_page": {"q": COMMON_TERM, "page": max(1, common_pages // 2)},
    }
    found = {}
    for kind, params in searches.items():
        filters = {k: [v] for k, v in params.items() if k not in ("q", "page")}
        found[kind] = matches(params.get("q", ""), **filters)

    def sample(values, k=SAMPLES_PER_PAGE_KIND):
        values = list(values)
        return rng.sample(values, min(k, len(values)))

    # Pages readers visit, weighted as they are: popular authors and topics more often.
    ids = sample(published.values_list("pk", flat=True).order_by("pk"))
    articles = [
        f"/articles/{s}/" for s in Article.objects.filter(pk__in=ids).values_list("slug", flat=True)
    ]
    bylines = Authorship.objects.filter(article__in=published, role="author")
    authors = sample(bylines.values_list("author__slug", flat=True).order_by("pk")[:50_000])
    tagged = TaggedTopic.objects.filter(content_object__in=published)
    topics = sample(tagged.values_list("tag__slug", flat=True).order_by("pk")[:50_000])
    plan = {kind: [f"/search/?{urlencode(params)}"] for kind, params in searches.items()}
    plan |= {
        "article": sorted(articles),
        "author": [f"/authors/{slug}/" for slug in authors],
        "topic": [f"/topics/{slug}/" for slug in topics],
        "feed": ["/feed/"],
        "empty": ["/bench/empty/"],
    }
    naive = {
        kind: [f"/bench/naive/search/?{urlencode(searches[kind])}"]
        for kind in args.naive
        if kind in searches
    }
    return plan, naive, {"published": n, "found": found, "params": searches}


# The server.
class Server:
    """gunicorn with one sync worker on a free loopback port."""

    def __init__(self, env, count_queries, sql_dir=None):
        self.port = free_port()
        env = env | {"DJANGO_SETTINGS_MODULE": "bench.settings", "PYTHONUNBUFFERED": "1"}
        env["BENCH_COUNT_QUERIES"] = "1" if count_queries else "0"
        if sql_dir:
            env["BENCH_SQL_DIR"] = str(sql_dir)
        self.log = open(Path(tempfile.gettempdir()) / f"bench-gunicorn-{self.port}.log", "w")  # noqa: SIM115
        command = [
            str(Path(PYTHON).with_name("gunicorn")),
            "config.wsgi:application",
            f"--bind=127.0.0.1:{self.port}",
            "--workers=1",
            "--worker-class=sync",
            "--timeout=1800",
            "--no-control-socket",
            f"--chdir={BASE_DIR}",
        ]
        self.process = subprocess.Popen(command, env=env, stdout=self.log, stderr=self.log)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if self.get("/bench/empty/")[0] == 200:
                    return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn did not start; see {self.log.name}")

    def get(self, path, headers=None, timeout=PAGE_TIMEOUT):
        """(status, seconds, response headers) for one GET, the body read to the end.

        Raises TimeoutError after `timeout` seconds; the worker is then still busy, so the
        caller restarts the server.
        """
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        started = time.perf_counter()
        connection.request("GET", path, headers={"Host": "127.0.0.1", **(headers or {})})
        response = connection.getresponse()
        response.read()
        elapsed = time.perf_counter() - started
        connection.close()
        return response.status, elapsed, dict(response.getheaders())

    def worker_pid(self):
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        pids = children.read_text().split()
        return int(pids[0])

    def worker_memory_mb(self):
        """(peak, current) resident memory of the worker, from /proc."""
        fields = {}
        for line in Path(f"/proc/{self.worker_pid()}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            fields[key] = value.strip()
        return int(fields["VmHWM"].split()[0]) / 1024, int(fields["VmRSS"].split()[0]) / 1024

    def stop(self):
        """Stop master and worker; a worker still busy with a timed-out request is killed."""
        with contextlib.suppress(OSError, IndexError, ValueError):
            os.kill(self.worker_pid(), signal.SIGKILL)
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def time_kind(server, paths, seconds, warmup=True, timeout=PAGE_TIMEOUT):
    """Request the paths in turn for `seconds`; seconds per request.

    Fast pages get at least MIN_SAMPLES requests; a page that takes seconds stops after
    three once the time is up (or after four times the time), so one slow kind cannot
    hold the run for an hour.
    """
    if warmup:
        for path in paths:
            server.get(path, timeout=timeout)
    samples, started, turn = [], time.perf_counter(), 0
    while len(samples) < MAX_SAMPLES:
        spent = time.perf_counter() - started
        if (
            len(samples) >= 3
            and spent >= seconds
            and (len(samples) >= MIN_SAMPLES or spent >= 4 * seconds)
        ):
            break
        status, elapsed, _ = server.get(paths[turn % len(paths)], timeout=timeout)
        if status != 200:
            raise RuntimeError(f"{paths[turn % len(paths)]} answered {status}")
        samples.append(elapsed)
        turn += 1
    return samples, time.perf_counter() - started


def time_naive(server, paths, seconds):
    """Naive requests can take minutes: warm up only when one is short, keep at least one."""
    status, first, headers = server.get(paths[0], timeout=NAIVE_TIMEOUT)
    if status != 200:
        raise RuntimeError(f"{paths[0]} answered {status}")
    queries = int(headers.get("X-Query-Count", 0))
    if first * 3 > seconds:
        return [first], first, queries
    samples, elapsed = time_kind(server, paths, seconds, warmup=False, timeout=NAIVE_TIMEOUT)
    return samples, elapsed, queries


# The floor: the bare SQL of a page.
def sql_floor(captured, repeats=3):
    """Milliseconds of the captured queries run bare: EXPLAIN ANALYZE on PostgreSQL, fetched
    rows on SQLite (which has no EXPLAIN ANALYZE); the median of `repeats` runs each."""
    from django.db import connection

    total, slowest = 0.0, (0.0, "")
    with connection.cursor() as cursor:
        for query in captured:
            sql = query["sql"]
            if not sql.lstrip("( \n").upper().startswith(("SELECT", "WITH")):
                continue
            runs = []
            for _ in range(repeats):
                if runs and runs[0] > 5000:
                    break
                if connection.vendor == "postgresql":
                    cursor.execute(f"EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON) {sql}")
                    plan = cursor.fetchone()[0]
                    plan = plan[0] if isinstance(plan, list) else json.loads(plan)[0]
                    runs.append(plan["Planning Time"] + plan["Execution Time"])
                else:
                    started = time.perf_counter()
                    cursor.execute(sql)
                    cursor.fetchall()
                    runs.append((time.perf_counter() - started) * 1000)
            median = statistics.median(runs)
            total += median
            slowest = max(slowest, (median, sql))
    return total, slowest


def explain(sql):
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
        else:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
        return "\n".join(" ".join(str(c) for c in row) for row in cursor.fetchall())


# The report.
def write_report(result, out_dir):
    db, n = result["db"], result["articles"]
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = out_dir / f"{db}-{n}"
    lines = [
        f"# Benchmark: {result['vendor']}, {n:,} articles",
        "",
        f"{result['when']} · {result['machine']} · revision {result['revision']} · "
        f"{result['published']:,} published · gunicorn, 1 sync worker, one request at a time, "
        f"warm, no cache · {result['seconds']} s per kind · load average "
        f"{result['load'][0]:.1f} before timing, {result['load'][1]:.1f} after (2 cores, shared)",
        "",
        f"Corpus generation: **{result['generation_seconds']} s** ({result['generation_report']})",
        "",
        "| kind | request | results | n | p50 ms | p95 ms | p99 ms | req/s | queries | "
        "SQL ms in app | floor ms | p50 ÷ floor | naive p50 ms | naive queries | speed-up |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for kind, row in result["kinds"].items():
        if row.get("skipped"):
            lines.append(f"| {kind} | `{row['path']}` | skipped: {row['skipped']} |" + " |" * 12)
            continue
        naive = row.get("naive") or {}

        def cell(value, fmt="{:.1f}"):
            return "" if value is None else fmt.format(value)

        def latency(stats, key, fmt="{:.1f}"):
            if "timeout" in stats:
                return f"> {stats['timeout'] * 1000:,}" if key == "p50" else ""
            return cell(stats.get(key), fmt)

        ratio = naive.get("speedup")
        if ratio is not None and "timeout" in row:
            speed = f"< {ratio:,.1f}×"
        elif ratio is not None and "timeout" in naive:
            speed = f"> {ratio:,.0f}×"
        else:
            speed = cell(ratio, "{:,.0f}×")

        lines.append(
            "| {kind} | `{path}` | {found} | {n} | {p50} | {p95} | {p99} | {rps} | {q} | {sql} "
            "| {floor} | {ratio} | {np50} | {nq} | {speed} |".format(
                kind=kind,
                path=row["path"]
                + (f" (+{row['variants'] - 1} more)" if row["variants"] > 1 else ""),
                found=cell(row.get("found"), "{:,}"),
                n=row.get("n", "1 (timed out)"),
                p50=latency(row, "p50"),
                p95=latency(row, "p95"),
                p99=latency(row, "p99"),
                rps=latency(row, "rps"),
                q=cell(row.get("queries"), "{}"),
                sql=cell(row.get("sql_ms")),
                floor=cell(row.get("floor_ms")),
                ratio=cell(row.get("floor_ratio"), "{:.2f}"),
                np50=latency(naive, "p50", "{:,.0f}") if naive else "",
                nq=cell(naive.get("queries"), "{}"),
                speed=speed,
            )
        )
    memory = result["memory"]
    lines += [
        "",
        f"Worker memory: peak {memory['peak_mb']:.0f} MB, {memory['rss_mb']:.0f} MB resident "
        "after the site's requests (before the naive baseline).",
        "",
        "Floor = the page's captured SQL run bare (PostgreSQL: `EXPLAIN (ANALYZE, TIMING OFF)` "
        "planning + execution; SQLite: executed and fetched), medians of 3, summed, plus the "
        f"empty view's p50 ({result['empty_p50']:.1f} ms). Speed-up = naive p50 ÷ page p50. "
        f"A page is given up on after {PAGE_TIMEOUT} s and the naive one after "
        f"{NAIVE_TIMEOUT} s (shown as > ms; the worker is then restarted). SQL ms in app is "
        "Django's own query timing (1 ms resolution); on SQLite it leaves out fetching rows, "
        "which is where SQLite does most of its work.",
        "",
        "## Targets",
        "",
        "| target | measured | met |",
        "|---|---|---|",
    ]
    lines += [f"| {t} | {m} | {'yes' if ok else '**no**'} |" for t, m, ok in result["targets"]]
    lines.append("")
    text = "\n".join(lines)
    stem.with_suffix(".md").write_text(text)
    (out_dir / f"latest-{db}.md").write_text(text)
    chart(result, stem.with_suffix(".png"))
    return stem


def chart(result, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = [(k, r) for k, r in result["kinds"].items() if not r.get("skipped")]
    for _, row in rows:
        if "timeout" in row:
            row["p50"] = row["p95"] = row["timeout"] * 1000
    fig, ax = plt.subplots(figsize=(9, 0.45 * len(rows) + 1.5))
    y = list(range(len(rows)))
    p50 = [r["p50"] for _, r in rows]
    p95 = [r["p95"] for _, r in rows]
    ax.barh(y, p95, color="#c8d6e5", label="p95", height=0.7)
    ax.barh(y, p50, color="#2e86de", label="p50", height=0.7)
    naive = [
        (i, r["naive"].get("p50", r["naive"].get("timeout", 0) * 1000))
        for i, (_, r) in enumerate(rows)
        if r.get("naive")
    ]
    if naive:
        ax.scatter(
            [v for _, v in naive],
            [i for i, _ in naive],
            color="#ee5253",
            marker="D",
            label="naive p50",
            zorder=3,
        )
    ax.set_yticks(y, [k for k, _ in rows])
    ax.invert_yaxis()
    ax.set_xscale("log")
    ax.set_xlabel("milliseconds (log scale)")
    ax.set_title(
        f"{result['vendor']}, {result['articles']:,} articles: latency per request kind"
        f" (timeouts drawn at {PAGE_TIMEOUT} s)"
    )
    ax.grid(axis="x", which="both", alpha=0.3)
    ax.legend(loc="lower right")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def evaluate_targets(result):
    vendor, kinds = result["vendor"], result["kinds"]
    p50_max, p95_max = TARGETS[vendor]["search"]
    targets = []

    def measured(row, keys):
        if "skipped" in row:
            return row["skipped"]
        if "timeout" in row:
            return f"> {row['timeout']} s (timed out)"
        return " / ".join(f"{row[key]:.1f}" for key in keys) + " ms"

    searches = [kinds[kind] for kind in SEARCH_KINDS]
    if all("ms" in row for row in searches):
        p50, p95 = mix_percentiles(searches)
        mix = (f"{p50:.1f} / {p95:.1f} ms", p50 <= p50_max and p95 <= p95_max)
    else:
        mix = ("a kind timed out or failed", False)
    targets.append((f"search across the mix: p50 ≤ {p50_max} ms, p95 ≤ {p95_max} ms", *mix))
    for kind in SEARCH_KINDS:
        row = kinds[kind]
        targets.append(
            (
                f"search {kind} alone: p50 ≤ {p50_max} ms, p95 ≤ {p95_max} ms",
                measured(row, ["p50", "p95"]),
                "p50" in row and row["p50"] <= p50_max and row["p95"] <= p95_max,
            )
        )
    article = kinds["article"]
    targets.append(
        (
            "article page p95 ≤ 20 ms",
            measured(article, ["p95"]),
            "p95" in article and article["p95"] <= 20,
        )
    )
    feed = kinds["feed"]
    if not feed.get("skipped"):
        targets.append(
            (
                "feed p95 ≤ 40 ms",
                measured(feed, ["p95"]),
                "p95" in feed and feed["p95"] <= 40,
            )
        )
    if vendor == "postgresql":
        for kind in SEARCH_KINDS:
            ratio = kinds[kind].get("floor_ratio")
            if ratio is not None:
                targets.append(
                    (
                        f"search {kind} ÷ floor (p50) ≤ {FLOOR_RATIO_TARGET}",
                        f"{ratio:.2f}",
                        ratio <= FLOOR_RATIO_TARGET,
                    )
                )
    naive = kinds["two_facets"].get("naive")
    if naive:
        goal, ratio = SPEEDUP_TARGET[vendor], naive["speedup"]
        if ratio is None:
            text, met = "both timed out", False
        elif "p50" not in kinds["two_facets"]:
            text, met = f"< {ratio:,.1f}× (the page timed out)", False
        else:
            text, met = f"{ratio:,.0f}×", ratio >= goal
        targets.append((f"speed-up over naive, common term + facets ≥ {goal}×", text, met))
    peak = result["memory"]["peak_mb"]
    targets.append(
        (f"memory per worker ≤ {MEMORY_TARGET_MB} MB", f"{peak:.0f} MB", peak <= MEMORY_TARGET_MB)
    )
    return targets


def speedup(naive, page):
    """naive p50 ÷ page p50, as a (low, high) range when either timed out."""
    low = naive.get("p50", naive.get("timeout", 0) * 1000)
    high = page.get("p50", page.get("timeout", 0) * 1000)
    if "timeout" in page and "timeout" in naive:
        return None
    return low / high


def summarise(samples, elapsed):
    ms = [s * 1000 for s in samples]
    return {
        "n": len(ms),
        "p50": percentile(ms, 0.5),
        "p95": percentile(ms, 0.95),
        "p99": percentile(ms, 0.99),
        "rps": len(ms) / elapsed if elapsed else None,
        "ms": ms,
    }


def mix_percentiles(rows, shares=(0.5, 0.95)):
    """Percentiles across the search mix, each kind weighing the same however fast it is."""
    weighted = sorted((ms, 1 / len(row["ms"])) for row in rows for ms in row["ms"])
    total, found, running = sum(w for _, w in weighted), [], 0.0
    shares = list(shares)
    for ms, weight in weighted:
        running += weight
        while shares and running >= shares[0] * total - 1e-9:
            found.append(ms)
            shares.pop(0)
    return found


def revision():
    try:
        out = subprocess.run(
            ["git", "-C", str(BASE_DIR), "describe", "--always", "--dirty"],
            capture_output=True,
            text=True,
            check=True,
        )
        return out.stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return os.environ.get("BENCH_REVISION", "unknown")


def machine():
    cpu = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    return f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}"


def main(argv=None):
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

    url = args.database_url or DEFAULT_URLS[args.db].format(n=args.articles)
    env = dict(os.environ, DATABASE_URL=url, DJANGO_SETTINGS_MODULE="bench.settings")
    env.pop("REDIS_URL", None)
    sys.path.insert(0, str(BASE_DIR))
    ensure_database(url)
    manage(env, "migrate", "--noinput", "-v0")
    meta = ensure_corpus(env, url, args)
    from django.db import connection

    plan, naive_plan, facts = plan_requests(args)
    log(f"{facts['published']} published; results per search: {facts['found']}")
    connection.close()

    sql_dir = Path(tempfile.mkdtemp(prefix="bench-sql-"))
    counts = {}
    server = Server(env, count_queries=True, sql_dir=sql_dir)
    try:
        status, _, _ = server.get("/feed/")
        if status != 200:
            log(f"/feed/ answered {status}: skipping the feed")
            plan.pop("feed")
        for kind, paths in plan.items():
            try:
                server.get(paths[0])
                status, _, headers = server.get(paths[0], {"X-Bench-Capture": kind})
            except (TimeoutError, ConnectionError) as error:
                log(f"{kind}: {error!r} (a timeout after {PAGE_TIMEOUT} s?): not counted")
                server.stop()
                server = Server(env, count_queries=True, sql_dir=sql_dir)
                continue
            counts[kind] = (int(headers["X-Query-Count"]), float(headers["X-Query-Time"]))
    finally:
        server.stop()

    floors, slowest = {}, {}
    for kind in counts:
        captured = json.loads((sql_dir / f"{kind}.json").read_text())["queries"]
        floors[kind], slowest[kind] = sql_floor(captured)
    shutil.rmtree(sql_dir, ignore_errors=True)

    timings, load_before = {}, os.getloadavg()[0]
    server = Server(env, count_queries=False)
    try:
        peak = rss = 0.0
        for kind, paths in plan.items():
            log(f"timing {kind} ({len(paths)} path(s))")
            try:
                timings[kind] = summarise(*time_kind(server, paths, args.seconds))
            except (TimeoutError, ConnectionError) as error:
                log(f"{kind}: {error!r}")
                if isinstance(error, TimeoutError):
                    timings[kind] = {"timeout": PAGE_TIMEOUT}
                else:
                    timings[kind] = {"skipped": f"failed: {error!r}"}
                peak, rss = max(peak, server.worker_memory_mb()[0]), 0.0
                server.stop()
                server = Server(env, count_queries=False)
        worker_peak, rss = server.worker_memory_mb()
        peak = max(peak, worker_peak)
        naive = {}
        for kind, paths in naive_plan.items():
            log(f"timing the naive baseline for {kind}")
            try:
                samples, elapsed, queries = time_naive(server, paths, args.seconds)
            except (TimeoutError, ConnectionError) as error:
                log(f"naive {kind}: {error!r}")
                naive[kind] = {"timeout": NAIVE_TIMEOUT}
                server.stop()
                server = Server(env, count_queries=False)
                continue
            naive[kind] = summarise(samples, elapsed) | {"queries": queries}
            log(f"naive {kind}: p50 {naive[kind]['p50']:.0f} ms over {len(samples)} request(s)")
    finally:
        server.stop()

    empty = timings["empty"]["p50"]
    kinds = {}
    for kind, paths in plan.items():
        row = timings[kind] | {"path": paths[0], "variants": len(paths)}
        if "skipped" in row:
            kinds[kind] = row
            continue
        row["queries"], row["sql_ms"] = counts.get(kind, (None, None))
        row["found"] = facts["found"].get(kind)
        if kind != "empty" and kind in floors:
            row["floor_ms"] = floors[kind] + empty
            if "p50" in row:
                row["floor_ratio"] = row["p50"] / row["floor_ms"]
        if kind in naive:
            row["naive"] = naive[kind] | {"speedup": speedup(naive[kind], row)}
        kinds[kind] = row
    if "feed" not in plan:
        kinds["feed"] = {"path": "/feed/", "skipped": "did not answer 200"}

    vendor = connection.vendor
    result = {
        "db": args.db,
        "vendor": vendor,
        "articles": args.articles,
        "published": facts["published"],
        "seconds": args.seconds,
        "when": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(),
        "revision": revision(),
        "generation_seconds": meta["generation_seconds"],
        "generation_report": meta["generation_report"],
        "kinds": kinds,
        "empty_p50": empty,
        "memory": {"peak_mb": peak, "rss_mb": rss},
        "load": (load_before, os.getloadavg()[0]),
    }
    result["targets"] = evaluate_targets(result)
    stem = write_report(result, args.out)
    explain_path = Path(tempfile.gettempdir()) / f"bench-explain-{args.db}-{args.articles}.txt"
    with explain_path.open("w") as out:
        for kind in [*SEARCH_KINDS, "article", "author", "topic", "feed"]:
            if kind in slowest and slowest[kind][1]:
                ms, sql = slowest[kind]
                out.write(
                    f"== {kind}: slowest query, {ms:.1f} ms bare\n{sql}\n\n{explain(sql)}\n\n"
                )
    Path(tempfile.gettempdir(), f"bench-{args.db}-{args.articles}.json").write_text(
        json.dumps(result, indent=1, default=str)
    )
    log(f"wrote {stem}.md, {stem}.png; query plans in {explain_path}")
    print(stem.with_suffix(".md").read_text())


if __name__ == "__main__":
    main()
