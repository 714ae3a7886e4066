"""The search engine's index: what it holds, where it lives, and how it is kept current.

The database stays the source of truth. A tantivy index per database holds one
document per article readers may find now or later: every article with published
status, scheduled ones included with their time, so a query filters by time and a
scheduled article appears by itself. Drafts, articles in review, withdrawn and
retracted ones are never in it.

Writes are serialised across processes by an advisory lock (tantivy allows one
writer per index); a change costs only the documents of the articles it touches.
Readers check the index's `meta.json` on each search and reload when a commit
changed it, so a removal is visible to every process as soon as it is committed.
A full rebuild writes a new generation beside the current one and switches a
symlink, so readers never see a half-built index.
"""

import contextlib
import fcntl
import functools
import hashlib
import html
import json
import logging
import os
import re
import shutil
import time
from pathlib import Path

import tantivy
from django.conf import settings
from django.db import connections
from django.utils import timezone

from authors.models import OPEN_END, OPEN_START, years_cover

SCHEMA_VERSION = 1  # bump when the schema or analysis changes: a new directory, rebuilt
ANALYZER = "archive_en"
SPELLING_ANALYZER = "archive_words"
TEXT_FIELDS = ("title", "head", "body")
FACET_FIELDS = ("theme", "topic", "author", "institution", "type", "series", "region", "year")
WRITER_HEAP = 64_000_000  # bytes tantivy buffers before it writes a segment
BATCH = 2000  # articles read from the database at a time
CHECKPOINT = "changes-checkpoint.json"
_TAG = re.compile(r"<[^>]+>")
ANY = object()  # `rebuild` whatever generation is current
logger = logging.getLogger(__name__)


def text_analyzer():
    """Words folded to lower-case ASCII and stemmed, as the old engines did ("porter")."""
    return _analyzer(stem=True)


def spelling_analyzer():
    """Whole words, unstemmed: what a "did you mean" suggestion can show a reader.

    Titles, decks, summaries, names and topics feed it, not bodies: the words a
    reader looks for are there, and bodies would double the indexing work.
    """
    return _analyzer(stem=False)


def _analyzer(stem):
    builder = tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
    steps = [tantivy.Filter.remove_long(40), tantivy.Filter.lowercase()]
    steps.append(tantivy.Filter.ascii_fold())
    if stem:
        steps.append(tantivy.Filter.stemmer("english"))
    for step in steps:
        builder = builder.filter(step)
    return builder.build()


def build_schema():
    builder = tantivy.SchemaBuilder()
    builder.add_unsigned_field("id", indexed=True, fast=True)
    builder.add_integer_field("time", indexed=True, fast=True)
    for name in TEXT_FIELDS:
        builder.add_text_field(name, tokenizer_name=ANALYZER)
    builder.add_text_field("words", tokenizer_name=SPELLING_ANALYZER, index_option="basic")
    for name in FACET_FIELDS:
        builder.add_unsigned_field(name, indexed=True, fast=True)
    return builder.build()


def plain_text(body_html):
    """An article body's words without its markup (what is indexed and snippeted)."""
    return html.unescape(_TAG.sub(" ", body_html or ""))


# Where each database's index lives.
def index_home(using="default"):
    """This database's directory under SEARCH_INDEX_DIR (test databases get their own)."""
    db = connections[using].settings_dict
    return _home(settings.SEARCH_INDEX_DIR, db["ENGINE"], db.get("HOST"), db["NAME"])


@functools.lru_cache(maxsize=64)
def _home(directory, engine, host, name):
    key = hashlib.sha256(f"{engine}|{host}|{name}".encode()).hexdigest()
    return Path(directory) / f"v{SCHEMA_VERSION}-{key[:16]}"


def register_analyzers(index):
    index.register_tokenizer(ANALYZER, text_analyzer())
    index.register_tokenizer(SPELLING_ANALYZER, spelling_analyzer())
    return index


