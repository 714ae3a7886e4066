"""Lighthouse over the reader's page types, on phone and desktop: `make lighthouse`.

Builds a throwaway SQLite archive from the sample content, serves it with production
settings (gunicorn, whitenoise's hashed and compressed static files), runs the
Lighthouse pinned in package.json with Debian's Chromium, and fails unless the
median of RUNS runs scores 100 in every category with no layout shift. The phone's CPU
slowdown is calibrated to the host as Lighthouse's docs advise (`cpu_slowdown`).
"""

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
PAGES = {
    "home": "/",
    "article": "/articles/india-us-relations-major-takeaways-from-latest-2-plus-2-meet/",
    "search": "/search/?q=india",
    "author": "/authors/vivek-mishra/",
    "topic": "/topics/comcasa/",
    "theme": "/themes/indo-pacific/",
}
FORM_FACTORS = ["mobile", "desktop"]
ATTEMPTS = 3
# Lighthouse's phone multiplies the host's CPU time by 4, which its docs say turns a
# high-end desktop (benchmarkIndex 1500-2000) into a mid-tier phone; on a slower host
# they say to lower it ("Calibrating the CPU slowdown", docs/throttling.md). A host below
# that bracket gets 4 x its index / 1500: the same phone, never a faster one.
DEFAULT_CPU_SLOWDOWN = 4
DESKTOP_BRACKET_LOW = 1500


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def site_environment(workdir):
    return {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "lighthouse-only-" + "x" * 50,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": f"sqlite:///{workdir / 'lighthouse.sqlite3'}",
        "REDIS_URL": "",
    }


def start_site(workdir, port):
    """Migrate, load the sample, collect static files and start gunicorn; returns the process."""
    env = site_environment(workdir)
    python = sys.executable
    for command in (
        ["migrate", "--noinput"],
        ["loaddata", "vocabulary", "sample"],
        ["collectstatic", "--noinput"],
    ):
        subprocess.run([python, "manage.py", *command, "-v0"], cwd=ROOT, env=env, check=True)
    gunicorn = Path(python).with_name("gunicorn")
    server = subprocess.Popen(
        [
            gunicorn,
            "config.wsgi:application",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            "2",
            "-c",
            "/dev/null",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2)
            return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("The site did not start.")


def cpu_slowdown(benchmark_index):
    """The phone's CPU multiplier for a host of this benchmarkIndex (see above)."""
    if not benchmark_index or benchmark_index >= DESKTOP_BRACKET_LOW:
        return DEFAULT_CPU_SLOWDOWN
    calibrated = DEFAULT_CPU_SLOWDOWN * benchmark_index / DESKTOP_BRACKET_LOW
    return round(max(1.0, calibrated), 2)


def run_lighthouse(url, form_factor, report, slowdown=DEFAULT_CPU_SLOWDOWN):
    command = [
        str(LIGHTHOUSE),
        url,
        "--quiet",
        "--output=json",
        f"--output-path={report}",
        f"--only-categories={','.join(CATEGORIES)}",
        "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
    ]
    if form_factor == "desktop":
        command.append("--preset=desktop")
    else:
        command.append(f"--throttling.cpuSlowdownMultiplier={slowdown}")
    env = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")}
    for _attempt in range(ATTEMPTS):
        # On a busy machine Chromium now and then loses the trace (NO_NAVSTART): try again.
        if subprocess.run(command, env=env, stdout=subprocess.DEVNULL).returncode == 0:
            break
    else:
        raise SystemExit(f"Lighthouse failed {ATTEMPTS} times on {url} ({form_factor}).")
    result = json.loads(report.read_text())
    scores = {name: round(result["categories"][name]["score"] * 100) for name in CATEGORIES}
    scores["cls"] = result["audits"]["cumulative-layout-shift"]["numericValue"]
    scores["benchmark"] = result["environment"].get("benchmarkIndex", 0)
    failing = [
        audit["id"]
        for audit in result["audits"].values()
        if audit.get("score") is not None
        and audit["score"] < 1
        and audit.get("scoreDisplayMode") in ("binary", "numeric")
    ]
    return scores, failing


def calibrate(url, reports, probes=3):
    """The phone's CPU multiplier for this host, from the median benchmarkIndex of a few
    desktop runs (which Lighthouse measures before each page load)."""
    indexes = [
        run_lighthouse(url, "desktop", reports / f"calibration-{n}.json")[0]["benchmark"]
        for n in range(probes)
    ]
    index = statistics.median(indexes)
    slowdown = cpu_slowdown(index)
    print(f"host benchmarkIndex {index:.0f} (runs: {indexes}): phone CPU slowdown {slowdown}x")
    return slowdown


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--pages", default=",".join(PAGES), help="comma-separated: " + ", ".join(PAGES)
    )
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--reports", default=str(ROOT / "lighthouse-reports"))
    args = parser.parse_args()
    if not LIGHTHOUSE.exists():
        raise SystemExit("Lighthouse is not installed: run `npm ci` (make lighthouse does).")
    reports = Path(args.reports)
    reports.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="lighthouse-"))
    port = free_port()
    server = start_site(workdir, port)
    ok = True
    try:
        slowdown = calibrate(f"http://127.0.0.1:{port}/", reports)
        print(f"{'page':<10}{'form':<9}" + "".join(f"{c:>16}" for c in CATEGORIES) + f"{'CLS':>8}")
        for page in args.pages.split(","):
            for form_factor in FORM_FACTORS:
                runs = [
                    run_lighthouse(
                        f"http://127.0.0.1:{port}{PAGES[page]}",
                        form_factor,
                        reports / f"{page}-{form_factor}-{n}.json",
                        slowdown,
                    )
                    for n in range(args.runs)
                ]
                medians = {
                    k: statistics.median(s[k] for s, _ in runs) for k in [*CATEGORIES, "cls"]
                }
                print(
                    f"{page:<10}{form_factor:<9}"
                    + "".join(f"{medians[c]:>16.0f}" for c in CATEGORIES)
                    + f"{medians['cls']:>8.3f}"
                )
                if any(medians[c] < 100 for c in CATEGORIES) or medians["cls"] > 0:
                    ok = False
                    failing = sorted({audit for _, audits in runs for audit in audits})
                    print(f"  below 100 or shifting; audits short of full marks: {failing}")
    finally:
        server.terminate()
        server.wait()
        shutil.rmtree(workdir, ignore_errors=True)
    print(f"Reports in {reports}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
