"""The report: a Markdown table and a chart per run, and the targets met or missed."""

import os
import platform
import subprocess
from pathlib import Path

from .plan import BASE_DIR, SEARCH_KINDS
from .timing import NAIVE_TIMEOUT, PAGE_TIMEOUT

TARGETS = {  # kind: (p50 ms, p95 ms) per database: the same since one engine serves both
    "postgresql": {"search": (20, 60)},
    "sqlite": {"search": (20, 60)},
}
PHRASE_P50_TARGET = 40
SPEEDUP_TARGET = {"postgresql": 20, "sqlite": 10}
MEMORY_TARGET_MB = 150  # private memory per worker: the index's mapped pages are shared


def write_report(result, out_dir):
    """Write `<db>-<n>.md`, `latest-<db>.md` and `<db>-<n>.png`; return the path's stem."""
    db, n = result["db"], result["articles"]
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = out_dir / f"{db}-{n}"
    lines = _header(result)
    lines += [_table_row(kind, row) for kind, row in result["kinds"].items()]
    lines += _footer(result)
    text = "\n".join(lines)
    stem.with_suffix(".md").write_text(text)
    (out_dir / f"latest-{db}.md").write_text(text)
    chart(result, stem.with_suffix(".png"))
    return stem


def _header(result):
    n = result["articles"]
    return [
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


def _cell(value, fmt="{:.1f}"):
    return "" if value is None else fmt.format(value)


def _latency(stats, key, fmt="{:.1f}"):
    if "timeout" in stats:
        return f"> {stats['timeout'] * 1000:,}" if key == "p50" else ""
    return _cell(stats.get(key), fmt)


def _table_row(kind, row):
    if row.get("skipped"):
        return f"| {kind} | `{row['path']}` | skipped: {row['skipped']} |" + " |" * 12
    naive = row.get("naive") or {}
    ratio = naive.get("speedup")
    if ratio is not None and "timeout" in row:
        speed = f"< {ratio:,.1f}×"
    elif ratio is not None and "timeout" in naive:
        speed = f"> {ratio:,.0f}×"
    else:
        speed = _cell(ratio, "{:,.0f}×")
    more = f" (+{row['variants'] - 1} more)" if row["variants"] > 1 else ""
    cells = [
        kind,
        f"`{row['path']}{more}`",
        _cell(row.get("found"), "{:,}"),
        row.get("n", "1 (timed out)"),
        *(_latency(row, key) for key in ("p50", "p95", "p99", "rps")),
        _cell(row.get("queries"), "{}"),
        _cell(row.get("sql_ms")),
        _cell(row.get("floor_ms")),
        _cell(row.get("floor_ratio"), "{:.2f}"),
        _latency(naive, "p50", "{:,.0f}") if naive else "",
        _cell(naive.get("queries"), "{}"),
        speed,
    ]
    return "| " + " | ".join(str(cell) for cell in cells) + " |"


def _footer(result):
    memory = result["memory"]
    lines = [
        "",
        f"Worker memory: peak {memory['peak_mb']:.0f} MB, {memory['rss_mb']:.0f} MB resident "
        f"of which {memory.get('private_mb', 0):.0f} MB private (RssAnon) after the site's "
        "requests (before the naive baseline).",
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
    return [*lines, ""]


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
    """(target, measured, met) rows: search latency, pages, the floor, naive, memory."""
    vendor, kinds = result["vendor"], result["kinds"]
    targets = _search_targets(vendor, kinds)
    article = kinds["article"]
    targets.append(
        (
            "article page p95 ≤ 20 ms",
            _measured(article, ["p95"]),
            "p95" in article and article["p95"] <= 20,
        )
    )
    feed = kinds["feed"]
    if not feed.get("skipped"):
        targets.append(
            ("feed p95 ≤ 40 ms", _measured(feed, ["p95"]), "p95" in feed and feed["p95"] <= 40)
        )
    phrase = kinds["phrase"]
    targets.append(
        (
            f"search phrase p50 ≤ {PHRASE_P50_TARGET} ms",
            _measured(phrase, ["p50"]),
            "p50" in phrase and phrase["p50"] <= PHRASE_P50_TARGET,
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
    private = result["memory"].get("private_mb", result["memory"]["peak_mb"])
    targets.append(
        (
            f"private memory per worker (RssAnon) ≤ {MEMORY_TARGET_MB} MB",
            f"{private:.0f} MB",
            private <= MEMORY_TARGET_MB,
        )
    )
    return targets


def _measured(row, keys):
    if "skipped" in row:
        return row["skipped"]
    if "timeout" in row:
        return f"> {row['timeout']} s (timed out)"
    return " / ".join(f"{row[key]:.1f}" for key in keys) + " ms"


def _search_targets(vendor, kinds):
    """The search latency targets: across the mix, then each kind alone."""
    p50_max, p95_max = TARGETS[vendor]["search"]
    searches = [kinds[kind] for kind in SEARCH_KINDS]
    if all("ms" in row for row in searches):
        p50, p95 = mix_percentiles(searches)
        mix = (f"{p50:.1f} / {p95:.1f} ms", p50 <= p50_max and p95 <= p95_max)
    else:
        mix = ("a kind timed out or failed", False)
    targets = [(f"search across the mix: p50 ≤ {p50_max} ms, p95 ≤ {p95_max} ms", *mix)]
    for kind in SEARCH_KINDS:
        row = kinds[kind]
        targets.append(
            (
                f"search {kind} alone: p50 ≤ {p50_max} ms, p95 ≤ {p95_max} ms",
                _measured(row, ["p50", "p95"]),
                "p50" in row and row["p50"] <= p50_max and row["p95"] <= p95_max,
            )
        )
    return targets


def kind_rows(plan, measured, facts):
    """One row per kind for the report: timings, query counts, the floor and the naive ratio.

    `measured` holds the passes' `timings`, `counts`, `floors` and `naive` by kind.
    """
    empty = measured["timings"]["empty"]["p50"]
    kinds = {}
    for kind, paths in plan.items():
        row = measured["timings"][kind] | {"path": paths[0], "paths": paths, "variants": len(paths)}
        if "skipped" in row:
            kinds[kind] = row
            continue
        row["queries"], row["sql_ms"] = measured["counts"].get(kind, (None, None))
        row["found"] = facts["found"].get(kind)
        if kind != "empty" and kind in measured["floors"]:
            row["floor_ms"] = measured["floors"][kind] + empty
            if "p50" in row:
                row["floor_ratio"] = row["p50"] / row["floor_ms"]
        naive = measured["naive"].get(kind)
        if naive:
            row["naive"] = naive | {"speedup": speedup(naive, row)}
        kinds[kind] = row
    if "feed" not in plan:
        kinds["feed"] = {"path": "/feed/", "skipped": "did not answer 200"}
    return kinds


def speedup(naive, page):
    """naive p50 ÷ page p50, as a (low, high) range when either timed out."""
    low = naive.get("p50", naive.get("timeout", 0) * 1000)
    high = page.get("p50", page.get("timeout", 0) * 1000)
    if "timeout" in page and "timeout" in naive:
        return None
    return low / high


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
