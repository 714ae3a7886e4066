"""`make fuzz`: hostile requests against gunicorn on loopback, over a throwaway database.

Builds a temporary SQLite archive (migrations, a generated corpus with drafts, scheduled
and retracted articles), starts gunicorn on 127.0.0.1 at a free port, and sends
FUZZ_REQUESTS requests (default 100,000) from a seeded generator, stopping early after
FUZZ_SECONDS. A server error is any 5xx, a dropped connection or a timeout. The last line
is exactly `N requests, M server errors`; the exit status is 1 when M > 0.
"""

import argparse
import http.client
import os
import random
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
METHODS = ["GET"] * 14 + ["HEAD", "POST", "PUT", "OPTIONS"]
TIMEOUT = 30  # seconds one request may take before it counts as a server error
# gunicorn's limit_request_line: a longer request line is answered 414 and the connection
# closed, and the client, still sending, may see the reset instead of the answer.
REQUEST_LINE_LIMIT = 4094
REFUSED = "refused"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def environment(workdir):
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "fuzz.settings",
        "DATABASE_URL": f"sqlite:///{workdir}/fuzz.sqlite3",
        "SECRET_KEY": f"fuzz-only-{secrets.token_urlsafe(32)}",
        "DEBUG": "0",
        "REDIS_URL": "",
        "PYTHONPATH": str(ROOT),
    }


def manage(env, *args):
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


def prepare(env, articles):
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "generate_corpus", "--articles", str(articles), "--seed", "7", "-v0")
    code = "from fuzz.inputs import known_slugs, public_paths; print(*public_paths(known_slugs()))"
    paths = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    return paths


def start_server(env, port, log):
    """gunicorn as `make serve` runs it (gunicorn.conf.py), on loopback only."""
    env = {
        **env,
        **{"HOST": "127.0.0.1", "PORT": str(port), "ALLOWED_HOSTS": "127.0.0.1"},
        **{"WEB_CONCURRENCY": "2", "GUNICORN_THREADS": "2", "GUNICORN_TIMEOUT": str(TIMEOUT)},
    }
    command = [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}"]
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return server
        except OSError:
            if server.poll() is not None:
                break
            time.sleep(0.2)
    server.kill()
    log.flush()
    tail = Path(log.name).read_text()[-3000:]
    raise SystemExit(f"gunicorn did not start on 127.0.0.1:{port}:\n{tail}")


def random_request(rng, paths):
    """(method, target): a public path with hostile parameters, or a hostile path."""
    from fuzz.inputs import HOSTILE, HUGE, OAI_VERBS, PARAMETERS, encode, query_string

    def value():
        roll = rng.random()
        if roll < 0.01:
            return rng.choice(HUGE)
        if roll < 0.2:
            return "".join(chr(rng.randrange(0x110000)) for _ in range(rng.randrange(1, 12)))
        return " ".join(rng.choice(HOSTILE) for _ in range(rng.randrange(1, 4)))

    path = rng.choice(paths)
    if rng.random() < 0.05:
        path = f"/articles/{encode(value())[:2000]}/"
    pairs = [(rng.choice(PARAMETERS), value()) for _ in range(rng.randrange(0, 6))]
    if path == "/oai/":
        pairs.insert(0, ("verb", rng.choice([*OAI_VERBS, value()])))
    query = query_string(pairs)
    return rng.choice(METHODS), f"{path}?{query}" if query else path


class Fuzzer:
    def __init__(self, port, paths, total, seconds, seed):
        self.port, self.paths, self.total = port, paths, total
        self.deadline = time.monotonic() + seconds
        self.seed = seed
        self.sent = self.errors = self.refused = 0
        self.lock = threading.Lock()

    def next_slot(self):
        with self.lock:
            if self.sent >= self.total or time.monotonic() > self.deadline:
                return None
            self.sent += 1
            return self.sent

    def record(self, method, target, status):
        with self.lock:
            self.errors += 1
            print(f"server error: {status} {method} {target[:300]}", flush=True)

    def send(self, connection, method, target):
        """(status or error name, connection to reuse).

        A kept-alive connection the server has since closed is retried once on a new one:
        that is the client's race, not a server error. A new connection that fails is.
        """
        body = b"q=india&verb=Identify" if method == "POST" else None
        headers = {"Content-Type": "application/x-www-form-urlencoded"} if body else {}
        while True:
            fresh = connection is None
            if fresh:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=TIMEOUT)
            try:
                connection.request(method, target, body=body, headers=headers)
                response = connection.getresponse()
                response.read()
            except (OSError, http.client.HTTPException) as error:
                connection.close()
                connection = None
                too_long = len(method) + len(target) + 10 > REQUEST_LINE_LIMIT
                if fresh and too_long and isinstance(error, ConnectionError):
                    return REFUSED, None
                if fresh:
                    return type(error).__name__, None
                continue
            if response.will_close:
                connection.close()
                connection = None
            return response.status, connection

    def worker(self, number):
        rng = random.Random(self.seed * 1000 + number)
        connection = None
        while self.next_slot() is not None:
            method, target = random_request(rng, self.paths)
            status, connection = self.send(connection, method, target)
            if status == REFUSED:
                with self.lock:
                    self.refused += 1
            elif not isinstance(status, int) or status >= 500:
                self.record(method, target, status)

    def run(self, threads):
        workers = [
            threading.Thread(target=self.worker, args=(n,), daemon=True) for n in range(threads)
        ]
        for thread in workers:
            thread.start()
        try:
            while any(thread.is_alive() for thread in workers):
                time.sleep(5)
                print(f"... {self.sent} requests, {self.errors} server errors", flush=True)
        except KeyboardInterrupt:
            self.total = 0  # the workers stop at their next request
            raise
        for thread in workers:
            thread.join()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--requests", type=int, default=int(os.environ.get("FUZZ_REQUESTS", 100_000))
    )
    parser.add_argument("--seconds", type=int, default=int(os.environ.get("FUZZ_SECONDS", 3600)))
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--seed", type=int, default=int(os.environ.get("FUZZ_SEED", 1)))
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="archive-fuzz-") as workdir:
        env = environment(workdir)
        paths = prepare(env, options.articles)
        port = free_port()
        with open(Path(workdir) / "gunicorn.log", "w") as log:
            server = start_server(env, port, log)
            try:
                fuzzer = Fuzzer(port, paths, options.requests, options.seconds, options.seed)
                fuzzer.run(options.threads)
            finally:
                server.terminate()
                server.wait(timeout=30)
        if fuzzer.refused:
            print(
                f"{fuzzer.refused} requests longer than gunicorn's {REQUEST_LINE_LIMIT}-byte "
                "request line were refused and the connection reset before the 414 was read"
            )
        if fuzzer.errors:
            print(Path(workdir, "gunicorn.log").read_text()[-5000:])
    print(f"{fuzzer.sent} requests, {fuzzer.errors} server errors")
    return 1 if fuzzer.errors else 0


if __name__ == "__main__":
    sys.exit(main())
