"""Import articles from the plain-text dumps editors paste in (issue 5).

Two halves. The first is pure: `decode_dump` and `parse_dump` turn a file's bytes into a
`ParsedArticle` (title, byline, date, Markdown body, affiliations from the author note,
series...) without touching the database, so every rule can be tested on a string.
The second, from `Vocabulary` on, matches what was found against the archive (topics and
their aliases, authors, institutions, types, series) and saves it, every file of a run
in one transaction. The `import_articles` command and the admin upload page are thin
layers over `read_paths`, `import_dumps` and `report_rows`.

Rules that are guesses rather than facts, so that editors know what to check:

- The article type is inferred: a series item with no named author is an "Explainer";
  a named author with an author note is a "Viewpoint"; anything else gets `--type` or
  settings.ARCHIVE_IMPORT_DEFAULT_TYPE ("analysis").
- A title with no punctuation at all, or with every small word capitalised, was made by
  a tool that strips it ("India Us 22 Ministerial Dialogue..."). Its words are looked up
  in the body, where the original spelling survives ("India-US 2+2 Ministerial
  Dialogue"); a truncated last word is completed from a body word; a capitalised "-ing"
  word right after the recovered phrase starts a subtitle, so it gets the lost colon.
- Re-importing finds the article by its slug, made from the repaired title, so the same
  dump always updates the same article. An article whose slug an editor has changed is
  no longer found, and a re-import creates a new one.
- On re-import the dump wins for what it states (title, body, date, byline, type,
  series); topics and regions are only added to, never removed, since editors prune
  suggestions; and the status is kept unless --publish, so a re-import never unpublishes.
"""

import base64
import datetime
import functools
import re
import textwrap
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import dateparser
from django import forms
from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.text import slugify

from authors.models import Affiliation, Author, Institution

from . import publishing
from .markup import count_words, reading_time_minutes
from .models import (
    Article,
    ArticleType,
    Authorship,
    Region,
    Series,
    Theme,
    Topic,
    VocabularyAlias,
)

MAX_DUMP_BYTES = 500_000  # 25 times the longest seed; the admin posts files back once.
MAX_SLUG_LENGTH = 70  # Whole words only; long subtitles make unreadable URLs.
MAX_TITLE_WORDS = 30
MAX_HEADER_TEXT_LINES = 4

# --------------------------------------------------------------------------- problems


@dataclass(frozen=True)
class Problem:
    """What is wrong with one file, and where, in the form editors' tools understand."""

    source: str
    line: int | None
    message: str

    def __str__(self):
        where = f"{self.source}:{self.line}" if self.line else self.source
        return f"{where}: {self.message}"


