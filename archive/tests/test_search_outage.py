"""A lost or damaged search index: rebuilt from the database by the next search; while it
cannot be, readers are told to come back and an article is still read, never a 500."""

import json
import shutil

import pytest
from django.db import transaction
from django.test import Client

from archive.search import engine, index
from archive.search import reader as search_reader
from archive.search.index import current_generation, index_home
from archive.search.reader import IndexUnavailable, Reader
from archive.tests.factories import ArticleFactory, TopicFactory
from config import health

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader():
    return Client(raise_request_exception=False)


@pytest.fixture
def tagged_pair():
    topic = TopicFactory(name="Port security")
    first = ArticleFactory(title="Ports of the Indian Ocean", topics=[topic])
    second = ArticleFactory(title="Harbours of the Bay of Bengal", topics=[topic])
    return first, second


def damage_the_index(new_process):
    generation = current_generation(index_home())
    (generation / "meta.json").write_text("{damaged")
    if new_process:
        Reader.forget()
    return generation


@pytest.fixture
def no_rebuild(tagged_pair, monkeypatch):
    """The index built, then a disk that takes nothing more: once damaged, it can be
    neither opened nor built again."""
    engine.search("ocean")

    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(search_reader, "rebuild", full_disk)
    monkeypatch.setattr(search_reader.Reader, "_failed", {})


@pytest.mark.parametrize("new_process", [False, True], ids=["open worker", "new worker"])
def test_a_damaged_index_is_built_again_by_the_next_search(tagged_pair, reader, new_process):
    assert engine.search("Indian Ocean").total == 1
    damaged = damage_the_index(new_process)
    response = reader.get("/search/", {"q": "Indian Ocean"})
    assert response.status_code == 200
    assert "Ports of the Indian Ocean" in response.content.decode()
    assert current_generation(index_home()) != damaged
    assert engine.search("Bengal").total == 1


@pytest.mark.parametrize("new_process", [False, True], ids=["open worker", "new worker"])
def test_a_withdrawal_saved_while_the_index_is_damaged_is_saved_and_never_shown(
    tagged_pair, new_process, django_capture_on_commit_callbacks
):
    first, second = tagged_pair
    assert engine.search("Indian Ocean").total == 1
    damage_the_index(new_process)
    first.status = "withdrawn"
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        first.save()
    first.refresh_from_db()
    assert first.status == "withdrawn"
    assert engine.search("Indian Ocean").total == 0
    assert engine.search("Bengal").ids == [second.pk]


def test_an_index_that_cannot_be_built_answers_503_with_retry_after(reader, no_rebuild):
    damage_the_index(new_process=True)
    for path in ("/search/?q=ocean", "/", "/topics/port-security/"):
        response = reader.get(path)
        assert response.status_code == 503, path
        assert response["Retry-After"] == "5"
        assert response["Cache-Control"] == "no-store"
        text = response.content.decode()
        assert "search index is not answering" in text
        assert "Traceback" not in text and "IndexUnavailable" not in text
    assert reader.get("/feed/").status_code == 200  # read from the database alone
    api = reader.get("/api/search/", {"q": "ocean"})
    assert api.status_code == 503
    assert "search index" in json.loads(api.content)["error"]


def test_an_article_is_still_read_without_its_related_list_and_not_cached(
    tagged_pair, reader, no_rebuild, settings
):
    settings.PAGE_CACHE_SECONDS = 300
    first, second = tagged_pair
    assert second.title in reader.get(first.get_absolute_url()).content.decode()
    Reader.forget()  # the cached page above was drawn with the index
    damage_the_index(new_process=True)
    first.save()  # a new content version: the page is drawn again
    response = reader.get(first.get_absolute_url())
    assert response.status_code == 200
    text = response.content.decode()
    assert first.title in text
    assert "Related analysis" not in text and second.title not in text
    assert "no-store" in response["Cache-Control"]


