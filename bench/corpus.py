"""A synthetic archive of any size that reads, searches and facets like a think tank's.

Used by `manage.py generate_corpus` for benchmarks. Everything is drawn from one
`random.Random(seed)`, so a seed (and a `today`) gives the same archive every time.
Frequencies are Zipf-like: a few words, topics, authors and regions are everywhere,
most are rare. Articles are written with `bulk_create` (no signals, no `save()`), so
body HTML and reading time are computed here and the search index is built once.

Speed: rendering 100k Markdown bodies would take ~10 minutes, so bodies are built
from a pool of paragraphs rendered once (in batches) plus one fresh lead paragraph
per article. `render_markdown(body) == body_html` still holds (the tests check it).
"""

import bisect
import datetime as dt
import itertools
import json
import math
import multiprocessing
import re
import sys
import time
import uuid
from queue import Empty
from random import Random

from django.conf import settings
from django.core.management.color import no_style
from django.db import connections, transaction
from django.utils.text import slugify

from archive.markup import WORDS_PER_MINUTE, count_words, render_markdown
from archive.models import (
    Article,
    ArticleType,
    Authorship,
    ContentVersion,
    Region,
    Series,
    TaggedTopic,
    Theme,
    Topic,
)
from archive.search import index_articles, rebuild_index
from authors.models import Affiliation, Author, Institution

from . import vocabulary as V

FIXTURE = settings.BASE_DIR / "fixtures" / "sample.json"
VOCABULARY_SEED = 20260101  # invented names are vocabulary: the same whatever the seed
RARE_NAMES = 4000
SPLIT_MARKER = "BENCHSPLITMARKER"
_PLAIN_PARAGRAPH = re.compile(r"[A-Z][A-Za-z0-9 ,.+\-]*")

TYPE_WEIGHTS = {
    "commentary": (30, 300, 900),
    "analysis": (25, 900, 2000),
    "viewpoint": (15, 500, 1200),
    "issue-brief": (15, 700, 1500),
    "explainer": (8, 600, 1400),
    "report": (7, 1600, 2500),
}
DEFAULT_TYPE = (10, 300, 2500)
STATUS_SHARES = [  # (status, scheduled?, share)
    (Article.Status.DRAFT, False, 0.05),
    (Article.Status.REVIEW, False, 0.025),
    (Article.Status.PUBLISHED, True, 0.015),
    (Article.Status.WITHDRAWN, False, 0.01),
    (Article.Status.RETRACTED, False, 0.01),
]
LANGUAGES = [("en", 0.97), ("hi", 0.01), ("fr", 0.01), ("de", 0.005), ("ja", 0.005)]
REGION_PREFERENCE = ["india", "united-states", "china", "indo-pacific", "japan", "australia"]
TABLES = [
    TaggedTopic,
    Authorship,
    Article.regions.through,
    Article,
    Topic,
    Theme,
    Series,
    Region,
    ArticleType,
    Affiliation,
    Author,
    Institution,
]


class Zipf:
    """Items drawn with weight 1/(rank + offset)^s: the head is common, the tail rare."""

    def __init__(self, items, s=1.0, offset=0, weights=None):
        self.items = list(items)
        if weights is None:
            weights = [1 / (rank + offset) ** s for rank in range(1, len(self.items) + 1)]
        self.cum = list(itertools.accumulate(weights))
        self.total = self.cum[-1]

    def one(self, rng):
        index = bisect.bisect_right(self.cum, rng.random() * self.total)
        return self.items[min(index, len(self.items) - 1)]

    def many(self, rng, k):
        return rng.choices(self.items, cum_weights=self.cum, k=k)

    def distinct(self, rng, k):
        k = min(k, len(self.items))
        chosen = []
        while len(chosen) < k:
            item = self.one(rng)
            if item not in chosen:
                chosen.append(item)
        return chosen


def weighted(rng, pairs):
    """One value from (value, weight) pairs."""
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights)[0]


def capitalise(text):
    return text[:1].upper() + text[1:]


def invented_names(count):
    """Proper nouns nobody else uses (minor places, ships, projects): the rare words."""
    rng = Random(VOCABULARY_SEED)
    names, seen = [], set()
    while len(names) < count:
        stem = "".join(rng.choice(V.SYLLABLES) for _ in range(rng.choice((2, 2, 3))))
        name = capitalise(stem + (rng.choice(V.NAME_ENDINGS) if rng.random() < 0.4 else ""))
        if name.lower() not in seen and len(name) > 4:
            seen.add(name.lower())
            names.append(name)
    return names


