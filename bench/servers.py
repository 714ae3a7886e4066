"""What the fault, load and cross-worker tests start on loopback: gunicorn and a throwaway
PostgreSQL cluster. Each cleans up after itself and never touches the server on 5432."""

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOOPBACK_SECRET_KEY = "loopback-only-" + "k" * 40  # servers on 127.0.0.1 for tests, never deployed
PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url, method="GET", data=None, headers=None, timeout=10):
    """(status, headers, body) of one request; an HTTP error status is an answer, not a raise."""
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def form_token(page):
    """The CSRF token of the first form on an HTML page (bytes)."""
    return re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()


def post_form(url, fields, cookie, timeout=10):
    """POST a form as a browser does: urlencoded fields, with the session's cookies."""
    headers = {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"}
    data = urllib.parse.urlencode(fields).encode()
    return fetch(url, method="POST", data=data, headers=headers, timeout=timeout)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


urllib.request.install_opener(urllib.request.build_opener(NoRedirect))


class Gunicorn:
    """`make serve`'s gunicorn (gunicorn.conf.py) with bench.settings: plain HTTP, no manifest."""

    COMMAND = (sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py")

    def __init__(self, database_url, workers=1, threads=1, page_cache_seconds=300, **env):
        self.command = env.pop("command", self.COMMAND)
        self.port = free_port()
        handle, name = tempfile.mkstemp(prefix="gunicorn-", suffix=".log")
        os.close(handle)
        self.log = Path(name)
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "DATABASE_URL": database_url,
            "SECRET_KEY": LOOPBACK_SECRET_KEY,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "PORT": str(self.port),
            "WEB_CONCURRENCY": str(workers),
            "GUNICORN_THREADS": str(threads),
            "BENCH_PAGE_CACHE_SECONDS": str(page_cache_seconds),
            **{key: str(value) for key, value in env.items()},
        }
        self.process = None

    def url(self, path="/"):
        return f"http://127.0.0.1:{self.port}{path}"

    def start(self, timeout=180):
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                self.command,
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {self.log.read_text()[-3000:]}")
            with contextlib.suppress(OSError):
                if fetch(self.url("/healthz"), timeout=2)[0] == 200:
                    return self
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer in {timeout} s")

    def workers(self):
        result = subprocess.run(
            ["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True, check=False
        )
        return [int(pid) for pid in result.stdout.split()]

    def stop(self):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()

    def output(self):
        return self.log.read_text(errors="replace")

    def cpu_seconds(self):
        """CPU time used so far by every process of the server (master and workers)."""
        ticks = os.sysconf("SC_CLK_TCK")
        result = subprocess.run(
            ["pgrep", "-g", str(self.process.pid)], capture_output=True, text=True, check=False
        )
        total = 0
        for pid in result.stdout.split():
            with contextlib.suppress(OSError):
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                total += sum(int(value) for value in fields[11:15])  # utime stime cutime cstime
        return total / ticks

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
        self.log.unlink(missing_ok=True)


class ThrowawayPostgres:
    """initdb and pg_ctl on a spare port under a temporary directory.

    PostgreSQL refuses to run as root, so as root (CI) its commands run as `postgres`.
    """

    def __init__(self):
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="throwaway-pg-"))
        self.data = self.dir / "data"
        self.logfile = self.dir / "server.log"
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")

    def _run(self, *command, check=True):
        if os.geteuid() == 0:
            command = ("runuser", "-u", "postgres", "--", *command)
        return subprocess.run(command, capture_output=True, text=True, check=check)

    def url(self, database="postgres"):
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def init(self):
        self._run(
            str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust",
            "-E", "UTF8", "--no-sync",
        )  # fmt: skip
        return self

    def start(self):
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.dir} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        self._run(
            str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.logfile),
            "-o", options, "-w", "-t", "60", "start",
        )  # fmt: skip
        return self

    def stop(self, mode="fast"):
        self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")

    def createdb(self, name):
        self._run(str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), name)
        return self.url(name)

    def destroy(self):
        self._run(
            str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop", check=False
        )
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self):
        return self.init().start()

    def __exit__(self, *exc):
        self.destroy()


def manage(database_url, *args, settings="bench.settings", timeout=600):
    """Run a manage.py command against another database (a throwaway cluster, a file)."""
    env = {
        "SECRET_KEY": LOOPBACK_SECRET_KEY,
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": settings,
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=timeout,
    )
