"""What the parser found in one dump, before anything touches the database."""

import datetime
from dataclasses import dataclass, field
from typing import NamedTuple

from django.utils.text import slugify

from archive.markup import count_words, reading_time_minutes

MAX_SLUG_LENGTH = 70  # Whole words only; long subtitles make unreadable URLs.


class Line(NamedTuple):
    """One line of a dump, whitespace collapsed, with its number for error messages."""

    number: int
    text: str


@dataclass
class ParsedAuthor:
    honorific: str
    name: str

    @property
    def display_name(self):
        return f"{self.honorific} {self.name}" if self.honorific else self.name


@dataclass
class ParsedAffiliation:
    author_index: int
    role: str
    institution: str
    department: str = ""
    short_name: str = ""
    city: str = ""
    country: str = ""
    start_year: int | None = None
    end_year: int | None = None
    current: bool = True


@dataclass
class ParsedSeries:
    name: str
    description: str = ""
    category: str = ""


@dataclass
class ParsedArticle:
    source: str
    title: str
    title_line: int
    raw_title: str = ""
    title_repairs: list = field(default_factory=list)
    kicker: str = ""
    deck: str = ""
    authors: list = field(default_factory=list)
    date: datetime.date | None = None
    date_line: int | None = None
    stated_reading_time: int | None = None
    body: str = ""
    plain_text: str = ""
    author_note: str = ""
    affiliations: list = field(default_factory=list)
    series: ParsedSeries | None = None
    warnings: list = field(default_factory=list)

    @property
    def slug(self):
        return slug_for(self.title)

    @property
    def word_count(self):
        return count_words(self.body)

    @property
    def reading_time(self):
        return reading_time_minutes(self.body)

    @property
    def published_at(self):
        """Noon UTC: the same calendar date everywhere from UTC-11 to UTC+11."""
        if self.date is None:
            return None
        return datetime.datetime.combine(self.date, datetime.time(12), tzinfo=datetime.UTC)

    def inferred_type(self):
        """(type name, reason) by the rule in the module docstring, or (None, reason)."""
        if self.series and not self.authors:
            return "Explainer", "series item without a named author"
        if self.authors and self.author_note:
            return "Viewpoint", "named author with an author note"
        return None, "no rule applies"


def slug_for(title):
    """`2+2` becomes `2-plus-2`, not `22`; long slugs stop at a whole word."""
    slug = slugify(title.replace("+", " plus ").replace("&", " and "))
    if len(slug) > MAX_SLUG_LENGTH:
        cut = slug[: MAX_SLUG_LENGTH + 1]
        slug = cut.rsplit("-", 1)[0] if "-" in cut else slug[:MAX_SLUG_LENGTH]
    return slug
