"""Before and after timed in the same seconds: two servers answering in turn.

On a shared host one run can be a third slower than the next, so the two runs of
`bench.compare`, one after the other, can move a ratio by a whole step. Here both
servers are up at once and each kind's requests alternate between them, the one asked
first swapping every round: whatever the host does meanwhile, it does to both.
"""

import time

from .plan import PAGE_KINDS
from .timing import MAX_SAMPLES, Server, percentile

MIN_ROUNDS = 10


def alternate(servers, paths, seconds, min_rounds=MIN_ROUNDS):
    """{name: [ms, ...]}: the `paths` asked in turn, each of every server in turn (after
    one warm-up each) for `seconds`, and at least `min_rounds` times each."""
    names = list(servers)
    for path in paths:
        for server in servers.values():
            server.get(path)
    samples = {name: [] for name in names}
    started, turn = time.perf_counter(), 0
    while turn < min_rounds or (time.perf_counter() - started < seconds and turn < MAX_SAMPLES):
        path = paths[turn % len(paths)]
        for name in names if turn % 2 == 0 else reversed(names):
            status, elapsed, _ = servers[name].get(path)
            if status != 200:
                raise RuntimeError(f"{name}: {path} answered {status}")
            samples[name].append(elapsed * 1000)
        turn += 1
    return samples


def paths_of(result):
    """Each page kind's paths as the after side's run timed them. Both corpora come from
    the same size and seed, so the pages it sampled (articles, authors, topics) are the
    same on the other side."""
    timed = {kind: row for kind, row in result["kinds"].items() if "p50" in row}
    return {kind: timed[kind]["paths"] for kind in PAGE_KINDS if kind in timed}


def time_in_turn(sides, paths, seconds):
    """{kind: {side: [ms, ...]}} for each kind's paths, `sides` being {name: (env, checkout)}
    of the servers to start (one sync worker each, as `bench.run` times them)."""
    servers = {}
    try:
        for name, (env, checkout) in sides.items():
            servers[name] = Server(env, count_queries=False, base_dir=checkout)
        return {kind: alternate(servers, kind_paths, seconds) for kind, kind_paths in paths.items()}
    finally:
        for server in servers.values():
            server.stop()


def rows(timings):
    """(kind, before p50, after p50, before ÷ after, requests each) per kind."""
    table = []
    for kind, samples in timings.items():
        before, after = percentile(samples["before"], 0.5), percentile(samples["after"], 0.5)
        table.append((kind, before, after, before / after, len(samples["after"])))
    return table
