"""The header: title, kicker, deck, byline and date lines above the body."""

import re
import unicodedata

import dateparser

from .author_note import is_institution
from .furniture import LINK_BLOCK, READING_TIME, is_furniture
from .parsed import ParsedAuthor

MAX_TITLE_WORDS = 30
MAX_HEADER_TEXT_LINES = 4
_KICKER_WORDS = 3

_YEAR = re.compile(r"\b(?:1[89]|20)\d{2}\b")
_DATE_PREFIX = re.compile(r"^(?:published|posted|date|dated)(?:\s+on)?\s*:?\s*", re.I)
UPDATED = re.compile(r"^(?:last\s+)?(?:updated|modified)(?:\s+on)?\b", re.I)
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
_INITIALS = re.compile(r"^(?:[^\W\d_]\.)+$")
# "(Retd)" after a service rank is part of the byline, not of the name.
BYLINE_PREFIX = re.compile(r"^(?:(?:written|posted|words|reported|text)\s+)?by\s+", re.I)
_BYLINE_WITH_ROLE = re.compile(
    r"^(?P<name>[^,]{3,80}),\s*(?P<role>[^,]{2,80}),\s*(?P<place>[^:;!?]{3,200})$"
)
RETIRED = re.compile(r"\s*\((?:retd|retired|ret)\.?\)", re.I)
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


def byline_with_role(text):
    """(authors, note) from "By Prof. A, Director, Centre X, Y University", or None.

    The role and place after a single name become an author note, read like any other.
    """
    if not BYLINE_PREFIX.match(text):
        return None
    match = _BYLINE_WITH_ROLE.match(BYLINE_PREFIX.sub("", text.strip()))
    if not match or not is_institution(match.group("place")):
        return None
    authors = parse_byline(f"By {match.group('name')}")
    if not authors or len(authors) != 1:
        return None
    note = f"{match.group('name')} is {match.group('role')} at {match.group('place')}."
    return authors, note


def is_name_token(token):
    """A capitalised word or initials in any script: "Łukasz", "O'Neill", "J.", "राजेश"."""
    if _INITIALS.match(token) and token[0].isupper():
        return True
    word = token[:-1] if token.endswith(".") else token
    if not word or not word[0].isalpha() or word[0].islower():
        return False
    return all(c.isalpha() or c in "'’-" or unicodedata.category(c)[0] == "M" for c in word)


def parse_byline(text):
    """Authors in a byline ("Dr. A", "A and B", "By A, B and C"), or None if it is not one.

    Strict on purpose: every name must look like a name, so a short title or a kicker
    such as "UPSC International relation" is not taken for a byline.
    """
    text = text.strip()
    prefixed = bool(BYLINE_PREFIX.match(text))
    text = RETIRED.sub("", BYLINE_PREFIX.sub("", text))
    if not text or len(text) > 150 or re.search(r"\d|[:;!?()]", text):
        return None
    authors = []
    for part in re.split(r"\s*,\s*(?:and\s+)?|\s+(?:and|&)\s+|\s*[|·•]\s*", text):
        honorific, name = _split_honorific(part.strip())
        tokens = name.split()
        if not tokens or len(tokens) > 5:
            return None
        if not all(is_name_token(t) or t.lower() in _NAME_PARTICLES for t in tokens):
            return None
        if not is_name_token(tokens[-1]):
            return None
        if len(tokens) < 2 and not (honorific or prefixed):
            return None
        authors.append(ParsedAuthor(honorific, name))
    return authors or None


def _is_prose(text):
    words = len(text.split())
    return words > MAX_TITLE_WORDS or (words >= 16 and text.endswith((".", "”", '"')))


DATE_KINDS = ("date", "updated")


def _header_kind(text):
    if READING_TIME.match(text):
        return "reading_time"
    if updated := UPDATED.match(text):
        return "updated" if parse_date(text[updated.end() :].lstrip(" :")) else "meta"
    if is_furniture(text) or LINK_BLOCK.match(text):
        return "meta"
    if parse_date(text):
        return "date"
    return "text"


def split_header(lines):
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
        seen_date = seen_date or kind in DATE_KINDS
    marked = any(kind in DATE_KINDS for _, kind in header) or any(
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


def is_kicker(texts, cards):
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


def split_kickers(texts, cards):
    """(kicker, lines from the title on): section labels above the title come off.

    One label is found by `is_kicker`. Several ("Expert Speak", "Raisina Debates") are the
    short lines above the longest title-cased line before the byline.
    """
    if is_kicker(texts, cards):
        return texts[0].text, texts[1:]
    bylines = [i for i, line in enumerate(texts) if i and parse_byline(line.text)]
    after_title = [
        i for i in bylines if any(len(line.text.split()) > _KICKER_WORDS for line in texts[:i])
    ]
    byline = (after_title or bylines or [None])[0]
    above = texts[:byline]
    titled = [i for i, line in enumerate(above) if _is_title_cased(line.text)]
    if not titled:
        return "", texts
    title = max(titled, key=lambda i: len(above[i].text.split()))
    labels = [line.text for line in above[:title]]
    if not labels or any(
        len(label.split()) > _KICKER_WORDS or re.search(r"[:?!.]$|:", label) for label in labels
    ):
        return "", texts
    return labels[0], texts[title:]


def describe(text):
    if parse_date(text):
        return "a date"
    if _is_prose(text):
        return f"body text ({len(text.split())} words)"
    return f"“{text[:60]}”"
