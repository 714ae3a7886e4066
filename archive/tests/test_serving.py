"""`make serve`'s gunicorn: it refuses to start half-configured; one JSON line a request."""

import json
import os
import subprocess
import sys
import time

import pytest

from bench.servers import ROOT, Gunicorn, fetch


def check_config(**env):
    """gunicorn's own check of gunicorn.conf.py, with exactly this environment."""
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "ALLOWED_HOSTS"}}
    return subprocess.run(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "--check-config"],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "bench.settings", **env},
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.parametrize(
    ("env", "missing"),
    [
        ({}, "SECRET_KEY and ALLOWED_HOSTS"),
        ({"SECRET_KEY": "k" * 50}, "ALLOWED_HOSTS"),
        ({"ALLOWED_HOSTS": "archive.example.org"}, "SECRET_KEY"),
    ],
)
def test_the_server_refuses_to_start_without_its_secret_or_hosts(env, missing):
    result = check_config(**env)
    assert result.returncode != 0
    assert f"Refusing to start: set {missing}" in result.stderr


def test_the_server_starts_when_both_are_set():
    result = check_config(SECRET_KEY="k" * 50, ALLOWED_HOSTS="archive.example.org")
    assert result.returncode == 0, result.stderr


def test_each_request_is_one_json_line_with_its_status_and_duration(tmp_path):
    with Gunicorn(f"sqlite:///{tmp_path / 'empty.sqlite3'}") as server:
        fetch(server.url("/healthz?probe=1"))
        fetch(server.url("/no-such-page/"), headers={"Host": "elsewhere.example"})
        deadline = time.monotonic() + 10  # the line is written after the response is sent
        while "/no-such-page/" not in server.output() and time.monotonic() < deadline:
            time.sleep(0.1)
        output = server.output()
    lines = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    probe = next(line for line in lines if line["path"] == "/healthz" and line["query"])
    assert probe["status"] == 200 and probe["method"] == "GET" and probe["duration_ms"] >= 0
    refused = next(line for line in lines if line["path"] == "/no-such-page/")
    assert refused["status"] == 400 and refused["host"] == "elsewhere.example"