class ThemeText:
    """Prose about one theme: its terms, places and acronyms mixed into general policy words."""

    def __init__(self, slug, others):
        vocab = V.THEMES.get(slug, V.FALLBACK_THEME)
        self.terms = vocab["terms"] or V.GENERAL[60:120]
        self.phrases = vocab["phrases"] or self.terms[:5]
        self.places = [p.replace("-", " ") for p in vocab["places"]] or ["the region"]
        self.acronyms = vocab["acronyms"] or [("UN", "United Nations")]
        buckets = [
            (V.GENERAL, 0.55, 1.0),
            (self.terms, 0.2, 0.9),
            (self.phrases, 0.05, 0.8),
            (self.places, 0.08, 1.0),
            ([a for a, _ in self.acronyms], 0.05, 1.0),
            (V.VERBS, 0.04, 0.7),
            (others or V.GENERAL[120:], 0.03, 0.6),
        ]
        items, weights = [], []
        for words, share, s in buckets:
            raw = [1 / rank**s for rank in range(1, len(words) + 1)]
            items += words
            weights += [share * w / sum(raw) for w in raw]
        self.words = Zipf(items, weights=weights)
        self.term_z, self.place_z = Zipf(self.terms), Zipf(self.places)
        self.phrase_z, self.acronym_z = Zipf(self.phrases), Zipf(self.acronyms)

    def sentence(self, rng, low=12, high=26):
        tokens = self.words.many(rng, rng.randint(low, high))
        if len(tokens) > 14:
            comma = rng.randrange(5, len(tokens) - 4)
            tokens[comma] += ","
        return capitalise(" ".join(tokens)) + "."

    def paragraph(self, rng, sentences=(3, 6)):
        return " ".join(self.sentence(rng) for _ in range(rng.randint(*sentences)))

    def fill(self, rng, pattern, rare=None):
        place = self.place_z.one(rng)
        acronym = self.acronym_z.one(rng)[0]
        term, term2 = self.term_z.one(rng), self.term_z.one(rng)
        phrase = self.phrase_z.one(rng)
        values = {
            "place": rare or place,
            "place2": self.place_z.one(rng),
            "term": term,
            "term2": term2,
            "phrase": phrase,
            "acronym": acronym,
            "what": rng.choice(V.TITLE_WHATS),
        }
        values |= {key.capitalize(): capitalise(value) for key, value in values.items()}
        return capitalise(pattern.format(**values))

    def pool_block(self, rng):
        """One Markdown block for the shared paragraph pool, sometimes with inline markup."""
        roll = rng.random()
        if roll < 0.05:
            intro = self.sentence(rng)[:-1] + ":"
            items = "\n".join(f"- {self.sentence(rng, 6, 14)}" for _ in range(rng.randint(3, 5)))
            return f"{intro}\n\n{items}"
        if roll < 0.08:
            return f"{self.sentence(rng)}\n\n> {self.sentence(rng)} {self.sentence(rng)}"
        text = self.paragraph(rng)
        if roll < 0.16:
            words = text.split(" ")
            i = rng.randrange(1, len(words) - 1)
            words[i] = f"**{words[i].rstrip(',.')}**" + words[i][len(words[i].rstrip(",.")) :]
            text = " ".join(words)
        elif roll < 0.22:
            acronym, expansion = self.acronym_z.one(rng)
            text += f" The *{expansion}* ({acronym}) is central to this."
        elif roll < 0.26:
            acronym, _ = self.acronym_z.one(rng)
            link = f"https://example.org/glossary/{slugify(acronym)}"
            text += f" See the [{acronym} explainer]({link})."
        return text


def render_blocks(blocks):
    """Render many Markdown blocks at the cost of a few calls, one HTML string per block."""
    rendered = []
    for start in range(0, len(blocks), 200):
        chunk = blocks[start : start + 200]
        html = render_markdown(f"\n\n{SPLIT_MARKER}\n\n".join(chunk))
        parts = html.split(f"\n<p>{SPLIT_MARKER}</p>\n")
        if len(parts) != len(chunk):
            parts = [render_markdown(block) for block in chunk]
        rendered += parts
    return rendered


