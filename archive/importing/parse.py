"""One dump's text to a `ParsedArticle`: the pure half of the importer."""

import re

from .author_note import is_note, parse_author_note, split_off_note
from .body import (
    body_blocks,
    body_items,
    drop_repeated_headings,
    extract_note,
    to_markdown,
)
from .errors import DumpError
from .furniture import READING_TIME, TAIL_MARKERS, drop_furniture, series_cards
from .header import (
    BYLINE_PREFIX,
    UPDATED,
    byline_with_role,
    describe,
    parse_byline,
    parse_date,
    split_header,
    split_kickers,
)
from .parsed import Line, ParsedArticle, slug_for
from .titles import repair_title

_SPACES = {ord(c): " " for c in "\t\xa0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007"}
_SPACES.update({ord(c): " " for c in "\u2008\u2009\u200a\u202f\u205f\u3000"})
_SPACES.update({ord(c): None for c in "\u00ad\u200b\u200c\u200d\u2060\ufeff"})


def parse_dump(text, source="dump"):
    """Everything the importer can find in one dump's text; raises `DumpError` if no title."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").translate(_SPACES)
    lines = [Line(number, " ".join(raw.split())) for number, raw in enumerate(text.split("\n"), 1)]
    first = next((line for line in lines if line.text), None)
    if first is None:
        raise DumpError.at(source, 1, "the file is empty")
    header, body_start = split_header(lines)
    cards = series_cards(lines)
    article = _parse_header(header, cards, source, first)
    note = " ".join(n for n in (article.author_note, _parse_body(article, lines[body_start:])) if n)
    article.author_note = note
    if note:
        article.affiliations, note_warnings = parse_author_note(note, article.authors)
        article.warnings.extend(note_warnings)
    if article.kicker:
        article.series = next(
            (card for card in cards if card.category.casefold() == article.kicker.casefold()),
            None,
        )
    if article.date is None:
        article.warnings.append("no publication date found")
    if not slug_for(article.title):
        raise DumpError.at(source, article.title_line, "the title has no letters a URL can use")
    return article


def _parse_header(header, cards, source, first):
    """Title, kicker, byline, deck, date and stated reading time from the header lines."""
    texts = [line for line, kind in header if kind == "text"]
    if not texts:
        raise DumpError.at(
            source, first.number, f"no recognisable title: it starts with {describe(first.text)}"
        )
    authors, deck, note = [], [], ""
    if len(texts) > 1 and BYLINE_PREFIX.match(texts[0].text) and parse_byline(texts[0].text):
        authors, texts = parse_byline(texts[0].text), texts[1:]
    kicker, texts = split_kickers(texts, cards)
    title_line = texts[0]
    if not re.search(r"[^\W\d_]", title_line.text):
        raise DumpError.at(source, title_line.number, f"no recognisable title: {title_line.text!r}")
    for line in texts[1:]:
        byline = None if authors else parse_byline(line.text)
        with_role = None if authors or byline else byline_with_role(line.text)
        if byline:
            authors = byline
        elif with_role:
            authors, note = with_role
        else:
            deck.append(line.text)
    article = ParsedArticle(source=source, title=title_line.text, title_line=title_line.number)
    article.kicker, article.deck, article.authors = kicker, " ".join(deck), authors
    article.author_note = note
    dated = [line for line, kind in header if kind == "date"]
    updated = [line for line, kind in header if kind == "updated"]
    if dated:
        article.date, article.date_line = parse_date(dated[0].text), dated[0].number
    elif updated:
        text = UPDATED.sub("", updated[0].text).lstrip(" :")
        article.date, article.date_line = parse_date(text), updated[0].number
    for line, kind in header:
        if kind == "reading_time":
            article.stated_reading_time = int(READING_TIME.match(line.text).group(1))
    return article


def _parse_body(article, body_lines):
    """Fill in the body, the plain text and the repaired title; returns the author note."""
    note, body_lines = extract_note(body_lines)
    tail = next(
        (i for i, line in enumerate(body_lines) if line.text.casefold() in TAIL_MARKERS), None
    )
    if tail is not None:
        body_lines = body_lines[:tail]
    blocks = body_blocks(drop_furniture(body_lines))
    if not note:
        note, blocks = split_off_note(blocks, article.authors)
    if article.deck and is_note(article.deck, article.authors):
        note, article.deck = f"{article.deck} {note}".strip(), ""
    items = body_items(blocks)
    if not items:
        raise DumpError.at(
            article.source, article.title_line, "no article text after the title and byline"
        )
    article.plain_text = "\n".join(text for _, text in items)
    raw_title = article.title
    article.title, article.title_repairs = repair_title(raw_title, article.plain_text)
    article.raw_title = raw_title
    items = drop_repeated_headings(items, [article.title, article.raw_title])
    article.body = to_markdown(items)
    return note