@contextlib.contextmanager
def exclusive(home):
    """The one writer of an index, across every process of every server on this disk."""
    home.mkdir(parents=True, exist_ok=True)
    with open(home / "writer.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def checkpoint(generation):
    """(id, time written) of the last change-log row this generation applied (changes.py):
    the time tells that row from another with its id, as after a restore."""
    try:
        mark = json.loads((generation / CHECKPOINT).read_text())
        return mark["applied"], mark["written"]
    except (OSError, ValueError, KeyError):
        return 0, None


def set_checkpoint(generation, applied, written):
    path = generation / CHECKPOINT
    staged = path.with_name(f"{CHECKPOINT}.{os.getpid()}.tmp")
    staged.write_text(json.dumps({"applied": applied, "written": written}))
    os.replace(staged, path)


def current_generation(home):
    try:
        return home / os.readlink(home / "current")  # a name beside it (`_switch`)
    except OSError:  # no index yet
        return None


# What a document holds, read from the database.
def documents(using="default", ids=None):
    """Field values of every published or scheduled article (or of these ones), in batches."""
    from ..models import Article

    articles = Article.objects.using(using).published_or_scheduled()
    if ids is not None:
        articles = articles.filter(pk__in=list(ids))
    pks = list(articles.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(pks), BATCH):
        yield from _batch(using, pks[start : start + BATCH])


def _batch(using, pks):
    from ..models import Article

    zone = timezone.get_current_timezone()
    related = _Related(using, pks)
    rows = Article.objects.using(using).filter(pk__in=pks).order_by("pk")
    rows = rows.values_list(
        "pk", "title", "deck", "summary", "body_html", "published_at", "article_type", "series"
    )
    for pk, title, deck, summary, body, published, kind, series in rows:
        year = timezone.localtime(published, zone).year
        tagged = [tag for tag in related.tags.get(pk, []) if tag in related.topics]
        topics = [related.topics[tag] for tag in tagged]
        head = [deck, summary, *related.people.get(pk, []), *(text for text, _ in topics)]
        authors = related.writers.get(pk, [])
        body = plain_text(body)
        yield {
            "id": pk,
            "time": int(published.timestamp()),
            "title": title,
            "head": " ".join(head),
            "body": body,
            "words": " ".join([title, *head]),
            "theme": sorted({theme for _, theme in topics if theme}),
            "topic": tagged,
            "author": authors,
            "institution": _institutions(authors, related.held, year),
            "type": [kind],
            "series": [series] if series else [],
            "region": related.regions.get(pk, []),
            "year": [year],
        }


class _Related:
    """What a batch of articles' documents need besides their own row: a query each."""

    def __init__(self, using, pks):
        from authors.models import Affiliation, Author

        from ..models import Article, Authorship, TaggedTopic, Topic

        bylines = Authorship.objects.using(using).filter(article__in=pks)
        bylines = list(bylines.order_by("position", "pk").values_list("article", "author", "role"))
        author_ids = {author for _, author, _ in bylines}
        names = {
            pk: f"{honorific} {name}" if honorific else name
            for pk, honorific, name in Author.objects.using(using)
            .filter(pk__in=author_ids)
            .values_list("pk", "honorific", "name")
        }
        self.people, self.writers = {}, {}
        for article, author, role in bylines:
            self.people.setdefault(article, []).append(names[author])
            if role == Authorship.Role.AUTHOR:
                self.writers.setdefault(article, []).append(author)
        self.held = _group(
            Affiliation.objects.using(using)
            .filter(author__in=author_ids)
            .values_list("author", "institution", "start_year", "end_year")
        )
        self.tags = _group(
            TaggedTopic.objects.using(using)
            .filter(content_object__in=pks)
            .values_list("content_object", "tag")
        )
        self.topics = {
            pk: (f"{name} {description}", theme)
            for pk, name, description, theme in Topic.objects.using(using)
            .filter(pk__in={t for values in self.tags.values() for t in values})
            .values_list("pk", "name", "description", "theme")
        }
        self.regions = _group(
            Article.regions.through.objects.using(using)
            .filter(article__in=pks)
            .values_list("article", "region")
        )


def _group(pairs):
    grouped = {}
    for key, *values in pairs:
        grouped.setdefault(key, []).append(values[0] if len(values) == 1 else values)
    return grouped


def _institutions(authors, held, year):
    """Where the authors were when the article came out (the rule of `held_in()`)."""
    return sorted(
        {
            institution
            for author in authors
            for institution, start, end in held.get(author, [])
            if years_cover(
                OPEN_START if start is None else start, OPEN_END if end is None else end, year
            )
        }
    )


# Writing.
def update(article_ids, using="default"):
    """Re-read these articles: each is replaced, added or dropped, in one commit.

    Does nothing while the database has no index yet: its first build reads
    everything, and waits for (or is waited for by) this writer.
    """
    article_ids = sorted({int(pk) for pk in article_ids if pk is not None})
    home = index_home(using)
    if not article_ids or current_generation(home) is None:
        return 0
    with exclusive(home):
        generation = current_generation(home)
        if generation is None:
            return 0
        return write(generation, removed=article_ids, added=documents(using, article_ids))


def remove(article_ids, using="default"):
    """Take these articles out of the index now, whatever transaction is under way.

    For what readers must stop seeing: removing early never shows anything hidden,
    and the re-read on commit puts back whatever the database still publishes.
    """
    article_ids = sorted({int(pk) for pk in article_ids if pk is not None})
    home = index_home(using)
    if not article_ids or current_generation(home) is None:
        return
    with exclusive(home):
        if (generation := current_generation(home)) is not None:
            write(generation, removed=article_ids)


def write(generation, removed=(), added=()):
    """Delete then add documents in one commit; the caller holds the writer lock. The
    number of documents added, or None when the generation was retired instead.

    A generation that cannot be opened or written (a lost or damaged file, a full disk) is
    retired: with no current index, every process's next search builds one from the
    database, so an editor's save neither fails nor leaves a withdrawn article in a
    reader's open index.
    """
    try:
        return _write(generation, removed, added)
    except (OSError, ValueError) as error:
        logger.error("Search index %s cannot be written, retired: %s", generation, error)
        _retire(generation)
        return None


def _write(generation, removed, added):
    index = register_analyzers(tantivy.Index.open(str(generation)))
    writer = index.writer(heap_size=WRITER_HEAP, num_threads=1)
    removed = [int(pk) for pk in removed]
    if removed:
        writer.delete_documents_by_query(tantivy.Query.term_set_query(index.schema, "id", removed))
    count = 0
    for values in added:
        writer.add_document(tantivy.Document.from_dict(values, index.schema))
        count += 1
    writer.commit()
    writer.wait_merging_threads()
    return count


def rebuild(using="default", progress=None, threads=None, replacing=ANY):
    """A new generation from `published()` and the scheduled articles, then switched to.

    The lock is held throughout, so an editor's change committed meanwhile waits and
    is applied to the new generation, not lost with the old one. With `replacing`, only
    while the current generation is still that one or none (retired meanwhile), so that
    the workers that found it missing or damaged build it once. A build that fails
    leaves nothing behind: on a full disk, each try would keep what it had written.
    """
    from ..models import SearchChange

    home = index_home(using)
    with exclusive(home):
        if replacing is not ANY and current_generation(home) not in (replacing, None):
            return None  # another worker built it meanwhile
        log = SearchChange.objects.using(using).order_by("-pk")
        applied = log.values_list("pk", "created_at").first()  # read first: later changes
        applied = (applied[0], applied[1].isoformat()) if applied else (0, None)  # come after
        generation = home / f"gen-{time.time_ns()}"
        try:
            count = _build(using, generation, progress, threads)
            set_checkpoint(generation, *applied)
        except BaseException:
            shutil.rmtree(generation, ignore_errors=True)
            raise
        _switch(home, generation)
    return count


def _build(using, generation, progress, threads):
    from ..models import Article

    generation.mkdir(parents=True)
    index = register_analyzers(tantivy.Index(build_schema(), path=str(generation)))
    writer = index.writer(
        heap_size=max(WRITER_HEAP, 128_000_000), num_threads=threads or min(os.cpu_count(), 4)
    )
    total = Article.objects.using(using).published_or_scheduled().count()
    count, values = 0, None
    for values in documents(using):
        writer.add_document(tantivy.Document.from_dict(values, index.schema))
        count += 1
        if progress and count % 500 == 0:
            progress(count, total)
    writer.commit()
    writer.wait_merging_threads()
    if values is not None:
        _merge_now(generation, values)
    if progress:
        progress(count, total)
    return count


MERGE_LEVEL = 8  # segments of a similar size that tantivy's default policy merges together


def _merge_now(generation, document):
    """Have tantivy merge a build's segments now, not at an editor's first save.

    tantivy-py has no call to merge. Its default policy merges a level of segments of a
    similar size once the level holds eight, and counts a new one-document segment in
    the level of those under about 17,000 documents. A build on two threads leaves seven
    such segments at 100,000 articles: the first save merged them under the writer lock,
    and every worker's next search waited 2 s. `document` (one the build added) is written
    again, a commit at a time, until a commit merges segments rather than adding one.
    """
    segments = _segments(generation)
    for _ in range(MERGE_LEVEL):
        if len(segments) <= 1:
            return
        write(generation, removed=[document["id"]], added=[document])
        now = _segments(generation)
        if len(segments - now) > 1:  # merged, not only the one segment the rewrite emptied
            return
        segments = now


def _segments(generation):
    """The ids of a generation's segments, from its meta.json."""
    meta = json.loads((generation / "meta.json").read_text())
    return {segment["segment_id"] for segment in meta["segments"]}


def _retire(generation):
    link = generation.parent / "current"
    if current_generation(generation.parent) == generation:
        link.unlink()


def _switch(home, generation):
    """Point `current` at the new generation atomically, then drop the old ones."""
    link = home / f"current-{generation.name}"
    link.symlink_to(generation.name)
    os.replace(link, home / "current")
    for old in home.glob("gen-*"):
        if old != generation:
            shutil.rmtree(old, ignore_errors=True)
