"""Faults on loopback, bounded in time: a backup round trip, PostgreSQL restarted under reader
traffic (with an editor saving during the outage), and a gunicorn worker killed with -9.

python -m bench.faults [--short]        (make faults; CI runs --short)

Everything runs against a throwaway PostgreSQL cluster started here (initdb + pg_ctl on a
spare port), never the server on 5432. Exits non-zero when a bound is missed: a 500 or a
traceback, a 503 without Retry-After, recovery later than 5 s after the database returns,
more than 0.5 % of requests lost to a killed worker, or a restore that changes any row.
"""

import argparse
import html
import http.client
import json
import os
import random
import re
import sys
import threading
import time
from collections import Counter
from pathlib import Path

from bench.servers import (
    ROOT,
    Gunicorn,
    ThrowawayPostgres,
    fetch,
    form_token,
    manage,
    post_form,
)

RECOVERY_BOUND = 5.0
KILL_LOSS_BOUND = 0.005
RESULTS = ROOT / "bench" / "results"
FINGERPRINT = (
    "import hashlib; from django.core import serializers; from django.apps import apps;"
    "print(hashlib.sha256(b''.join(serializers.serialize('json', apps.get_model(m).objects"
    ".order_by('pk')).encode() for m in ['archive.Article', 'authors.Author',"
    " 'authors.Affiliation', 'archive.Topic', 'auth.User', 'reversion.Revision',"
    " 'reversion.Version'])).hexdigest())"
)


def shell(url, code):
    """The last line a `manage.py shell -c` printed (the shell may announce its imports)."""
    return manage(url, "shell", "-c", code).stdout.strip().splitlines()[-1]


class Traffic:
    """Readers in threads, each request recorded: (start, end, status, retry-after, leak)."""

    def __init__(self, server, paths, threads=4):
        self.server, self.paths, self.threads = server, paths, threads
        self.records, self._stop = [], threading.Event()
        self._workers = [threading.Thread(target=self._read, daemon=True) for _ in range(threads)]

    def _read(self):
        chooser = random.Random()
        while not self._stop.is_set():
            started = time.monotonic()
            try:
                status, headers, body = fetch(self.server.url(chooser.choice(self.paths)))
                record = (status, headers.get("Retry-After"), b"Traceback" in body)
            except (OSError, http.client.HTTPException) as error:
                record = (f"error: {type(error).__name__}", None, False)
            self.records.append((started, time.monotonic(), *record))

    def __enter__(self):
        for worker in self._workers:
            worker.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        for worker in self._workers:
            worker.join(15)


def reader_paths(url):
    slugs = json.loads(
        shell(
            url,
            "from archive.models import Article; import json; print(json.dumps(list("
            "Article.objects.published().values_list('slug', flat=True)[:200])))",
        )
    )
    return [f"/articles/{slug}/" for slug in slugs] + ["/", "/search/?q=maritime", "/feed/"]


def backup_round_trip(url, workdir):
    before = shell(url, FINGERPRINT)
    path = Path(workdir, "archive.tar.gz")
    started = time.monotonic()
    manage(url, "backup", str(path))
    backup_seconds = time.monotonic() - started
    shell(url, "from archive.models import Article; print(Article.objects.all().delete())")
    started = time.monotonic()
    manage(url, "restore", str(path), "--noinput")
    after = shell(url, FINGERPRINT)
    return {
        "hash_before": before,
        "hash_after": after,
        "equal": before == after,
        "archive_bytes": path.stat().st_size,
        "backup_seconds": round(backup_seconds, 1),
        "restore_seconds": round(time.monotonic() - started, 1),
        "ok": before == after,
    }


def cookies(headers):
    return " ".join(headers.get_all("Set-Cookie") or [])


def login(server, username, password):
    """An editor's session through the admin's login form: (cookie header, csrf cookie)."""
    _, headers, page = fetch(server.url("/admin/login/"))
    csrf = re.search(r"csrftoken=([^;]+)", cookies(headers)).group(1)
    fields = {"username": username, "password": password, "csrfmiddlewaretoken": form_token(page)}
    status, headers, _ = post_form(server.url("/admin/login/"), fields, f"csrftoken={csrf}")
    session = re.search(r"sessionid=([^;]+)", cookies(headers))
    if status != 302 or not session:
        raise RuntimeError(f"the editor could not log in ({status})")
    return f"sessionid={session.group(1)}; csrftoken={csrf}", csrf


def save_during_outage(server, cookie, csrf, pk):
    text = "An afternoon's careful paragraph\nwritten while the database was away."
    fields = {"title": "Saved during the outage", "body": text, "csrfmiddlewaretoken": csrf}
    status, headers, body = post_form(
        server.url(f"/admin/archive/article/{pk}/change/"), fields, cookie
    )
    page = html.unescape(body.decode(errors="replace"))
    return {
        "status": status,
        "retry_after": headers.get("Retry-After"),
        "says_not_saved": "were not saved" in page,
        "text_kept": text in page.replace("\r\n", "\n"),
    }