class DumpError(Exception):
    """One or more files cannot be imported; nothing was saved."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))

    @classmethod
    def at(cls, source, line, message):
        return cls([Problem(source, line, message)])


@dataclass(frozen=True)
class Document:
    source: str
    data: bytes


# --------------------------------------------------------------------------- decoding

_SPACES = {ord(c): " " for c in "\t\xa0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007"}
_SPACES.update({ord(c): " " for c in "\u2008\u2009\u200a\u202f\u205f\u3000"})
_SPACES.update({ord(c): None for c in "\u00ad\u200b\u200c\u200d\u2060\ufeff"})


def _line_at(data, offset):
    return data.count(b"\n", 0, offset) + 1


def decode_dump(data, source):
    """The dump's text, or a `DumpError` naming the line that makes it unusable.

    Only UTF-8 is accepted: guessing Latin-1 or Windows-1252 silently garbles quotes and
    dashes, and the editor can re-save the file in a second.
    """
    if len(data) > MAX_DUMP_BYTES:
        raise DumpError.at(source, None, f"larger than {MAX_DUMP_BYTES:,} bytes")
    if not data.strip():
        raise DumpError.at(source, 1, "the file is empty")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise DumpError.at(source, 1, "UTF-16 text; save the file as UTF-8")
    nul = data.find(b"\x00")
    if nul != -1:
        raise DumpError.at(source, _line_at(data, nul), "binary data, not a text dump")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = _line_at(data, error.start)
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        raise DumpError.at(
            source,
            line,
            f"not UTF-8 text (byte 0x{data[error.start]:02X} at column {column}); "
            "save the file as UTF-8 and import it again",
        ) from error
    for number, line in enumerate(text.split("\n"), 1):
        if any(unicodedata.category(c) == "Cc" and c not in "\t\f\v\r" for c in line):
            raise DumpError.at(source, number, "control characters: not a text dump")
    return text


# --------------------------------------------------------------------------- parsing


@dataclass(frozen=True)
class Line:
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


# Header lines ------------------------------------------------------------------------

_YEAR = re.compile(r"\b(?:1[89]|20)\d{2}\b")
_DATE_PREFIX = re.compile(r"^(?:published|posted|date|dated)(?:\s+on)?\s*:?\s*", re.I)
_UPDATED = re.compile(r"^(?:last\s+)?(?:updated|modified)\b", re.I)
_READING_TIME = re.compile(r"^(\d{1,3})\s*min(?:ute)?s?\.?\s+read$", re.I)
_VIEWS = re.compile(r"^[\d.,]+\s*[kKmM]?\s+views?$", re.I)
_FURNITURE = re.compile(
    r"^(?:advertisement|advertisements|sponsored|share this article|share|print|"
    r"read more|start test|join live|skip to content|\d{1,3}\s*/\s*\d{1,3})$",
    re.I,
)
_TAIL_MARKERS = {
    "share this article",
    "related resources",
    "related articles",
    "you might also like",
}
_CARD_ENDS = {
    "mock": "start test",
    "quiz": "start test",
    "live": "join live",
    "series": "read more",
}
_CARD_LOOKAHEAD = 12
_DATE_SETTINGS = {
    "STRICT_PARSING": True,
    "RETURN_AS_TIMEZONE_AWARE": False,
    # The archive writes en-GB: an all-numeric 03/04/2020 is the 3rd of April.
    "DATE_ORDER": "DMY",
}

HONORIFICS = {
    "dr": "Dr.",
    "prof": "Prof.",
    "professor": "Prof.",
    "mr": "Mr.",
    "mrs": "Mrs.",
    "ms": "Ms.",
    "mx": "Mx.",
    "amb": "Amb.",
    "ambassador": "Amb.",
    "gen": "Gen.",
    "lt gen": "Lt Gen.",
    "maj gen": "Maj Gen.",
    "brig": "Brig.",
    "col": "Col.",
    "cdr": "Cdr.",
    "capt": "Capt.",
    "adm": "Adm.",
    "vice adm": "Vice Adm.",
    "rear adm": "Rear Adm.",
    "hon": "Hon.",
    "rev": "Rev.",
    "sir": "Sir",
    "dame": "Dame",
    "shri": "Shri",
    "smt": "Smt.",
}
_HONORIFIC_WORDS = "|".join(
    re.escape(h).replace(r"\ ", r"\.?\s+") for h in sorted(HONORIFICS, key=len, reverse=True)
)
_HONORIFIC = re.compile(rf"^(?P<h>(?:(?:{_HONORIFIC_WORDS})\.?\s+)+)", re.I)
_NAME_PARTICLES = {
    "al", "bin", "da", "de", "den", "der", "di", "du", "el", "la", "le", "van", "von",
}  # fmt: skip
_NAME_TOKEN = re.compile(r"^(?:[A-Z][\w'’\-]*\.?|[A-Z]\.(?:[A-Z]\.)*)$")
SMALL_WORDS = {
    "a", "an", "and", "as", "at", "but", "by", "for", "from", "in", "into", "nor", "of",
    "on", "or", "per", "the", "to", "up", "via", "vs", "with",
}  # fmt: skip


def parse_date(text):
    """A publication date in any format editors paste, via dateparser; None otherwise."""
    text = _DATE_PREFIX.sub("", text.strip())
    if len(text) > 40 or not _YEAR.search(text):
        return None
    parsed = dateparser.parse(text, languages=["en"], settings=_DATE_SETTINGS)
    return parsed.date() if parsed else None


def _split_honorific(name):
    match = _HONORIFIC.match(name)
    if not match:
        return "", name
    parts = [p for p in re.split(r"\.?\s+", match.group("h").strip().rstrip(".")) if p]
    honorifics, index = [], 0
    while index < len(parts):
        two = f"{parts[index]} {parts[index + 1]}".lower() if index + 1 < len(parts) else ""
        if two in HONORIFICS:
            honorifics.append(HONORIFICS[two])
            index += 2
        else:
            honorifics.append(HONORIFICS[parts[index].lower()])
            index += 1
    return " ".join(honorifics), name[match.end() :].strip()


def parse_byline(text):
    """Authors in a byline ("Dr. A", "A and B", "By A, B and C"), or None if it is not one.

    Strict on purpose: every name must look like a name, so a short title or a kicker
    such as "UPSC International relation" is not taken for a byline.
    """
    text = text.strip()
    prefixed = bool(re.match(r"^by\s+", text, re.I))
    text = re.sub(r"^by\s+", "", text, flags=re.I)
    if not text or len(text) > 150 or re.search(r"\d|[:;!?()]", text):
        return None
    authors = []
    for part in re.split(r"\s*,\s*(?:and\s+)?|\s+(?:and|&)\s+", text):
        honorific, name = _split_honorific(part.strip())
        tokens = name.split()
        if not tokens or len(tokens) > 5:
            return None
        if not all(_NAME_TOKEN.match(t) or t.lower() in _NAME_PARTICLES for t in tokens):
            return None
        if not _NAME_TOKEN.match(tokens[-1]):
            return None
        if len(tokens) < 2 and not (honorific or prefixed):
            return None
        authors.append(ParsedAuthor(honorific, name))
    return authors or None


def _is_prose(text):
    words = len(text.split())
    return words > MAX_TITLE_WORDS or (words >= 16 and text.endswith((".", "”", '"')))


def _header_kind(text):
    if _READING_TIME.match(text):
        return "reading_time"
    if _VIEWS.match(text) or _FURNITURE.match(text) or _UPDATED.match(text):
        return "meta"
    if parse_date(text):
        return "date"
    return "text"


def _split_header(lines):
    """The header's non-empty lines, classified, and the index where the body starts.

    The header ends at the first line of prose or, once the date has been seen, at the
    first line that is not a date, byline or page counter. Without a date or byline to
    mark its end, only the first line (the title) is header.
    """
    header, text_lines, seen_date, body_start = [], 0, False, len(lines)
    for index, line in enumerate(lines):
        if not line.text:
            continue
        kind = _header_kind(line.text)
        if kind == "text":
            text_lines += 1
            if (
                _is_prose(line.text)
                or (seen_date and not parse_byline(line.text))
                or text_lines > MAX_HEADER_TEXT_LINES
            ):
                body_start = index
                break
        header.append((line, kind))
        seen_date = seen_date or kind == "date"
    marked = any(kind == "date" for _, kind in header) or any(
        kind == "text" and parse_byline(line.text) for line, kind in header[1:]
    )
    if not marked:
        first_text = next((i for i, (_, kind) in enumerate(header) if kind == "text"), None)
        if first_text is not None:
            keep = header[: first_text + 1]
            body_start = lines.index(keep[-1][0]) + 1
            header = keep
    return header, body_start


def _is_title_cased(text):
    words = [w for w in text.split() if w[:1].isalpha() and w.lower() not in SMALL_WORDS]
    return bool(words) and sum(w[0].isupper() for w in words) >= 0.8 * len(words)


def _is_kicker(texts, cards):
    """Is the first header line a category label above the title ("UPSC International...")?

    It is if a series card in the dump names it as its category, or if it is short and
    the next line is longer and title-cased: a sentence-case second line is a deck.
    """
    if len(texts) < 2 or len(texts[0].text.split()) > 5 or parse_byline(texts[1].text):
        return False
    first, second = texts[0].text, texts[1].text
    if any(card.category.casefold() == first.casefold() for card in cards):
        return True
    return len(second.split()) > len(first.split()) and _is_title_cased(second)


def _describe(text):
    if parse_date(text):
        return "a date"
    if _is_prose(text):
        return f"body text ({len(text.split())} words)"
    return f"“{text[:60]}”"


# Title repair --------------------------------------------------------------------------

_CHUNK_STRIP = ".,;:!?()[]{}\"'“”‘’*#"


def _key(text):
    return re.sub(r"[\W_]", "", text).casefold()


def _is_mechanical_title_case(words):
    """Every word capitalised, small words too: the mark of a title made from a slug."""
    alphabetic = [w for w in words if w[:1].isalpha()]
    return bool(alphabetic) and all(w[0].isupper() for w in alphabetic)


def _recover_phrase(words, start, chunks, keys):
    """The longest run of title words from `start` that the body spells with punctuation.

    Returns (end, spelling) or None. The body is the authority on how a phrase is
    written: "India Us 22" in a damaged title is "India-US 2+2" in the text.
    """
    for end in range(len(words), start, -1):
        target = "".join(_key(w) for w in words[start:end])
        if not target:
            continue
        forms = Counter()
        for first, key in enumerate(keys):
            if not key or not target.startswith(key):
                continue
            joined, last = "", first
            while last < len(keys) and len(joined) < len(target):
                joined += keys[last]
                last += 1
                if not target.startswith(joined):
                    break
            if joined == target:
                forms[" ".join(chunks[first:last])] += 1
        if not forms:
            continue
        spelling = max(forms, key=lambda f: (sum(c[:1].isupper() for c in f.split()), forms[f]))
        if spelling.casefold() == " ".join(words[start:end]).casefold():
            return end, None
        title_words = {w.casefold(): w for w in words[start:end]}
        merged = [
            title_words.get(chunk.casefold(), chunk)
            if chunk.isalpha() and not (chunk.isupper() and len(chunk) > 1)
            else chunk
            for chunk in spelling.split()
        ]
        return end, " ".join(merged)
    return None


def repair_title(title, body_text):
    """The title with damage from the site's export undone, and what was changed.

    Each rule is conservative: it only fires when the body shows the intended form.
    """
    repairs = []
    words = title.split()
    body_words = Counter(w.casefold() for w in re.findall(r"[^\W\d_]+", body_text))
    last = words[-1]
    if last.isalpha() and len(last) >= 4 and last.casefold() not in body_words:
        candidates = [
            (count, word)
            for word, count in body_words.items()
            if word.startswith(last.casefold()) and 0 < len(word) - len(last) <= 3
        ]
        if candidates:
            completed = last + max(candidates)[1][len(last) :]
            words[-1] = completed
            repairs.append(f"completed the truncated last word “{last}” as “{completed}”")

    no_punctuation = not re.search(r"[^\w\s]", title)
    mechanical = _is_mechanical_title_case(words)
    capitalised_small = any(w in {s.capitalize() for s in SMALL_WORDS} for w in words[1:])
    if no_punctuation and len(words) > 1:
        chunks = [c.strip(_CHUNK_STRIP) for c in body_text.split()]
        keys = [_key(c) for c in chunks]
        rebuilt, start = [], 0
        while start < len(words):
            found = _recover_phrase(words, start, chunks, keys)
            if found is None:
                rebuilt.append(words[start])
                start += 1
                continue
            end, spelling = found
            if spelling is None:
                rebuilt.extend(words[start:end])
            else:
                rebuilt.append(spelling)
                repairs.append(f"restored “{spelling}” from the body")
                following = words[end] if end < len(words) else ""
                if end - start >= 2 and re.fullmatch(r"[A-Z][a-z]{2,}ing", following):
                    rebuilt[-1] += ":"
                    repairs.append(f"a colon before the subtitle “{following}...”")
            start = end
        words = " ".join(rebuilt).split()
    if mechanical and (no_punctuation or capitalised_small):
        lowered = []
        for position, word in enumerate(words):
            after_colon = position > 0 and words[position - 1].endswith(":")
            if position and not after_colon and word.istitle() and word.lower() in SMALL_WORDS:
                word = word.lower()
            lowered.append(word)
        if lowered != words:
            repairs.append("small words in lower case")
        words = lowered
    return " ".join(words), repairs


# Body ----------------------------------------------------------------------------------

_BULLET = re.compile(r"^[•●▪◦·‣∙*\-–]\s+(?P<text>\S.*)$")
_NUMBERED = re.compile(r"^(?P<n>\d{1,2})[.)]\s+(?P<text>\S.*)$")
_LIST_LEAD = re.compile(r"^(?P<lead>[^:.!?*]{2,60}?):\s+(?P<rest>\S.*)$")
_NOTE_START = re.compile(r"^\*{3,}\s*")
_NOTE_PARAGRAPH = re.compile(
    r"^(?:about the authors?:?\s*)?the authors? (?:is|was|are|were)\b", re.I
)
_SENTENCE_END = (".", "!", "?", ":", '"', "”", "’", ")")


def _looks_like_heading(text, next_text=""):
    words = text.split()
    return (
        0 < len(words) <= 12
        and len(text) <= 100
        and (text[0].isupper() or text[0].isdigit())
        and not text.endswith((".", ",", ";", ":", "!"))
        and not (text.endswith("?") and len(words) > 8)
        and not (next_text and next_text[0].islower())
        and not _BULLET.match(text)
    )


def _series_cards(lines):
    """Series advertised in a "series" card: name, description, and its category line.

    The card ends with the category and a count ("UPSC International relation0"); the
    article's own category line names the series it belongs to.
    """
    cards, texts = [], [line.text for line in lines if line.text]
    for index, text in enumerate(texts):
        if text.casefold() != "series":
            continue
        block = []
        for following in texts[index + 1 : index + 1 + _CARD_LOOKAHEAD]:
            if following.casefold() == "read more":
                break
            block.append(following)
        else:
            continue
        if len(block) >= 2:
            category = re.sub(r"\d+$", "", block[-1]).strip()
            cards.append(ParsedSeries(block[0], " ".join(block[1:-1]), category))
    return cards


def _drop_furniture(lines):
    """Lines without site furniture: quiz, live and series cards, adverts, counters."""
    kept, index = [], 0
    while index < len(lines):
        text = lines[index].text
        end_marker = _CARD_ENDS.get(text.casefold())
        if end_marker:
            ahead = [i for i in range(index + 1, len(lines)) if lines[i].text][:_CARD_LOOKAHEAD]
            end = next((i for i in ahead if lines[i].text.casefold() == end_marker), None)
            if end is not None:
                index = end + 1
                continue
        if not (_FURNITURE.match(text) or _VIEWS.match(text) or _READING_TIME.match(text)):
            kept.append(lines[index])
        index += 1
    return kept


def _blocks(lines):
    blocks, current = [], []
    for line in lines:
        if line.text:
            current.append(line)
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def _extract_note(lines):
    """Split off the `*** ... ***` author note; (note, other lines).

    The note runs to the closing asterisks or, if they are missing, to the end of its
    paragraph, so a forgotten `***` cannot swallow the rest of the article.
    """
    for index, line in enumerate(lines):
        if not _NOTE_START.match(line.text):
            continue
        parts, end = [], index
        for end in range(index, len(lines)):
            text = lines[end].text
            if end == index:
                text = _NOTE_START.sub("", text)
            elif not text:
                end -= 1
                break
            closing = text.find("***")
            parts.append(text if closing == -1 else text[:closing])
            if closing != -1:
                break
        note = " ".join(" ".join(parts).split())
        if note:
            return note, lines[:index] + lines[end + 1 :]
    return "", lines


def _items(blocks):
    """Headings, paragraphs and list items from the body's blocks of lines."""
    items = []
    for block in blocks:
        texts = [line.text for line in block]
        paragraph = []

        def flush(paragraph=paragraph):
            if paragraph:
                items.append(("p", " ".join(paragraph)))
                paragraph.clear()

        for index, text in enumerate(texts):
            following = texts[index + 1] if index + 1 < len(texts) else ""
            bullet, numbered = _BULLET.match(text), _NUMBERED.match(text)
            if bullet:
                flush()
                items.append(("ul", bullet.group("text")))
            elif numbered and (len(texts) > 1 or (items and items[-1][0] == "ol")):
                flush()
                items.append(("ol", f"{numbered.group('n')}. {numbered.group('text')}"))
            else:
                if paragraph and paragraph[-1].endswith(_SENTENCE_END) and text[:1].isupper():
                    flush()
                if not paragraph and _looks_like_heading(text, following):
                    items.append(("h", text))
                else:
                    paragraph.append(text)
        flush()
    return items


