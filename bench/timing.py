"""Timing pages: gunicorn with one sync worker, requests one at a time, percentiles."""

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from .plan import BASE_DIR, PYTHON, log
from .servers import LOOPBACK_SECRET_KEY

MAX_SAMPLES = 2000
MIN_SAMPLES = 20
PAGE_TIMEOUT = 60  # seconds: a page slower than this is reported as "> 60 s", not waited for
NAIVE_TIMEOUT = 300


def percentile(values, share):
    """Linear interpolation between closest ranks (the spreadsheet definition)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    position = (len(ordered) - 1) * share
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


class Server:
    """gunicorn with one sync worker on a free loopback port."""

    def __init__(self, env, count_queries, sql_dir=None, base_dir=BASE_DIR):
        self.port = free_port()
        # gunicorn.conf.py refuses to start a site without these; this one is loopback only.
        loopback = {"SECRET_KEY": LOOPBACK_SECRET_KEY, "ALLOWED_HOSTS": "127.0.0.1,localhost"}
        env = loopback | env | {"DJANGO_SETTINGS_MODULE": "bench.settings", "PYTHONUNBUFFERED": "1"}
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
            f"--chdir={base_dir}",
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
        """(peak, current, private) resident memory of the worker, from /proc.

        Private (RssAnon) leaves out mapped files: the search index's pages are shared by
        every worker and by the page cache, and the operating system can drop them.
        """
        fields = {}
        for line in Path(f"/proc/{self.worker_pid()}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            fields[key] = value.strip()
        return tuple(int(fields[key].split()[0]) / 1024 for key in ("VmHWM", "VmRSS", "RssAnon"))

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


class TimedPass:
    """The timed pass: each kind in turn on a fresh worker without query counting, a worker
    restarted after a timeout, then the naive baseline; keeps the worker's peak memory."""

    def __init__(self, env, seconds):
        self.env, self.seconds = env, seconds
        self.server = Server(env, count_queries=False)
        self.peak = self.rss = self.private = 0.0

    def restart(self):
        self.server.stop()
        self.server = Server(self.env, count_queries=False)

    def time_pages(self, plan):
        timings = {}
        for kind, paths in plan.items():
            log(f"timing {kind} ({len(paths)} path(s))")
            try:
                timings[kind] = summarise(*time_kind(self.server, paths, self.seconds))
            except (TimeoutError, ConnectionError) as error:
                log(f"{kind}: {error!r}")
                if isinstance(error, TimeoutError):
                    timings[kind] = {"timeout": PAGE_TIMEOUT}
                else:
                    timings[kind] = {"skipped": f"failed: {error!r}"}
                self.peak, self.rss = max(self.peak, self.server.worker_memory_mb()[0]), 0.0
                self.restart()
        worker_peak, self.rss, self.private = self.server.worker_memory_mb()
        self.peak = max(self.peak, worker_peak)
        return timings

    def time_naive(self, naive_plan):
        naive = {}
        for kind, paths in naive_plan.items():
            log(f"timing the naive baseline for {kind}")
            try:
                samples, elapsed, queries = time_naive(self.server, paths, self.seconds)
            except (TimeoutError, ConnectionError) as error:
                log(f"naive {kind}: {error!r}")
                naive[kind] = {"timeout": NAIVE_TIMEOUT}
                self.restart()
                continue
            naive[kind] = summarise(samples, elapsed) | {"queries": queries}
            log(f"naive {kind}: p50 {naive[kind]['p50']:.0f} ms over {len(samples)} request(s)")
        return naive

    def stop(self):
        self.server.stop()
