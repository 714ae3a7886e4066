"""The floor: what a page's own SQL costs run bare, without Django around it."""

import json
import statistics
import time

from .plan import log
from .timing import PAGE_TIMEOUT, Server


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


def capture_pass(env, plan, sql_dir):
    """A first pass with the query-counting middleware: (query count, app SQL ms) per kind,
    each kind's SQL captured to `sql_dir`. Skips the feed when it does not answer 200."""
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
    return counts


def floors(sql_dir, kinds):
    """Per kind: the floor in ms and the slowest query (ms, sql), from the captured SQL."""
    floor, slowest = {}, {}
    for kind in kinds:
        captured = json.loads((sql_dir / f"{kind}.json").read_text())["queries"]
        floor[kind], slowest[kind] = sql_floor(captured)
    return floor, slowest


def write_explains(path, slowest, kinds):
    """The query plan of each kind's slowest query, for reading after the run."""
    with path.open("w") as out:
        for kind in kinds:
            if kind in slowest and slowest[kind][1]:
                ms, sql = slowest[kind]
                out.write(f"== {kind}: slowest query, {ms:.1f} ms bare\n{sql}\n\n")
                out.write(f"{explain(sql)}\n\n")