def _drop_repeated_headings(items, titles):
    """Drop a heading repeated right after its section, and the title repeated as one."""
    kept, current = [], {title.casefold() for title in titles}
    for kind, text in items:
        if kind == "h":
            if text.casefold() in current:
                continue
            current = {text.casefold()}
        kept.append((kind, text))
    return kept


def _markdown(items):
    out, previous = [], None
    for kind, text in items:
        if kind == "h":
            out.append(f"## {text}")
        elif kind == "p":
            out.append(re.sub(r"^([#>])", r"\\\1", text))
        else:
            if kind == "ul":
                lead = _LIST_LEAD.match(text)
                if lead and len(lead.group("lead").split()) <= 8:
                    text = f"**{lead.group('lead')}:** {lead.group('rest')}"
                text = f"- {text}"
            if previous == kind:
                out[-1] += f"\n{text}"
            else:
                out.append(text)
        previous = kind
    return "\n\n".join(out) + "\n" if out else ""


# Author note ---------------------------------------------------------------------------

_ABBREVIATION = re.compile(r"(?:\b(?:Dr|Prof|Mr|Mrs|Ms|St|Jr|Sr|No|Vol|Lt|Gen|Col)|\b[A-Z])\.$")
_NOTE_SENTENCE = re.compile(
    r"^(?P<subject>.+?)\s+(?P<verb>is|are|has been|have been|serves as|was|were|had been|"
    r"served as)\s+(?:(?:also|currently|presently|formerly|previously|now)\s+)*"
    r"(?:(?:an?|the)\s+)?(?P<rest>.+)$"
)
_PAST_VERBS = {"was", "were", "had been", "served as"}
_ROLE_PLACE = re.compile(r"\s+(?:at|with)\s+(?:the\s+)?")
_YEAR_RANGE = re.compile(
    r"(?:,?\s*(?:for|during|in|from|between)\s+(?:the\s+)?(?:academic\s+)?(?:years?\s+)?|\s*\()?"
    r"(?P<start>(?:19|20)\d{2})\s*(?:-|–|—|/|to|and|until)\s*(?P<end>(?:19|20)?\d{2})\)?\s*$"
)
_SINCE_YEAR = re.compile(r",?\s*(?:since|from)\s+(?P<start>(?:19|20)\d{2})\s*$")
_IN_YEAR = re.compile(r",?\s*(?:in|during)\s+(?:the\s+year\s+)?(?P<year>(?:19|20)\d{2})\s*$")
_PARENTHESIS = re.compile(r"\s*\(([^()]*)\)")
_INSTITUTION_WORDS = {
    "university", "institute", "institution", "council", "centre", "center", "college",
    "school", "foundation", "academy", "society", "observatory", "forum", "trust",
    "commission", "ministry", "department", "agency", "bank", "organisation",
    "organization", "programme", "program", "laboratory", "office", "network",
    "initiative", "studies", "affairs", "research", "fund", "association", "embassy",
    "parliament", "government", "museum", "library", "faculty", "division", "court",
}  # fmt: skip
_DEPARTMENT = re.compile(
    r"^(?:department|dept\.?|school|faculty|division|programme|program)\s+(?:of|for|in)\b", re.I
)
_ACADEMIC_ROLE_OF = re.compile(
    r"^(?P<role>(?:(?:assistant|associate|visiting|adjunct|full)\s+)?(?:professor|lecturer|"
    r"reader))\s+(?:of|in)\s+(?P<department>.+)$",
    re.I,
)


