"""One article's fields, byline, topics and regions, drawn from the taxonomy.

Bodies are a fresh lead paragraph plus blocks from a per-theme pool rendered once, so
`render_markdown(body) == body_html` holds without rendering every body.
"""

import datetime as dt
import re
import uuid

from django.utils.text import slugify

from archive.markup import count_words, minutes_to_read, render_markdown
from archive.models import Article, Authorship

from . import vocabulary as V
from .words import RARE_NAMES, Zipf, invented_names, weighted

SPLIT_MARKER = "BENCHSPLITMARKER"
_PLAIN_PARAGRAPH = re.compile(r"[A-Z][A-Za-z0-9 ,.+\-]*")
STATUS_SHARES = [  # (status, scheduled?, share)
    (Article.Status.DRAFT, False, 0.05),
    (Article.Status.REVIEW, False, 0.025),
    (Article.Status.PUBLISHED, True, 0.015),
    (Article.Status.WITHDRAWN, False, 0.01),
    (Article.Status.RETRACTED, False, 0.01),
]
LANGUAGES = [("en", 0.97), ("hi", 0.01), ("fr", 0.01), ("de", 0.005), ("ja", 0.005)]


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


def paragraph_pool(rng, taxonomy, n_articles):
    """Per theme: (block, html, words) paragraphs and headings, rendered once, reused."""
    per_theme = max(40, min(1200, n_articles // 20))
    pool = {}
    for theme in taxonomy.themes:
        text = taxonomy.texts[theme.pk]
        blocks = [text.pool_block(rng) for _ in range(per_theme)]
        headings = [
            "## " + text.fill(rng, pattern)
            for pattern in V.HEADINGS
            for _ in range(max(1, per_theme // 200))
        ]
        html = render_blocks(blocks + headings)
        words = [count_words(block) for block in blocks + headings]
        entries = list(zip(blocks + headings, html, words, strict=True))
        pool[theme.pk] = (entries[: len(blocks)], entries[len(blocks) :])
    return pool


class ArticleDrafter:
    """Draws articles one by one from a shared `rng`: the same stream gives the same archive."""

    def __init__(self, rng, taxonomy, authors, pool, today):
        self.rng, self.taxonomy, self.pool, self.today = rng, taxonomy, pool, today
        self.author_z = Zipf(authors, s=1.0, offset=10)
        self.rare = Zipf(invented_names(RARE_NAMES), s=1.05)

    def draft(self, serial):
        """One article's fields and its (author id, role), topic ids and region ids."""
        rng, taxonomy = self.rng, self.taxonomy
        theme = taxonomy.theme_z.one(rng)
        article_type, (_, low, high) = rng.choices(
            taxonomy.type_choices, weights=[w[0] for _, w in taxonomy.type_choices]
        )[0]
        status, published_at = self._status_and_date(serial)
        fields, text = self._text(theme, low, high)
        fields |= {
            "slug": f"{slugify(fields['title'])[:70].rstrip('-')}-{_base36(serial)}",
            "article_type_id": article_type.pk,
            "series_id": self._series(theme),
            "status": status,
            "published_at": published_at,
        }
        self._dates_and_source(fields, text)
        return fields, self._byline(), self._topics(theme), self._regions()

    def _text(self, theme, low, high):
        """Title, deck, summary and body (with its HTML and reading time) about `theme`."""
        rng = self.rng
        text = self.taxonomy.texts[theme.pk]
        rare = self.rare.one(rng) if rng.random() < 0.15 else None
        title = text.fill(rng, rng.choice(V.TITLE_PATTERNS), rare)
        lead = text.paragraph(rng, (3, 5))
        if rng.random() < 0.5:
            words = lead.split(" ")
            words[rng.randrange(1, len(words) - 1)] = self.rare.one(rng)
            lead = " ".join(words)
        body, body_html, words = self._body(theme, lead, int(rng.triangular(low, high, low)))
        return {
            "title": title[:300],
            "body": body,
            "body_html": body_html,
            "reading_time": minutes_to_read(words),
        }, text

    def _series(self, theme):
        rng = self.rng
        if rng.random() >= 0.12:
            return None
        own = self.taxonomy.series_by_theme[theme.pk]
        return (
            rng.choice(own) if own and rng.random() < 0.8 else self.taxonomy.series_z.one(rng)
        ).pk

    def _dates_and_source(self, fields, text):
        """The rest of the fields in the order the stream draws them, and what `save()` sets."""
        rng, published_at = self.rng, fields["published_at"]
        fields["updated_at"] = None
        if published_at and rng.random() < 0.04:
            fields["updated_at"] = published_at + dt.timedelta(days=rng.randint(1, 60))
        fields["deck"] = text.sentence(rng, 14, 26)[:400]
        fields["summary"] = " ".join(text.sentence(rng) for _ in range(rng.randint(2, 3)))
        fields["language"] = weighted(rng, LANGUAGES)
        fields["source_url"] = ""
        if rng.random() < 0.15:
            fields["source_url"] = f"https://example.org/archive/{fields['slug']}"
        if fields["status"] in Article.GONE_STATUSES:
            fields["withdrawn_at"] = published_at + dt.timedelta(days=rng.randint(1, 90))
            fields["notice"] = "This article was withdrawn after an editorial review."
        fields["version"] = uuid.UUID(int=rng.getrandbits(128), version=4)

    def _byline(self):
        rng = self.rng
        k = rng.choices((1, 2, 3, 4), weights=(55, 28, 12, 5))[0]
        authors = [(a.pk, Authorship.Role.AUTHOR) for a in self.author_z.distinct(rng, k)]
        if rng.random() < 0.02:
            editor = self.author_z.one(rng).pk
            if editor not in [a for a, _ in authors]:
                authors.append((editor, Authorship.Role.EDITOR))
        return authors

    def _topics(self, theme):
        rng, taxonomy = self.rng, self.taxonomy
        own_topics = taxonomy.topics_by_theme[theme.pk]
        topics = []
        for _ in range(rng.choices((1, 2, 3, 4, 5, 6), weights=(15, 25, 25, 18, 10, 7))[0]):
            topic = own_topics.one(rng) if rng.random() < 0.8 else taxonomy.topic_z.one(rng)
            if topic.pk not in topics:
                topics.append(topic.pk)
        return topics

    def _regions(self):
        rng = self.rng
        regions = self.taxonomy.region_z.distinct(
            rng, rng.choices((0, 1, 2, 3), (20, 45, 25, 10))[0]
        )
        return [region.pk for region in regions]

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
        parts = [(lead, render_lead(lead), count_words(lead))]
        words = parts[0][2]
        with_headings = target > 700 or rng.random() < 0.3
        until_heading = rng.randint(1, 3)
        while words < target:
            if with_headings and until_heading == 0:
                parts.append(rng.choice(own_headings))
                words += parts[-1][2]
                until_heading = rng.randint(3, 5)
            blocks = own_blocks
            if rng.random() >= 0.85:
                blocks = self.pool[self.taxonomy.theme_z.one(rng).pk][0]
            parts.append(rng.choice(blocks))
            words += parts[-1][2]
            until_heading -= 1
        return "\n\n".join(p[0] for p in parts), "\n".join(p[1] for p in parts), words


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