def render_lead(text):
    """HTML for a generated plain paragraph, without Markdown when none is needed."""
    if _PLAIN_PARAGRAPH.fullmatch(text) and ".." not in text and "--" not in text:
        return f"<p>{text}</p>"
    return render_markdown(text)


class Progress:
    """A one-line progress bar on a terminal (or nothing), so long runs show they are alive."""

    def __init__(self, stream, label, total, enabled=True):
        self.stream, self.label, self.total = stream, label, max(total, 1)
        self.enabled, self.done, self.started, self.shown = enabled, 0, time.perf_counter(), 0.0

    def update(self, n):
        self.done += n
        now = time.perf_counter()
        if self.enabled and (now - self.shown > 0.25 or self.done >= self.total):
            self.shown = now
            share = self.done / self.total
            bar = "#" * int(share * 30)
            self.stream.write(
                f"\r{self.label:<10} {share:4.0%} |{bar:<30}| {self.done}/{self.total}"
                f" {now - self.started:5.1f} s"
            )
            self.stream.flush()

    def close(self):
        if self.enabled:
            self.stream.write("\n")
            self.stream.flush()


def clear(using):
    """Empty every table the generator fills (TRUNCATE on PostgreSQL, DELETE on SQLite)."""
    connection = connections[using]
    tables = [model._meta.db_table for model in TABLES]
    statements = connection.ops.sql_flush(
        no_style(), tables, reset_sequences=True, allow_cascade=True
    )
    deferred = connection.vendor == "postgresql" and connection.in_atomic_block
    if deferred:  # TRUNCATE refuses while deferred foreign key checks are pending
        statements = ["SET CONSTRAINTS ALL IMMEDIATE", *statements, "SET CONSTRAINTS ALL DEFERRED"]
    connection.ops.execute_sql_flush(statements)


def has_content(using):
    return any(model.objects.using(using).exists() for model in (Article, Author, Topic))


def fixture_rows():
    """The sample vocabulary (themes, topics, types, regions, series, institutions)."""
    rows = {}
    for row in json.loads(FIXTURE.read_text()):
        rows.setdefault(row["model"], []).append({"pk": row["pk"], **row["fields"]})
    return rows