def _sentences(text):
    pieces = re.split(r"(?<=[.!?])\s+(?=[A-Z])", text)
    sentences = []
    for piece in pieces:
        if sentences and _ABBREVIATION.search(sentences[-1]):
            sentences[-1] += " " + piece
        else:
            sentences.append(piece)
    return [s.strip() for s in sentences if s.strip()]


def _is_place(part):
    words = part.split()
    return (
        0 < len(words) <= 3
        and all(w[:1].isupper() for w in words)
        and not any(w.lower().strip(".") in _INSTITUTION_WORDS for w in words)
        and not re.search(r"\d", part)
    )


def parse_place(text):
    """Institution, department, short name, city and country from "X, Y, City"."""
    short_name = ""
    for inner in _PARENTHESIS.findall(text):
        if re.fullmatch(r"[A-Z][A-Za-z&]{1,11}", inner) and inner.upper() == inner:
            short_name = inner
    text = _PARENTHESIS.sub("", text)
    text = re.sub(r"\s*&\s+and\s+|\s+and\s+&\s*", " and ", text)
    parts = [re.sub(r"^the\s+", "", p.strip(), flags=re.I) for p in text.split(",")]
    parts = [p for p in parts if p]
    places = []
    while len(parts) > 1 and len(places) < 2 and _is_place(parts[-1]):
        places.insert(0, parts.pop())
    city, country = [*places, "", ""][:2]
    departments = [p for p in parts if _DEPARTMENT.match(p)]
    if len(departments) == len(parts):
        departments = []
    institution = ", ".join(p for p in parts if p not in departments)
    return {
        "institution": institution,
        "department": ", ".join(departments),
        "short_name": short_name,
        "city": city,
        "country": country,
    }


