"""Servers that share the database but not a disk: each index follows the change log."""

import json
import os
import subprocess
import sys
import time

import pytest
from django.conf import settings

from archive.models import Article, SearchChange
from archive.search import changes, engine
from archive.search.index import checkpoint, current_generation, index_home
from archive.tests.factories import ArticleFactory
from archive.tests.test_freshness_across_workers import database_url  # noqa: F401 - fixture
from authors.tests.factories import AuthorFactory
from bench.servers import LOOPBACK_SECRET_KEY

SERVER = """
import json, sys, time
from pathlib import Path
from archive.search import engine
from archive.models import Article
from archive.search.index import current_generation, index_home
done, report = Path(sys.argv[1]), Path(sys.argv[2])
engine.visible_ids()  # this server's index: built from the database if it has none
first = current_generation(index_home())
Path(str(report) + ".ready").touch()
searches = 0
while not done.exists():
    engine.search("frigates")  # each search applies what the log says first
    searches += 1
    time.sleep(0.02)
hits = engine.search("frigates", limit=1000)
report.write_text(json.dumps({
    "visible": sorted(engine.visible_ids()),
    "published": sorted(Article.objects.published().values_list("pk", flat=True)),
    "frigates": sorted(hits.ids),
    "rebuilt": current_generation(index_home()) != first,
    "searches": searches,
}))
"""

BURST = """
from archive.models import Article
from archive.tests.factories import ArticleFactory
from authors.models import Author
articles = list(Article.objects.order_by("pk"))
for n, article in enumerate(articles):
    if n % 4 == 0:
        article.status = "withdrawn"
    elif n % 4 == 1:
        article.title = f"Frigates, take {n}"
    elif n % 4 == 2:
        article.status = "draft"
        article.published_at = None
    article.save()
articles[3].delete()
for n in range(5):
    ArticleFactory(body="frigates", slug=f"burst-frigates-{n}")
author = Author.objects.get(name="Amara Osei")
author.name = "Amara Frigates-Osei"
author.save()
"""


def _process(url, code, *args, index_dir):
    env = {
        "SECRET_KEY": LOOPBACK_SECRET_KEY,
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "SEARCH_INDEX_DIR": "",
    }
    script = f"import django; django.setup()\n{code}"
    return subprocess.Popen(
        [sys.executable, "-c", script, *map(str, args)],
        cwd=settings.BASE_DIR,
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_for(path, process, seconds=120):
    deadline = time.monotonic() + seconds
    while not path.exists():
        assert process.poll() is None, process.stderr.read()
        assert time.monotonic() < deadline, f"{path} did not appear"
        time.sleep(0.05)


@pytest.mark.django_db(transaction=True)
def test_two_servers_with_their_own_index_converge_after_a_burst_of_saves(
    database_url,  # noqa: F811
    tmp_path,
):
    author = AuthorFactory(name="Amara Osei")
    ArticleFactory.create_batch(11, body="destroyers")
    ArticleFactory(body="patrol boats", authors=[author])
    url = database_url()
    done = tmp_path / "done"
    servers = [
        _process(url, SERVER, done, tmp_path / f"report-{name}", index_dir=tmp_path / name)
        for name in ("one", "two")
    ]
    try:
        for name, server in zip(("one", "two"), servers, strict=True):
            _wait_for(tmp_path / f"report-{name}.ready", server)
        editor = _process(url, BURST, index_dir=tmp_path / "editor")
        assert editor.wait(timeout=300) == 0, editor.stderr.read()
        done.touch()
        reports = []
        for name, server in zip(("one", "two"), servers, strict=True):
            assert server.wait(timeout=120) == 0, server.stderr.read()
            reports.append(json.loads((tmp_path / f"report-{name}").read_text()))
    finally:
        for server in servers:
            server.kill()

    for report in reports:
        assert report["visible"] == report["published"]
        assert len(report["frigates"]) == 3 + 5 + 1  # renamed, new, and the author's
        assert not report["rebuilt"]  # caught up from the log, not from scratch
        assert report["searches"] > 0


@pytest.mark.django_db
def test_a_new_index_starts_after_the_log_it_already_contains():
    ArticleFactory.create_batch(3)
    engine.visible_ids()

    generation = current_generation(index_home())
    latest = SearchChange.objects.latest("pk")
    assert checkpoint(generation) == (latest.pk, latest.created_at.isoformat())


@pytest.mark.django_db
def test_pruning_keeps_recent_rows_and_the_newest_old_one(time_machine):
    time_machine.move_to("2026-01-01T00:00:00Z")
    old = ArticleFactory.create_batch(3)
    time_machine.move_to("2026-03-01T00:00:00Z")
    recent = ArticleFactory()
    newest_old = SearchChange.objects.filter(article_id=old[-1].pk).latest("pk")

    changes.prune(keep_seconds=7 * 24 * 3600)

    kept = set(SearchChange.objects.values_list("article_id", flat=True))
    assert kept == {old[-1].pk, recent.pk}
    assert SearchChange.objects.order_by("pk").first() == newest_old


@pytest.mark.django_db(transaction=True)
def test_an_index_that_missed_pruned_changes_rebuilds_itself():
    stale, kept = ArticleFactory.create_batch(2, body="corvettes")
    engine.visible_ids()
    home = index_home()
    generation = current_generation(home)
    behind, _ = checkpoint(generation)
    Article.objects.filter(pk=stale.pk).update(status="withdrawn")  # unlogged, as if pruned
    for _ in range(3):
        SearchChange.objects.create(article_id=stale.pk)
    SearchChange.objects.filter(pk__lte=behind + 1).delete()  # pruned past this index

    engine.search("corvettes")

    assert current_generation(home) != generation
    assert engine.visible_ids() == {kept.pk}


@pytest.mark.django_db(transaction=True)
def test_an_index_whose_log_was_replaced_rebuilds_itself(time_machine):
    """A restore brings back another history, whose row ids may equal this index's."""
    time_machine.move_to("2026-05-01T00:00:00Z")
    stale, kept = ArticleFactory.create_batch(2, body="minehunters")
    engine.visible_ids()
    generation = current_generation(index_home())
    applied, _ = checkpoint(generation)
    SearchChange.objects.all().delete()
    time_machine.move_to("2026-05-02T00:00:00Z")
    SearchChange.objects.create(pk=applied, article_id=kept.pk)  # same id, other row
    Article.objects.filter(pk=stale.pk).update(status="retracted")  # the restored state

    assert engine.search("minehunters").ids == [kept.pk]
    assert current_generation(index_home()) != generation


@pytest.mark.django_db(transaction=True)
def test_a_restore_makes_every_index_start_over():
    stale, kept = ArticleFactory.create_batch(2, body="tenders")
    engine.visible_ids()
    generation = current_generation(index_home())
    Article.objects.filter(pk=stale.pk).update(status="withdrawn")  # behind the log's back

    changes.rebuild_everywhere()

    assert engine.visible_ids() == {kept.pk}
    assert current_generation(index_home()) != generation
