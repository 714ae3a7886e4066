"""A backup restores the archive exactly, and a bad file is refused with nothing changed."""

import gzip
import hashlib
import io
import tarfile

import pytest
import reversion
from django.contrib.auth.models import User
from django.core import serializers
from django.core.management import call_command
from django.core.management.base import CommandError
from reversion.models import Revision, Version

from archive.models import Article, Topic
from archive.tests.factories import ArticleFactory, TopicFactory
from authors.models import Affiliation, Author
from authors.tests.factories import AffiliationFactory, AuthorFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

COMPARED = [Article, Author, Affiliation, Topic, User, Revision, Version]


def fingerprint():
    """A hash of every row of every compared model, as Django serialises it."""
    return {
        model.__name__: hashlib.sha256(
            serializers.serialize("json", model.objects.order_by("pk")).encode()
        ).hexdigest()
        for model in COMPARED
    }


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    (settings.MEDIA_ROOT / "authors").mkdir(parents=True)
    (settings.MEDIA_ROOT / "authors" / "portrait.jpg").write_bytes(b"\xff\xd8 a portrait")
    return settings.MEDIA_ROOT


@pytest.fixture
def populated(media, django_user_model):
    editor = django_user_model.objects.create_user("editor", password="a-long-password-1")
    authors = [AuthorFactory(name="Asha Rao"), AuthorFactory()]
    AffiliationFactory(author=authors[0], start_year=2015, end_year=2020)
    topics = [TopicFactory(name="Maritime domain awareness"), TopicFactory()]
    articles = [
        ArticleFactory(title="Sea lanes and the Quad", authors=authors, topics=topics),
        ArticleFactory(title="A draft on ports", status="draft", published_at=None),
    ]
    with reversion.create_revision():
        reversion.set_user(editor)
        reversion.set_comment("First published")
        articles[0].save()
    return articles


def search(client, words):
    return client.get("/search/", {"q": words}).content.decode()


def test_a_backup_round_trip_restores_every_row_and_file(populated, media, tmp_path, client):
    before = fingerprint()
    path = tmp_path / "archive.tar.gz"
    call_command("backup", str(path))

    Article.objects.filter(title__startswith="Sea lanes").delete()
    Author.objects.update(name="Renamed")
    User.objects.create_user("intruder")
    (media / "authors" / "portrait.jpg").write_bytes(b"overwritten")
    (media / "stray.txt").write_text("added after the backup")
    assert fingerprint() != before
    assert "Sea lanes and the Quad" not in search(client, "sea lanes")

    call_command("restore", str(path), "--noinput")

    assert fingerprint() == before
    assert (media / "authors" / "portrait.jpg").read_bytes() == b"\xff\xd8 a portrait"
    assert not (media / "stray.txt").exists()
    revision = Revision.objects.get()
    assert (revision.user.username, revision.comment) == ("editor", "First published")
    assert "Sea lanes and the Quad" in search(client, "sea lanes")  # the index was rebuilt


def test_restore_drops_pages_cached_before_it(populated, tmp_path, client, settings):
    settings.PAGE_CACHE_SECONDS = 300
    path = tmp_path / "archive.tar.gz"
    call_command("backup", str(path))
    Article.objects.filter(title__startswith="Sea lanes").update(title="Retitled by mistake")
    call_command("rebuild_search_index")
    assert "Retitled by mistake" in client.get("/").content.decode()
    call_command("restore", str(path), "--noinput")
    home = client.get("/").content.decode()
    assert "Sea lanes and the Quad" in home
    assert "Retitled by mistake" not in home


def damaged(data, at=0.5):
    """The same archive with a few bytes flipped, as a bad disk would."""
    where = int(len(data) * at)
    return data[:where] + bytes(b ^ 0xFF for b in data[where : where + 16]) + data[where + 16 :]


def foreign_tar():
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        info = tarfile.TarInfo("notes.txt")
        info.size = 5
        archive.addfile(info, io.BytesIO(b"hello"))
    return buffer.getvalue()


def tampered(data):
    """A well-formed tar whose database no longer matches the manifest's checksum."""
    buffer = io.BytesIO()
    with (
        tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as source,
        tarfile.open(fileobj=buffer, mode="w:gz") as archive,
    ):
        for member in source.getmembers():
            content = source.extractfile(member).read()
            if member.name.startswith("database"):
                content = content[:-1] + bytes([content[-1] ^ 1])
            archive.addfile(member, io.BytesIO(content))
    return buffer.getvalue()


@pytest.mark.parametrize(
    "spoil",
    [
        pytest.param(damaged, id="damaged"),
        *(
            pytest.param(lambda data, at=at: damaged(data, at), id=f"damaged-at-{at}")
            for at in (0.1, 0.3, 0.7, 0.9)
        ),
        pytest.param(lambda data: data[: len(data) // 3], id="truncated"),
        pytest.param(tampered, id="tampered"),
        pytest.param(lambda data: foreign_tar(), id="foreign-tar"),
        pytest.param(lambda data: gzip.compress(b"SELECT 1;"), id="foreign-file"),
        pytest.param(lambda data: b"", id="empty"),
    ],
)
def test_a_bad_file_is_refused_and_nothing_changes(populated, media, tmp_path, spoil):
    good = tmp_path / "archive.tar.gz"
    call_command("backup", str(good))
    ArticleFactory(title="Written after the backup")
    before = fingerprint()
    bad = tmp_path / "bad.tar.gz"
    bad.write_bytes(spoil(good.read_bytes()))
    with pytest.raises(CommandError, match=r"refused\. Nothing was changed"):
        call_command("restore", str(bad), "--noinput")
    assert fingerprint() == before
    assert (media / "authors" / "portrait.jpg").exists()