def _subject_author(subject, authors, current):
    subject = subject.strip()
    if re.fullmatch(r"(?:the\s+authors?|he|she|they)", subject, re.I):
        return current
    for index, author in enumerate(authors):
        surname = author.name.split()[-1]
        if re.search(rf"\b{re.escape(surname)}\b", subject):
            return index
    return None


def parse_author_note(note, authors):
    """Affiliations from "The author is a Research Fellow at X, City. He was ... 2015-2016."

    Returns (affiliations, warnings). A past position without years is reported, not
    imported: with no end year the archive would show it as current.
    """
    affiliations, warnings, current = [], [], 0
    if not authors:
        return [], ["an author note but no byline: affiliations not imported"]
    for sentence in _sentences(note):
        sentence = sentence.rstrip(".").strip()
        match = _NOTE_SENTENCE.match(sentence)
        if not match:
            continue
        index = _subject_author(match.group("subject"), authors, current)
        if index is None:
            continue
        current = index
        rest = match.group("rest")
        split = _ROLE_PLACE.split(rest, maxsplit=1)
        if len(split) != 2:
            continue
        role, place = (s.strip() for s in split)
        start = end = None
        if years := _YEAR_RANGE.search(place):
            start = int(years.group("start"))
            end_text = years.group("end")
            end = int(end_text) if len(end_text) == 4 else int(str(start)[:2] + end_text)
            place = place[: years.start()]
        elif since := _SINCE_YEAR.search(place):
            start = int(since.group("start"))
            place = place[: since.start()]
        elif single := _IN_YEAR.search(place):
            start = end = int(single.group("year"))
            place = place[: single.start()]
        past = match.group("verb") in _PAST_VERBS
        if past and end is None:
            warnings.append(f"past position without years not imported: “{sentence}”")
            continue
        department = ""
        if "," in role:
            role, department = (s.strip() for s in role.split(",", 1))
        elif academic := _ACADEMIC_ROLE_OF.match(role):
            role, department = academic.group("role"), academic.group("department")
        found = parse_place(place)
        if not found["institution"]:
            continue
        if found["department"]:
            department = ", ".join(d for d in (department, found["department"]) if d)
        affiliations.append(
            ParsedAffiliation(
                author_index=index,
                role=role[:1].upper() + role[1:],
                institution=found["institution"],
                department=department,
                short_name=found["short_name"],
                city=found["city"],
                country=found["country"],
                start_year=start,
                end_year=end,
                current=not past,
            )
        )
    return affiliations, warnings


# The whole dump ------------------------------------------------------------------------


def parse_dump(text, source="dump"):
    """Everything the importer can find in one dump's text; raises `DumpError` if no title."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").translate(_SPACES)
    lines = [Line(number, " ".join(raw.split())) for number, raw in enumerate(text.split("\n"), 1)]
    first = next((line for line in lines if line.text), None)
    if first is None:
        raise DumpError.at(source, 1, "the file is empty")

    header, body_start = _split_header(lines)
    texts = [line for line, kind in header if kind == "text"]
    if not texts:
        raise DumpError.at(
            source, first.number, f"no recognisable title: it starts with {_describe(first.text)}"
        )
    cards = _series_cards(lines)
    kicker = ""
    if _is_kicker(texts, cards):
        kicker, texts = texts[0].text, texts[1:]
    title_line, authors, deck = texts[0], [], []
    if not re.search(r"[^\W\d_]", title_line.text):
        raise DumpError.at(source, title_line.number, f"no recognisable title: {title_line.text!r}")
    for line in texts[1:]:
        byline = parse_byline(line.text)
        if byline and not authors:
            authors = byline
        else:
            deck.append(line.text)
    article = ParsedArticle(source=source, title=title_line.text, title_line=title_line.number)
    article.kicker, article.deck, article.authors = kicker, " ".join(deck), authors
    for line, kind in header:
        if kind == "date" and article.date is None:
            article.date, article.date_line = parse_date(line.text), line.number
        elif kind == "reading_time":
            article.stated_reading_time = int(_READING_TIME.match(line.text).group(1))

    body_lines = lines[body_start:]
    note, body_lines = _extract_note(body_lines)
    tail = next(
        (i for i, line in enumerate(body_lines) if line.text.casefold() in _TAIL_MARKERS), None
    )
    if tail is not None:
        body_lines = body_lines[:tail]
    blocks = _blocks(_drop_furniture(body_lines))
    if not note and blocks and _NOTE_PARAGRAPH.match(blocks[-1][0].text):
        note = " ".join(line.text for line in blocks.pop())
    items = _items(blocks)
    if not items:
        raise DumpError.at(source, title_line.number, "no article text after the title and byline")
    article.plain_text = "\n".join(text for _, text in items)
    article.title, article.title_repairs = repair_title(title_line.text, article.plain_text)
    article.raw_title = title_line.text
    items = _drop_repeated_headings(items, [article.title, article.raw_title])
    article.body = _markdown(items)

    article.author_note = note
    if note:
        article.affiliations, note_warnings = parse_author_note(note, authors)
        article.warnings.extend(note_warnings)
    if kicker:
        article.series = next(
            (card for card in cards if card.category.casefold() == kicker.casefold()), None
        )
    if article.date is None:
        article.warnings.append("no publication date found")
    if not slug_for(article.title):
        raise DumpError.at(source, title_line.number, "the title has no letters a URL can use")
    return article


# --------------------------------------------------------------------------- vocabulary

_SEPARATORS = r"[\s\-‐‑–—]+"


@functools.lru_cache(maxsize=4096)
def term_pattern(term):
    """A regex for a topic, theme or region name or alias: whole words, any case.

    All-capital acronyms match only in capitals, or "US" would match "us" and "ISA" the
    name "Isa". Spaces and hyphens are interchangeable ("Indo Pacific", "Indo-Pacific").
    """
    words = [w for w in re.split(_SEPARATORS, term.strip()) if w]
    core = _SEPARATORS.join(re.escape(w) for w in words)
    acronym = not any(c.islower() for c in term) and any(c.isalpha() for c in term)
    if acronym:
        return re.compile(rf"(?<!\w){core}s?(?!\w)")
    return re.compile(rf"(?<!\w){core}s?(?!\w)", re.IGNORECASE)


def _normal(text):
    return " ".join(re.findall(r"\w+", text.casefold()))


def terms_for(name, slug, aliases):
    """Every way of writing one entry: its name, its slug as words, its aliases."""
    terms = [name]
    slug_words = slug.replace("-", " ")
    if slug_words and _normal(slug_words) != _normal(name):
        terms.append(slug_words)
    terms.extend(aliases)
    return terms


def find_terms(text, entries):
    """{entry: number of mentions} for (entry, [terms]) pairs mentioned in `text`."""
    found = Counter()
    for entry, terms in entries:
        spans = set()
        for term in terms:
            spans.update(m.span() for m in term_pattern(term).finditer(text))
        if spans:
            found[entry] = len(spans)
    return found


class Vocabulary:
    """Topics, themes and regions with every way of writing them, loaded once per run."""

    def __init__(self):
        aliases = {}
        for alias in VocabularyAlias.objects.all():
            for kind in ["topic", "theme", "region"]:
                if target_id := getattr(alias, f"{kind}_id"):
                    aliases.setdefault((kind, target_id), []).append(alias.text)
        self.topics = [
            (topic, terms_for(topic.name, topic.slug, aliases.get(("topic", topic.pk), [])))
            for topic in Topic.objects.select_related("theme")
        ]
        self.themes = [
            (theme, terms_for(theme.name, theme.slug, aliases.get(("theme", theme.pk), [])))
            for theme in Theme.objects.all()
        ]
        self.regions = [
            (region, terms_for(region.name, region.slug, aliases.get(("region", region.pk), [])))
            for region in Region.objects.all()
        ]

    def suggest(self, text):
        """(topics, themes, regions) the text mentions; themes include their topics' themes."""
        topics = sorted(find_terms(text, self.topics), key=lambda t: t.name.casefold())
        themes = set(find_terms(text, self.themes)) | {t.theme for t in topics if t.theme}
        regions = sorted(find_terms(text, self.regions), key=lambda r: r.name.casefold())
        return topics, sorted(themes, key=lambda t: (t.position, t.name)), regions