class CorpusGenerator:
    """One archive: vocabulary, authors, a paragraph pool, then the articles in batches."""

    def __init__(
        self,
        articles,
        authors,
        topics,
        seed=1,
        today=None,
        batch_size=2000,
        using="default",
        stream=None,
        progress=True,
        workers=False,
        index_workers=0,
    ):
        self.n_articles, self.n_authors, self.n_topics = articles, authors, topics
        self.rng = Random(seed)
        self.today = today or dt.datetime.now(dt.UTC).date()
        self.batch_size, self.using = batch_size, using
        self.stream = stream or sys.stderr
        self.progress = progress
        self.workers, self.index_workers = workers, index_workers if workers else 0
        self.timings = {}

    # The steps, in order.
    def run(self):
        self._timed("vocabulary", self.make_vocabulary)
        self._timed("authors", self.make_authors)
        self._timed("paragraphs", self.make_pool)
        self._timed("articles", self.make_articles)
        self._timed("analyze", self.analyze)
        ContentVersion.renew(self.using)  # bulk inserts send no signals
        return self.timings

    def _timed(self, name, step):
        started = time.perf_counter()
        step()
        self.timings[name] = time.perf_counter() - started

    def _create(self, objects):
        manager = type(objects[0]).objects.using(self.using)
        return manager.bulk_create(objects, batch_size=self.batch_size)

    def make_vocabulary(self):
        rows, rng = fixture_rows(), self.rng
        with transaction.atomic(using=self.using):
            self.types = self._create(
                [ArticleType(**_fields(r)) for r in rows.get("archive.articletype", [])]
                or [ArticleType(name="Analysis", plural_name="Analyses", slug="analysis")]
            )
            self.themes = self._create([Theme(**_fields(r)) for r in rows["archive.theme"]])
            theme_by_fixture_pk = {
                r["pk"]: t for r, t in zip(rows["archive.theme"], self.themes, strict=True)
            }
            self.regions = self._create(self._regions(rows.get("archive.region", [])))
            self.series = self._create(self._series(rows.get("archive.series", [])))
            self.institutions = self._create(
                self._institutions(rows.get("authors.institution", []))
            )
            self.topics = self._create(
                self._topics(rows.get("archive.topic", []), theme_by_fixture_pk)
            )

        texts = {}
        for theme in self.themes:
            others = [w for slug, v in V.THEMES.items() if slug != theme.slug for w in v["terms"]]
            texts[theme.pk] = ThemeText(theme.slug, others[::3])
        self.texts = texts
        self.theme_z = Zipf(self.themes, s=0.8)
        self.topics_by_theme = {
            theme.pk: Zipf([t for t in self.topics if t.theme_id == theme.pk] or self.topics)
            for theme in self.themes
        }
        self.topic_z = Zipf(self.topics, s=1.0, offset=2)
        ranked = sorted(
            self.regions,
            key=lambda r: (
                REGION_PREFERENCE.index(r.slug) if r.slug in REGION_PREFERENCE else 99,
                rng.random(),
            ),
        )
        self.region_z = Zipf(ranked, s=1.1)
        self.series_z = Zipf(self.series, s=0.9)
        self.series_by_theme = {
            theme.pk: [s for s in self.series if theme.name in s.name] for theme in self.themes
        }
        self.rare = Zipf(invented_names(RARE_NAMES), s=1.05)
        self.type_choices = [
            (t, TYPE_WEIGHTS.get(t.slug, DEFAULT_TYPE)) for t in sorted(self.types, key=_slug)
        ]

    def _regions(self, fixture):
        regions = [Region(**_fields(r)) for r in fixture]
        known = {r.slug for r in regions}
        for name, code in V.REGIONS:
            if slugify(name) not in known:
                kind = Region.Kind.COUNTRY if code else Region.Kind.REGION
                regions.append(Region(name=name, slug=slugify(name), kind=kind, iso_code=code))
        return regions

    def _series(self, fixture):
        series = [Series(**_fields(r)) for r in fixture]
        wanted = max(2, min(self.n_articles // 2500, 60))
        names = {s.name for s in series}
        patterns = itertools.cycle(V.SERIES_PATTERNS)
        for theme in itertools.cycle(self.themes):
            if len(series) >= wanted:
                break
            name = next(patterns).format(Theme=theme.name)
            if name in names:
                name = f"{name} {len(series) + 1}"
            names.add(name)
            description = f"Occasional pieces on {theme.name.lower()}."
            series.append(Series(name=name, slug=slugify(name), description=description))
        return series

    def _institutions(self, fixture):
        rng = self.rng
        institutions = [Institution(**_fields(r)) for r in fixture]
        names = {i.name for i in institutions}
        wanted = max(10, self.n_authors // 30)
        while len(institutions) < wanted:
            city, country = rng.choice(V.CITIES)
            field = rng.choice(V.FIELDS)
            name = rng.choice(V.INSTITUTION_PATTERNS).format(city=city, field=field)
            if name in names:
                continue
            names.add(name)
            short = "".join(w[0] for w in re.findall(r"[A-Z][a-z]+", name))[:10]
            institutions.append(
                Institution(
                    name=name,
                    short_name=short,
                    slug=slugify(name)[:190],
                    city=city,
                    country=country,
                    website=f"https://{slugify(name)[:40]}.example.org/",
                )
            )
        return institutions

    def _topics(self, fixture, theme_by_fixture_pk):
        """Topics under every theme: the sample's first, then names made from its vocabulary."""
        rng = self.rng
        weights = Zipf(self.themes, s=0.8)
        quota = {theme.pk: 1 for theme in self.themes}
        for theme in weights.many(rng, max(self.n_topics - len(self.themes), 0)):
            quota[theme.pk] += 1
        topics, seen = [], set()

        def add(name, theme, description=""):
            key = name.lower()
            slug = slugify(name.replace("+", " plus "))[:90]
            if key in seen or slug in seen or not slug or quota[theme.pk] <= 0:
                return
            seen.update((key, slug))
            quota[theme.pk] -= 1
            topics.append(Topic(name=name, slug=slug, theme=theme, description=description))

        for row in fixture:
            theme = theme_by_fixture_pk.get(row["theme"])
            if theme is not None:
                add(row["name"], theme, row["description"])
        for theme in self.themes:
            vocab = V.THEMES.get(theme.slug, V.FALLBACK_THEME)
            for acronym, expansion in vocab["acronyms"]:
                add(acronym, theme, expansion)
            for phrase in vocab["phrases"]:
                add(capitalise(phrase), theme)
            text = ThemeText(theme.slug, [])
            for _ in range(quota[theme.pk] * 50):
                if quota[theme.pk] <= 0:
                    break
                pattern = rng.choice(V.TOPIC_PATTERNS)
                add(text.fill(rng, pattern), theme)
            serial = itertools.count(2)
            while quota[theme.pk] > 0:
                add(f"{theme.name} topic {next(serial)}", theme)
        return topics

    def make_authors(self):
        rng = self.rng
        authors, seen_slugs, orcids = [], set(), set()
        for _ in range(self.n_authors):
            name = f"{rng.choice(V.GIVEN_NAMES)} {rng.choice(V.SURNAMES)}"
            slug = base = slugify(name)
            serial = itertools.count(2)
            while slug in seen_slugs:
                slug = f"{base}-{next(serial)}"
            seen_slugs.add(slug)
            orcid = ""
            if rng.random() < 0.4:
                orcid = _orcid(rng)
                if orcid in orcids:
                    orcid = ""
                orcids.add(orcid)
            authors.append(
                Author(name=name, slug=slug, honorific=weighted(rng, V.HONORIFICS), orcid=orcid)
            )

        affiliations = []
        institution_z = Zipf(self.institutions, s=0.9, offset=3)
        for author in authors:
            year = rng.randint(1988, 2022)
            spells = rng.choices((1, 2, 3), weights=(50, 35, 15))[0]
            places = institution_z.distinct(rng, spells)
            for i, institution in enumerate(places):
                year = min(year, 2025)
                last = i == len(places) - 1
                end = None if last and rng.random() < 0.8 else min(year + rng.randint(1, 9), 2026)
                start = None if i == 0 and rng.random() < 0.05 else year
                affiliations.append(
                    Affiliation(
                        author=author,
                        institution=institution,
                        role=rng.choice(V.ROLES),
                        department=rng.choice(V.DEPARTMENTS),
                        start_year=start,
                        end_year=end,
                    )
                )
                author.bio = (
                    f"{author.name} is a {affiliations[-1].role} at {institution.name}. "
                    f"Their work covers {rng.choice(self.topics).name} and related questions."
                )
                year = (end or year) + rng.randint(0, 2)
        with transaction.atomic(using=self.using):
            self.authors = self._create(authors)
            self._create(affiliations)
        self.author_z = Zipf(self.authors, s=1.0, offset=10)

    def make_pool(self):
        """Paragraphs and headings per theme, rendered once and reused across articles."""
        rng = self.rng
        per_theme = max(40, min(1200, self.n_articles // 20))
        self.pool = {}
        for theme in self.themes:
            text = self.texts[theme.pk]
            blocks = [text.pool_block(rng) for _ in range(per_theme)]
            headings = [
                "## " + text.fill(rng, pattern)
                for pattern in V.HEADINGS
                for _ in range(max(1, per_theme // 200))
            ]
            html = render_blocks(blocks + headings)
            words = [count_words(block) for block in blocks + headings]
            entries = list(zip(blocks + headings, html, words, strict=True))
            self.pool[theme.pk] = (entries[: len(blocks)], entries[len(blocks) :])

    def make_articles(self):
        """Write the articles in batches, one transaction each; index them as they commit.

        With `workers`, a forked process generates the batches (the same `rng` stream,
        so the same data) while this one writes them, and indexer processes run the
        engine's `index_articles` on each committed batch: the work spreads over the
        cores instead of one long `rebuild_index` at the end.
        """
        sizes = [
            min(self.batch_size, self.n_articles - start)
            for start in range(0, self.n_articles, self.batch_size)
        ]
        progress = Progress(self.stream, "articles", self.n_articles, self.progress)
        if not self.workers:
            serial = itertools.count(1)
            for size in sizes:
                self._write([self._article(next(serial)) for _ in range(size)])
                progress.update(size)
            progress.close()
            self._timed("index", self.build_index)
            return

        context = multiprocessing.get_context("fork")
        connections.close_all()
        batches, to_index = context.Queue(maxsize=3), context.Queue()
        producer = context.Process(target=self._produce, args=(batches, sizes), daemon=True)
        indexers = [
            context.Process(target=_index_worker, args=(to_index, self.using), daemon=True)
            for _ in range(self.index_workers)
        ]
        for process in [producer, *indexers]:
            process.start()
        try:
            for size in sizes:
                ids = self._write(_get(batches, producer))
                if indexers:
                    to_index.put(ids)
                progress.update(size)
            progress.close()
        finally:
            for _ in indexers:
                to_index.put(None)
        started = time.perf_counter()
        if indexers and self.progress:
            self.stream.write("index      waiting for the indexers to finish...\n")
        for process in [producer, *indexers]:
            process.join()
            if process.exitcode:
                raise RuntimeError(f"A corpus worker failed (exit code {process.exitcode}).")
        if not indexers:
            self.build_index()
        self.timings["index (after the last batch)"] = time.perf_counter() - started

    def _produce(self, batches, sizes):
        serial = itertools.count(1)
        for size in sizes:
            batches.put([self._article(next(serial)) for _ in range(size)])

    def _write(self, payloads):
        """Insert one batch of article payloads and their links; return the new ids."""
        with transaction.atomic(using=self.using):
            articles = self._create([Article(**fields) for fields, *_ in payloads])
            bylines, tags, places = [], [], []
            for article, (_, authors, topics, regions) in zip(articles, payloads, strict=True):
                pk = article.pk
                bylines += [
                    Authorship(article_id=pk, author_id=author, position=position, role=role)
                    for position, (author, role) in enumerate(authors, 1)
                ]
                tags += [TaggedTopic(content_object_id=pk, tag_id=topic) for topic in topics]
                places += [Article.regions.through(article_id=pk, region_id=r) for r in regions]
            self._create(bylines)
            self._create(tags)
            if places:
                self._create(places)
        return [article.pk for article in articles]

    def _article(self, serial):
        """One article's fields and its (author id, role), topic ids and region ids."""
        rng = self.rng
        theme = self.theme_z.one(rng)
        text = self.texts[theme.pk]
        article_type, (_, low, high) = rng.choices(
            self.type_choices, weights=[w[0] for _, w in self.type_choices]
        )[0]
        status, published_at = self._status_and_date(serial)
        rare = self.rare.one(rng) if rng.random() < 0.15 else None
        title = text.fill(rng, rng.choice(V.TITLE_PATTERNS), rare)
        lead = text.paragraph(rng, (3, 5))
        if rng.random() < 0.5:
            words = lead.split(" ")
            words[rng.randrange(1, len(words) - 1)] = self.rare.one(rng)
            lead = " ".join(words)
        body, body_html, words = self._body(theme, lead, int(rng.triangular(low, high, low)))
        series = None
        if rng.random() < 0.12:
            own = self.series_by_theme[theme.pk]
            series = rng.choice(own) if own and rng.random() < 0.8 else self.series_z.one(rng)
        updated_at = None
        if published_at and rng.random() < 0.04:
            updated_at = published_at + dt.timedelta(days=rng.randint(1, 60))
        slug = f"{slugify(title)[:70].rstrip('-')}-{_base36(serial)}"
        fields = {
            "title": title[:300],
            "slug": slug,
            "deck": text.sentence(rng, 14, 26)[:400],
            "summary": " ".join(text.sentence(rng) for _ in range(rng.randint(2, 3))),
            "body": body,
            "body_html": body_html,
            "reading_time": max(1, math.ceil(words / WORDS_PER_MINUTE)) if words else 0,
            "article_type_id": article_type.pk,
            "series_id": series.pk if series else None,
            "status": status,
            "published_at": published_at,
            "updated_at": updated_at,
            "language": weighted(rng, LANGUAGES),
            "source_url": f"https://example.org/archive/{slug}" if rng.random() < 0.15 else "",
        }
        self._optional_fields(fields, rng)
        authors = [(a.pk, Authorship.Role.AUTHOR) for a in self._byline()]
        if rng.random() < 0.02:
            editor = self.author_z.one(rng).pk
            if editor not in [a for a, _ in authors]:
                authors.append((editor, Authorship.Role.EDITOR))
        own_topics = self.topics_by_theme[theme.pk]
        topics = []
        for _ in range(rng.choices((1, 2, 3, 4, 5, 6), weights=(15, 25, 25, 18, 10, 7))[0]):
            topic = own_topics.one(rng) if rng.random() < 0.8 else self.topic_z.one(rng)
            if topic.pk not in topics:
                topics.append(topic.pk)
        regions = self.region_z.distinct(rng, rng.choices((0, 1, 2, 3), (20, 45, 25, 10))[0])
        return fields, authors, topics, [region.pk for region in regions]

    def _optional_fields(self, fields, rng):
        """Fields `save()` would fill, when the model has them: a withdrawal, a version token."""
        names = {field.name for field in Article._meta.get_fields()}
        gone = fields["status"] in (Article.Status.WITHDRAWN, Article.Status.RETRACTED)
        if "withdrawn_at" in names and gone:
            fields["withdrawn_at"] = fields["published_at"] + dt.timedelta(days=rng.randint(1, 90))
        if "notice" in names and gone:
            fields["notice"] = "This article was withdrawn after an editorial review."
        if "version" in names:
            fields["version"] = uuid.UUID(int=rng.getrandbits(128), version=4)

    def _byline(self):
        k = self.rng.choices((1, 2, 3, 4), weights=(55, 28, 12, 5))[0]
        return self.author_z.distinct(self.rng, k)

    def _status_and_date(self, serial):
        """A status by STATUS_SHARES; the first articles take each rare state once, so even a
        tiny corpus has a draft, one in review, a scheduled, a withdrawn and a retracted one."""
        rng = self.rng
        roll, status = rng.random(), Article.Status.PUBLISHED
        for index, (candidate, scheduled, share) in enumerate(STATUS_SHARES, 1):
            if roll < share or serial == index:
                status = candidate
                if scheduled:
                    day = self.today + dt.timedelta(days=rng.randint(1, 120))
                    return status, _moment(rng, day)
                break
            roll -= share
        if status in (Article.Status.DRAFT, Article.Status.REVIEW):
            return status, None
        last = self.today - dt.timedelta(days=1)
        years = list(range(2000, last.year + 1))
        year = rng.choices(years, weights=[1 + (y - 2000) * 0.25 for y in years])[0]
        first = dt.date(year, 1, 1)
        span = (min(dt.date(year, 12, 31), last) - first).days
        return status, _moment(rng, first + dt.timedelta(days=rng.randint(0, span)))

    def _body(self, theme, lead, target):
        """Markdown, HTML and word count: a fresh lead, then pooled paragraphs and headings."""
        rng = self.rng
        own_blocks, own_headings = self.pool[theme.pk]
        markdown, html, words = [lead], [render_lead(lead)], count_words(lead)
        with_headings = target > 700 or rng.random() < 0.3
        until_heading = rng.randint(1, 3)
        while words < target:
            if with_headings and until_heading == 0:
                block, block_html, n = rng.choice(own_headings)
                markdown.append(block)
                html.append(block_html)
                words += n
                until_heading = rng.randint(3, 5)
            blocks = own_blocks if rng.random() < 0.85 else self.pool[self.theme_z.one(rng).pk][0]
            block, block_html, n = rng.choice(blocks)
            markdown.append(block)
            html.append(block_html)
            words += n
            until_heading -= 1
        return "\n\n".join(markdown), "\n".join(html), words

    def analyze(self):
        """Planner statistics, as a settled archive has them: without, plans assume empty tables."""
        with connections[self.using].cursor() as cursor:
            cursor.execute("ANALYZE")

    def build_index(self):
        if self.progress:
            self.stream.write("index      rebuilding the whole search index once...\n")
        with transaction.atomic(using=self.using):
            rebuild_index(using=self.using)


def _get(queue, producer):
    """The next batch, or an error if the producer died instead of sending it."""
    while True:
        try:
            return queue.get(timeout=5)
        except Empty:
            if not producer.is_alive():
                raise RuntimeError("The corpus producer process died.") from None


def _index_worker(queue, using):
    """Index committed batches until told to stop (runs in a forked process)."""
    try:
        for ids in iter(queue.get, None):
            index_articles(ids, using=using)
    finally:
        connections.close_all()


def _fields(row):
    return {key: value for key, value in row.items() if key not in ("pk", "theme")}


def _slug(obj):
    return obj.slug


def _moment(rng, day):
    return dt.datetime.combine(
        day, dt.time(rng.randint(3, 17), rng.randrange(0, 60, 5)), tzinfo=dt.UTC
    )


def _base36(number):
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while number:
        number, rest = divmod(number, 36)
        out = digits[rest] + out
    return out or "0"


def _orcid(rng):
    """A random ORCID iD with a correct ISO 7064 11,2 check digit."""
    digits = "".join(str(rng.randrange(10)) for _ in range(15))
    total = 0
    for digit in digits:
        total = (total + int(digit)) * 2
    check = (12 - total % 11) % 11
    full = digits + ("X" if check == 10 else str(check))
    return "-".join(full[i : i + 4] for i in range(0, 16, 4))