def server_errors(output):
    """The server's own account of any 500: the lines it logged after each."""
    lines = output.splitlines()
    return [
        " | ".join(lines[i : i + 8])
        for i, line in enumerate(lines)
        if "Internal Server Error" in line
    ][:10]


def summarise(records, down_at, up_at):
    statuses = Counter(str(status) for _, _, status, _, _ in records)
    bad = [r for r in records if r[2] not in (200, 503)]
    tracebacks = sum(1 for r in records if r[4])
    no_retry = sum(1 for r in records if r[2] == 503 and not r[3])
    failures_after_up = [end for _, end, status, _, _ in records if status != 200 and end > up_at]
    last_failure = max(failures_after_up, default=up_at)
    first_success = min((end for _, end, status, _, _ in records if status == 200 and end > up_at),
                        default=None)  # fmt: skip
    return {
        "requests": len(records),
        "statuses": dict(statuses),
        "unavailable_503": statuses.get("503", 0),
        "errors_other_than_503": len(bad),
        "tracebacks": tracebacks,
        "503_without_retry_after": no_retry,
        "outage_seconds": round(up_at - down_at, 2),
        "recovery_seconds": round(last_failure - up_at, 2),
        "first_200_after_return_seconds": first_success and round(first_success - up_at, 2),
    }


def restart_under_traffic(pg, server, paths, url, outage_seconds, after_seconds):
    shell(
        url,
        "from django.contrib.auth.models import User;"
        "print(User.objects.filter(username='fault-editor').exists() or "
        "User.objects.create_superuser('fault-editor', '', 'fault-editor-password-1'))",
    )
    cookie, csrf = login(server, "fault-editor", "fault-editor-password-1")
    pk = int(shell(url, "from archive.models import Article; print(Article.objects.first().pk)"))
    with Traffic(server, paths) as traffic:
        time.sleep(3)
        down_at = time.monotonic()
        pg.stop("fast")
        time.sleep(outage_seconds / 2)
        editor = save_during_outage(server, cookie, csrf, pk)
        time.sleep(outage_seconds / 2)
        pg.start()
        up_at = time.monotonic()
        time.sleep(after_seconds)
    result = summarise(traffic.records, down_at, up_at)
    result["server_errors_logged"] = server_errors(server.output())
    written = shell(
        url,
        "from archive.models import Article;"
        "print(Article.objects.filter(title='Saved during the outage').count())",
    )
    editor["nothing_written"] = written == "0"
    result["editor_save_during_outage"] = editor
    result["ok"] = (
        result["errors_other_than_503"] == 0
        and result["tracebacks"] == 0
        and result["503_without_retry_after"] == 0
        and result["unavailable_503"] > 0
        and result["recovery_seconds"] < RECOVERY_BOUND
        and editor["status"] == 503
        and editor["says_not_saved"]
        and editor["text_kept"]
        and editor["nothing_written"]
    )
    return result


def kill_a_worker_under_traffic(server, paths, seconds):
    """Cached pages, so enough requests pass for one lost request to be a share below 0.5 %."""
    paths = paths[:20]
    for path in paths * 3:  # each worker renders each page once, then serves it from its cache
        fetch(server.url(path))
    with Traffic(server, paths, threads=6) as traffic:
        time.sleep(seconds / 3)
        victim = server.workers()[0]
        os.kill(victim, 9)
        time.sleep(seconds * 2 / 3)
    lost = [r for r in traffic.records if r[2] != 200]
    share = len(lost) / max(len(traffic.records), 1)
    return {
        "requests": len(traffic.records),
        "lost": len(lost),
        "lost_share": round(share, 5),
        "statuses": dict(Counter(str(r[2]) for r in traffic.records)),
        "workers_after": len(server.workers()),
        "ok": share < KILL_LOSS_BOUND and len(traffic.records) > 0,
    }


def run(short):
    results = {"short": short}
    with ThrowawayPostgres() as pg:
        url = pg.createdb("archive")
        manage(url, "migrate", "--noinput", "-v0")
        articles = "300" if short else "2000"
        manage(url, "generate_corpus", "--articles", articles, "--authors", "60", "--topics", "40",
               "--seed", "1", "--no-parallel")  # fmt: skip
        results["backup_round_trip"] = backup_round_trip(url, pg.dir)
        paths = reader_paths(url)
        with Gunicorn(url, workers=2, threads=2) as server:
            results["postgres_restart"] = restart_under_traffic(
                pg, server, paths, url, outage_seconds=3, after_seconds=8
            )
        with Gunicorn(url, workers=3) as server:
            results["worker_kill"] = kill_a_worker_under_traffic(server, paths, 9 if short else 30)
    results["ok"] = all(part["ok"] for part in results.values() if isinstance(part, dict))
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--short", action="store_true", help="the CI version, about a minute")
    args = parser.parse_args()
    results = run(args.short)
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"faults{'-short' if args.short else ''}.json"
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))
    print(f"faults: {'all bounds held' if results['ok'] else 'A BOUND WAS MISSED'} ({out})")
    sys.exit(0 if results["ok"] else 1)


if __name__ == "__main__":
    main()