# --------------------------------------------------------------------------- saving


_STOP_WORDS = {"of", "the", "and", "for", "at", "in", "on", "a", "an"}
INSTITUTION_MATCH_THRESHOLD = 0.75


def _tokens(name):
    return {
        w for w in re.findall(r"\w+", name.casefold().replace("&", " and ")) if w not in _STOP_WORDS
    }


def institution_similarity(parsed_name, known_name):
    """Word overlap of two institution names, ignoring "of", "the", "&" and "and".

    "Saltzman Institute of War & and Peace, Columbia University" and "Saltzman Institute
    of War and Peace Studies, Columbia University" share all but "Studies": 6/7.
    """
    best = 0.0
    for candidate in {known_name, known_name.split(",")[0]}:
        a, b = _tokens(parsed_name), _tokens(candidate)
        if a and b:
            best = max(best, len(a & b) / len(a | b))
    return best


def match_institution(parsed, institutions):
    """The known institution this affiliation names: by name, short name or a close name."""
    name = parsed.institution.casefold()
    for institution in institutions:
        if name in {institution.name.casefold(), institution.slug} or (
            institution.short_name and name == institution.short_name.casefold()
        ):
            return institution
    if parsed.short_name:
        for institution in institutions:
            if institution.short_name.casefold() == parsed.short_name.casefold():
                return institution
    scored = [(institution_similarity(parsed.institution, i.name), i) for i in institutions]
    scored = [(score, i) for score, i in scored if score >= INSTITUTION_MATCH_THRESHOLD]
    return max(scored, key=lambda pair: pair[0])[1] if scored else None


def _unique_slug(model, base, max_length=200):
    base = (base or "item")[:max_length]
    slug, number = base, 2
    while model.objects.filter(slug=slug).exists():
        suffix = f"-{number}"
        slug = base[: max_length - len(suffix)] + suffix
        number += 1
    return slug


@dataclass
class ImportResult:
    parsed: ParsedArticle
    article: Article
    action: str
    article_type: ArticleType
    type_reason: str
    series: Series | None = None
    series_note: str = ""
    authors: list = field(default_factory=list)
    affiliations: list = field(default_factory=list)
    topics: list = field(default_factory=list)
    themes: list = field(default_factory=list)
    regions: list = field(default_factory=list)