def probe(client):
    response = client.get("/readyz")
    return response.status_code, json.loads(response.content)["checks"]["search"]


def repair_finished():
    health._repair["thread"].join(timeout=60)


@pytest.fixture
def fresh_repairs(monkeypatch):
    monkeypatch.setattr(health, "_repair", {"thread": None})
    monkeypatch.setattr(search_reader.Reader, "_failed", {})


@pytest.mark.django_db(transaction=True)
def test_readiness_rebuilds_a_damaged_index_and_is_ready_again(tagged_pair, client, fresh_repairs):
    engine.search("ocean")
    assert probe(client) == (200, "ok")
    damaged = damage_the_index(new_process=False)
    assert probe(client) == (503, "rebuilding")
    repair_finished()
    assert probe(client) == (200, "ok")
    assert current_generation(index_home()) != damaged


@pytest.mark.django_db(transaction=True)
def test_readiness_names_an_index_that_cannot_be_built(client, no_rebuild, fresh_repairs):
    damage_the_index(new_process=False)
    assert probe(client) == (503, "rebuilding")
    repair_finished()
    assert probe(client) == (503, "unavailable")  # and it tries again
    repair_finished()


def test_a_search_repairing_an_index_that_a_save_retired_meanwhile_builds_it(tagged_pair):
    """The search found the index damaged; a save then retired it before the search
    could take the writer lock."""
    assert engine.search("Indian Ocean").total == 1
    damaged = damage_the_index(new_process=False)
    index.write(damaged, removed=[tagged_pair[0].pk])  # the save: it cannot open it either
    assert current_generation(index_home()) is None
    index.rebuild(replacing=damaged)
    assert current_generation(index_home()) not in (None, damaged)
    assert engine.search("Indian Ocean").total == 1


def test_a_deleted_index_directory_is_built_again_and_a_save_goes_through(
    tagged_pair, reader, django_capture_on_commit_callbacks
):
    first, _ = tagged_pair
    assert engine.search("Indian Ocean").total == 1
    shutil.rmtree(current_generation(index_home()))
    first.title = "Ports of the Indian Ocean, revisited"
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        first.save()
    response = reader.get("/search/", {"q": "revisited"})
    assert response.status_code == 200
    assert "revisited" in response.content.decode()


def test_a_full_disk_at_a_withdrawal_retires_the_index_and_the_withdrawal_is_saved(
    tagged_pair, monkeypatch, django_capture_on_commit_callbacks
):
    first, second = tagged_pair
    assert engine.search("Indian Ocean").total == 1

    def full_disk(*args):
        raise ValueError("No space left on device")

    monkeypatch.setattr(index, "_write", full_disk)
    first.status = "withdrawn"
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        first.save()
    assert current_generation(index_home()) is None
    monkeypatch.undo()
    assert engine.search("Indian Ocean").total == 0
    assert engine.search("Bengal").ids == [second.pk]


def test_a_failed_build_leaves_nothing_and_is_not_tried_again_at_once(tagged_pair, monkeypatch):
    engine.search("ocean")
    home = index_home()
    shutil.rmtree(current_generation(home))
    tries = []

    def failing_documents(*args, **kwargs):
        tries.append(1)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(index, "documents", failing_documents)
    monkeypatch.setattr(search_reader.Reader, "_failed", {})
    for _ in range(3):
        with pytest.raises(IndexUnavailable):
            engine.search("ocean")
    assert len(tries) == 1  # the next requests answer at once, for REBUILD_BACKOFF seconds
    assert [path.name for path in home.glob("gen-*")] == []


@pytest.mark.django_db(transaction=True)
def test_readiness_is_not_ready_when_a_retired_index_cannot_be_built(
    client, no_rebuild, fresh_repairs
):
    index._retire(current_generation(index_home()))  # as a save that could not write does
    assert probe(client) == (200, "built on first search")
    with pytest.raises(IndexUnavailable):
        engine.search("ocean")
    assert probe(client) == (503, "unavailable")
    repair_finished()
