"""The same benchmark for an earlier commit and for this checkout, in one run, side by side.

python -m bench.compare --baseline <commit> [--db postgres|sqlite] [--articles 100000]
                        [--in-turn 20]

Checks the baseline out in a temporary git worktree, runs `python -m bench.run` there and
here (each on its own corpus database of the same size and seed, since the schemas may
differ), and writes bench/results/compare-<db>-<n>.{md,png}: each kind's p50 and p95
before and after, and the ratio. The machine is shared and noisy: the two runs follow each
other, and the ratios are the result, not the absolute times. Then both servers answer
every kind in turn (`bench.interleave`): a second table, whose ratios no slow minute of
the host can favour one side in.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.interleave import paths_of, time_in_turn
from bench.interleave import rows as rows_in_turn
from bench.servers import ROOT

RESULTS = ROOT / "bench" / "results"
DEFAULT_URLS = {
    "postgres": "postgres://postgres@127.0.0.1:5432/archive_bench{suffix}",
    "sqlite": "sqlite:///{tmp}/bench{suffix}-{n}.sqlite3",
}


def database_url(args, suffix):
    return DEFAULT_URLS[args.db].format(suffix=suffix, n=args.articles, tmp=tempfile.gettempdir())


def run_bench(checkout, args, suffix):
    url = database_url(args, suffix)
    out = Path(tempfile.mkdtemp(prefix=f"bench-compare{suffix}-"))
    command = [
        sys.executable, "-m", "bench.run", "--db", args.db, "--articles", str(args.articles),
        "--seconds", str(args.seconds), "--database-url", url, "--out", str(out),
        "--naive", "none",
    ]  # fmt: skip
    subprocess.run(command, cwd=checkout, check=True)
    raw = Path(tempfile.gettempdir(), f"bench-{args.db}-{args.articles}.json")
    return json.loads(raw.read_text())


def in_turn_table(args, checkout, after):
    """Both servers (the baseline's from its worktree) answering every kind in turn."""
    sides = {
        name: (dict(os.environ, DATABASE_URL=database_url(args, suffix)), directory)
        for name, suffix, directory in [("before", "_before", checkout), ("after", "", ROOT)]
    }
    return rows_in_turn(time_in_turn(sides, paths_of(after), args.in_turn))


def baseline_checkout(revision):
    path = Path(tempfile.mkdtemp(prefix="bench-baseline-"))
    path.rmdir()
    command = ["git", "worktree", "add", "--detach", str(path), revision]
    subprocess.run(command, cwd=ROOT, check=True)
    return path


def rows(before, after):
    """(kind, before p50, p95, after p50, p95, p50 ratio) for each kind both timed."""
    table = []
    for kind, new in after["kinds"].items():
        old = before["kinds"].get(kind, {})
        if "p50" not in new or "p50" not in old:
            continue
        ratio = old["p50"] / new["p50"] if new["p50"] else None
        table.append((kind, old["p50"], old["p95"], new["p50"], new["p95"], ratio))
    return table


def write(before, after, args, stem, in_turn=None):
    table, after_targets = rows(before, after), after["targets"]
    lines = [
        f"# Before and after: {after['vendor']}, {args.articles:,} articles",
        "",
        f"`python -m bench.compare --baseline {args.baseline} --db {args.db} --articles"
        f" {args.articles} --seconds {args.seconds}`, {after['when']}; {after['machine']}.",
        f"Before: {before['revision']}; after: {after['revision']}. One gunicorn sync worker, one"
        " request at a time, page cache off; the two runs one after the other on the same"
        " machine, each on its own corpus of the same size and seed.",
        "",
        f"Worker memory: before {before['memory'].get('peak_mb', 0):.0f} MB peak, after"
        f" {after['memory'].get('peak_mb', 0):.0f} MB peak.",
        "",
        "| kind | before p50 ms | before p95 ms | after p50 ms | after p95 ms | before ÷ after |",
        "|---|--:|--:|--:|--:|--:|",
        *(
            f"| {kind} | {b50:.1f} | {b95:.1f} | {a50:.1f} | {a95:.1f} | "
            f"{'' if ratio is None else f'{ratio:.1f}×'} |"
            for kind, b50, b95, a50, a95, ratio in table
        ),
        "",
        "Targets after the change (bench/report.py):",
        "",
        *(f"- {'met' if ok else 'MISSED'}: {goal} ({value})" for goal, value, ok in after_targets),
        "",
        f"![p50 before and after]({stem}.png)",
        *_in_turn_lines(in_turn, args),
    ]
    (RESULTS / f"{stem}.md").write_text("\n".join(lines) + "\n")
    chart(table, RESULTS / f"{stem}.png", f"{after['vendor']}, {args.articles:,} articles")


def _in_turn_lines(in_turn, args):
    """The table of the two servers answering in turn, when they did."""
    if not in_turn:
        return []
    return [
        "",
        "## The two servers in turn",
        "",
        f"Both servers up at once, each kind's requests asked of one then the other (which goes"
        f" first swapping every round) for {args.in_turn:g} s: the host's slower and faster"
        " minutes fall on both sides alike.",
        "",
        "| kind | before p50 ms | after p50 ms | before ÷ after | requests each |",
        "|---|--:|--:|--:|--:|",
        *(
            f"| {kind} | {b50:.1f} | {a50:.1f} | {ratio:.1f}× | {n} |"
            for kind, b50, a50, ratio, n in in_turn
        ),
    ]


def chart(table, path, title):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    kinds = [row[0] for row in table]
    positions = range(len(kinds))
    figure, axis = plt.subplots(figsize=(9, 4.5))
    axis.bar([p - 0.2 for p in positions], [row[1] for row in table], 0.4, label="before p50")
    axis.bar([p + 0.2 for p in positions], [row[3] for row in table], 0.4, label="after p50")
    axis.set_yscale("log")
    axis.set_ylabel("ms (log scale)")
    axis.set_xticks(list(positions), kinds, rotation=30, ha="right")
    axis.legend()
    axis.set_title(title)
    figure.tight_layout()
    figure.savefig(path, dpi=80)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", required=True, help="the commit to compare against")
    parser.add_argument("--db", choices=["postgres", "sqlite"], default="postgres")
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument(
        "--in-turn",
        type=float,
        default=20,
        help="seconds per kind of both servers answering in turn (0: none)",
    )
    args = parser.parse_args()
    checkout = baseline_checkout(args.baseline)
    try:
        before = run_bench(checkout, args, "_before")
        after = run_bench(ROOT, args, "")
        in_turn = in_turn_table(args, checkout, after) if args.in_turn else None
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(checkout)], cwd=ROOT)
        shutil.rmtree(checkout, ignore_errors=True)
    RESULTS.mkdir(exist_ok=True)
    stem = f"compare-{args.db}-{args.articles}"
    write(before, after, args, stem, in_turn)
    print((RESULTS / f"{stem}.md").read_text())


if __name__ == "__main__":
    main()