class _Importer:
    """One run: options, the vocabulary and the institutions, shared across its files."""

    def __init__(self, *, publish, series_slug, type_slug, created_by=None):
        self.publish = publish
        self.created_by = created_by
        self.vocabulary = Vocabulary()
        self.institutions = list(Institution.objects.all())
        self.forced_series = self._lookup(Series, series_slug, "--series") if series_slug else None
        self.forced_type = self._lookup(ArticleType, type_slug, "--type") if type_slug else None

    @staticmethod
    def _lookup(model, value, option):
        found = model.objects.filter(Q(slug=value) | Q(name__iexact=value)).first()
        if found is None:
            label = model._meta.verbose_name
            raise DumpError.at(option, None, f"no {label} with the slug or name “{value}”")
        return found

    def _article_type(self, parsed):
        if self.forced_type:
            return self.forced_type, "from --type"
        name, reason = parsed.inferred_type()
        if name:
            found = ArticleType.objects.filter(Q(name__iexact=name) | Q(slug=slugify(name))).first()
            if found:
                return found, f"inferred: {reason}"
            reason = f"no “{name}” type in the archive"
        default = getattr(settings, "ARCHIVE_IMPORT_DEFAULT_TYPE", "analysis")
        found = ArticleType.objects.filter(Q(slug=default) | Q(name__iexact=default)).first()
        if found is None:
            raise DumpError.at(
                parsed.source,
                parsed.title_line,
                f"cannot choose an article type ({reason}, and no default type “{default}”); "
                "pass --type",
            )
        return found, f"default ({reason})"

    def _series(self, parsed):
        if self.forced_series:
            return self.forced_series, "from --series"
        if parsed.series:
            name = parsed.series.name
            found = Series.objects.filter(Q(name__iexact=name) | Q(slug=slugify(name))).first()
            if found:
                return found, "existing"
            series = Series.objects.create(
                name=name,
                slug=_unique_slug(Series, slugify(name)),
                description=parsed.series.description,
            )
            return series, "new"
        if parsed.kicker:
            found = Series.objects.filter(name__iexact=parsed.kicker).first()
            if found:
                return found, "existing, from the category line"
        return None, ""

    def _author(self, parsed_author):
        slug = slugify(parsed_author.name)
        author = Author.objects.filter(Q(slug=slug) | Q(name__iexact=parsed_author.name)).first()
        if author is None:
            author = Author.objects.create(
                honorific=parsed_author.honorific,
                name=parsed_author.name,
                slug=_unique_slug(Author, slug),
            )
            return author, "new"
        if parsed_author.honorific and not author.honorific:
            author.honorific = parsed_author.honorific
            author.save(update_fields=["honorific"])
            return author, "existing, honorific added"
        return author, "existing"

    def _institution(self, parsed):
        institution = match_institution(parsed, self.institutions)
        if institution:
            return institution, "existing"
        institution = Institution.objects.create(
            name=parsed.institution[:200],
            short_name=parsed.short_name,
            slug=_unique_slug(Institution, slugify(parsed.institution)),
            city=parsed.city,
            country=parsed.country,
        )
        self.institutions.append(institution)
        return institution, "new"

    def _affiliation(self, author, parsed, source):
        institution, institution_note = self._institution(parsed)
        affiliation = author.affiliations.filter(
            institution=institution, role__iexact=parsed.role
        ).first()
        status = "existing"
        if affiliation is None:
            affiliation = Affiliation(author=author, institution=institution, role=parsed.role)
            status = "new"
        for name in ["department", "start_year", "end_year"]:
            if getattr(affiliation, name) in ("", None) and getattr(parsed, name) not in ("", None):
                setattr(affiliation, name, getattr(parsed, name))
                status = "updated" if status == "existing" else status
        try:
            affiliation.full_clean()
        except ValidationError as error:
            raise DumpError.at(source, None, f"affiliation “{affiliation}”: {error}") from error
        if status != "existing":
            affiliation.save()
        return affiliation, status, institution_note

    def save(self, parsed):
        article_type, type_reason = self._article_type(parsed)
        series, series_note = self._series(parsed)
        article = (
            Article.objects.filter(slug=parsed.slug).first()
            or Article.objects.filter(redirects__old_slug=parsed.slug).first()
        )
        action = "updated" if article else "created"
        if article is None:
            article = Article(
                slug=parsed.slug, status=Article.Status.DRAFT, created_by=self.created_by
            )
        article.title = parsed.title
        article.body = parsed.body
        article.article_type = article_type
        article.series = series or article.series
        if parsed.deck:
            article.deck = parsed.deck[:400]
        if parsed.published_at:
            article.published_at = parsed.published_at
        if self.publish:
            if article.published_at is None:
                raise DumpError.at(
                    parsed.source, parsed.title_line, "no date found: cannot --publish"
                )
            article.status = Article.Status.PUBLISHED
        try:
            article.full_clean()
        except ValidationError as error:
            messages_ = "; ".join(f"{k}: {' '.join(v)}" for k, v in error.message_dict.items())
            raise DumpError.at(parsed.source, parsed.title_line, messages_) from error
        article.save()

        result = ImportResult(parsed, article, action, article_type, type_reason)
        result.series, result.series_note = series, series_note
        authors = []
        for parsed_author in parsed.authors:
            author, note = self._author(parsed_author)
            authors.append(author)
            result.authors.append((author, note))
        for position, author in enumerate(authors, 1):
            Authorship.objects.update_or_create(
                article=article,
                author=author,
                defaults={"position": position, "role": Authorship.Role.AUTHOR},
            )
        article.authorships.filter(role=Authorship.Role.AUTHOR).exclude(author__in=authors).delete()
        article.renumber_authorships()
        for parsed_affiliation in parsed.affiliations:
            author = authors[parsed_affiliation.author_index]
            result.affiliations.append(self._affiliation(author, parsed_affiliation, parsed.source))

        topics, themes, regions = self.vocabulary.suggest(f"{parsed.title}\n{parsed.plain_text}")
        if action == "created":
            article.topics.set(topics)
            article.regions.set(regions)
        else:
            article.topics.add(*topics)
            article.regions.add(*regions)
        result.topics, result.themes, result.regions = topics, themes, regions
        return result


def parse_documents(documents):
    """Parse every document first, so one bad file stops the run before anything is saved."""
    parsed, problems, slugs = [], [], {}
    for document in documents:
        try:
            article = parse_dump(decode_dump(document.data, document.source), document.source)
        except DumpError as error:
            problems.extend(error.problems)
            continue
        if article.slug in slugs:
            message = f"same title as {slugs[article.slug]}: “{article.title}”"
            problems.append(Problem(document.source, article.title_line, message))
            continue
        slugs[article.slug] = document.source
        parsed.append(article)
    if problems:
        raise DumpError(problems)
    return parsed


def import_dumps(
    documents, *, publish=False, series_slug="", type_slug="", dry_run=False, created_by=None
):
    """Parse and save every document in one transaction; a dry run rolls it back.

    A dry run goes through exactly the same saving code, so what it reports (new or
    existing authors, created or updated articles) is what a real run would do.
    """
    parsed = parse_documents(documents)
    with transaction.atomic():
        importer = _Importer(
            publish=publish, series_slug=series_slug, type_slug=type_slug, created_by=created_by
        )
        results = [importer.save(article) for article in parsed]
        if dry_run:
            transaction.set_rollback(True)
    return results


def read_paths(paths):
    """Documents for the files named, and the .txt files in the directories named."""
    documents, problems = [], []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() == ".txt")
            if not files:
                problems.append(Problem(raw, None, "no .txt files in this directory"))
        elif path.is_file():
            files = [path]
        else:
            problems.append(Problem(raw, None, "no such file or directory"))
            continue
        for file in files:
            if file.stat().st_size > MAX_DUMP_BYTES:
                problems.append(Problem(str(file), None, f"larger than {MAX_DUMP_BYTES:,} bytes"))
            else:
                documents.append(Document(str(file), file.read_bytes()))
    if problems:
        raise DumpError(problems)
    return documents


# --------------------------------------------------------------------------- reporting


def _names(objects):
    return ", ".join(str(o) for o in objects) or "—"


def report_rows(result):
    """(label, value) rows describing what one file yielded, for the command and the admin."""
    parsed, article = result.parsed, result.article
    title = article.title
    if parsed.title_repairs:
        title += f"  (repaired from “{parsed.raw_title}”: {'; '.join(parsed.title_repairs)})"
    stated = (
        f", the dump says {parsed.stated_reading_time} min" if parsed.stated_reading_time else ""
    )
    affiliations = [
        f"{affiliation}, {affiliation.years or 'current'} [{status}; "
        f"{institution_note} institution{', ' if place else ''}{place}]"
        for affiliation, status, institution_note in result.affiliations
        for place in [affiliation.institution.place]
    ]
    rows = [
        ("action", f"{result.action}, {article.get_status_display().lower()}"),
        ("title", title),
        ("slug", article.slug),
        ("date", parsed.date.isoformat() if parsed.date else "— (none found)"),
        ("authors", _names(f"{a.display_name} [{note}]" for a, note in result.authors)),
        ("type", f"{result.article_type} ({result.type_reason})"),
        ("series", f"{result.series} [{result.series_note}]" if result.series else "—"),
        ("length", f"{parsed.word_count:,} words, {parsed.reading_time} min read{stated}"),
        ("topics", _names(result.topics)),
        ("themes", _names(result.themes)),
        ("regions", _names(result.regions)),
        ("affiliations", "\n".join(affiliations) or "—"),
    ]
    if parsed.warnings:
        rows.append(("warnings", "\n".join(parsed.warnings)))
    return rows


def format_report(results, *, dry_run=False, width=100):
    """A plain-text table per file, wrapped to `width` columns."""
    label_width = max(len(label) for result in results for label, _ in report_rows(result))
    out = []
    for result in results:
        out.append(result.parsed.source)
        for label, value in report_rows(result):
            lines = []
            for paragraph in value.split("\n"):
                lines.extend(
                    textwrap.wrap(paragraph, width - label_width - 4, break_on_hyphens=False)
                    or [""]
                )
            for index, line in enumerate(lines):
                out.append(f"  {label if index == 0 else '':<{label_width}}  {line}")
        out.append("")
    counts = Counter(result.action for result in results)
    summary = f"{len(results)} file(s): {counts['created']} created, {counts['updated']} updated"
    out.append(summary + (" (dry run: nothing was saved)" if dry_run else ""))
    return "\n".join(out)


# --------------------------------------------------------------------------- admin upload


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".txt,text/plain"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data] if data else [single(None, initial)]
        return [single(data, initial)]


class ImportUploadForm(forms.Form):
    """The admin's upload form: the files and the command's options."""

    files = MultipleFileField(label="Text dumps", help_text="One or more UTF-8 .txt files.")
    article_type = forms.ModelChoiceField(
        ArticleType.objects.all(),
        required=False,
        to_field_name="slug",
        empty_label="Infer from each dump",
        label="Type",
    )
    series = forms.ModelChoiceField(
        Series.objects.all(), required=False, to_field_name="slug", empty_label="From each dump"
    )
    publish = forms.BooleanField(
        required=False, help_text="Publish on the dump's date. Otherwise articles are drafts."
    )

    def __init__(self, *args, can_publish=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not can_publish:
            del self.fields["publish"]

    def import_options(self):
        data = self.cleaned_data
        return {
            "publish": bool(data.get("publish")),
            "series_slug": data["series"].slug if data.get("series") else "",
            "type_slug": data["article_type"].slug if data.get("article_type") else "",
        }


PAYLOAD_SALT = "archive.importers.preview"
PAYLOAD_MAX_AGE = 60 * 60


def import_view(model_admin, request):
    """Upload dumps, see what the importer found (a dry run), then confirm to save.

    The confirmation carries the previewed files in a signed field, so what is saved is
    exactly what was previewed, without keeping uploads on the server.
    """
    if not (model_admin.has_add_permission(request) and model_admin.has_change_permission(request)):
        raise PermissionDenied
    can_publish = publishing.can_publish(request.user)
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": "Import articles from text dumps",
    }
    if request.method == "POST" and "payload" in request.POST:
        try:
            payload = signing.loads(
                request.POST["payload"], salt=PAYLOAD_SALT, max_age=PAYLOAD_MAX_AGE
            )
        except signing.BadSignature:
            model_admin.message_user(
                request, "The preview has expired; please upload the files again.", messages.ERROR
            )
            return HttpResponseRedirect(request.path)
        if payload["options"]["publish"] and not can_publish:
            raise PermissionDenied
        documents = [Document(name, base64.b64decode(data)) for name, data in payload["files"]]
        try:
            results = import_dumps(documents, created_by=request.user, **payload["options"])
        except DumpError as error:
            for problem in error.problems:
                model_admin.message_user(request, str(problem), messages.ERROR)
            return HttpResponseRedirect(request.path)
        counts = Counter(result.action for result in results)
        model_admin.message_user(
            request,
            f"Imported {len(results)} file(s): {counts['created']} article(s) created, "
            f"{counts['updated']} updated.",
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse("admin:archive_article_changelist"))

    form = ImportUploadForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        can_publish=can_publish,
    )
    if form.is_valid():
        documents = [Document(f.name, f.read()) for f in form.cleaned_data["files"]]
        options = form.import_options()
        try:
            results = import_dumps(documents, dry_run=True, **options)
        except DumpError as error:
            for problem in error.problems:
                form.add_error("files", str(problem))
        else:
            context["results"] = [(result, report_rows(result)) for result in results]
            context["payload"] = signing.dumps(
                {
                    "files": [[d.source, base64.b64encode(d.data).decode()] for d in documents],
                    "options": options,
                },
                salt=PAYLOAD_SALT,
                compress=True,
            )
    context["form"] = form
    return TemplateResponse(request, "admin/archive/article/import.html", context)
