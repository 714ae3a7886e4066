"""Site furniture: the lines a page export adds around an article (adverts, cards, counters)."""

import re

from .parsed import ParsedSeries

READING_TIME = re.compile(r"^(\d{1,3})\s*min(?:ute)?s?\.?\s+read$", re.I)
VIEWS = re.compile(r"^[\d.,]+\s*[kKmM]?\s+views?$", re.I)
FURNITURE = re.compile(
    r"^(?:advertisement|advertisements|sponsored|start test|join live|skip to content|"
    r"\d{1,3}\s*/\s*\d{1,3}|"
    r"share|share (?:this|on|via) [\w ]{1,30}|print|print (?:this|the) (?:page|article)|"
    r"(?:tags?|filed under|keywords)\s*:.*|follow us\b.{0,80}|"
    r"download(?: the)?(?: full)? (?:pdf|report|paper|brief)\b.{0,60}|download|"
    r"(?:sign up|subscribe)\b.{0,100}|(?:get )?(?:our )?newsletter\b.{0,120}|"
    r"also read\s*:.{0,200}|read more\s*:.{1,200}|"
    r"(?:image|photo|picture)s?(?: credits?)?\s*\d{0,3}\s*:.{0,300}|credit\s*:.{0,100})$",
    re.I,
)
# A cookie banner: a short line about cookies that asks the reader to accept or agree.
_COOKIES = re.compile(
    r"^(?=.{0,250}$)(?=.*\bcookies?\b)(?=.*\b(?:accept|agree|consent|use|uses)\b).*$", re.I
)
# A line that introduces a list of links ("Read more:", "Related"), then link titles.
LINK_BLOCK = re.compile(
    r"^(?:read more|related(?: (?:articles?|reading|content|posts|stories|research))?|"
    r"also read|further reading|more on this topic|you may also like)\s*:?$",
    re.I,
)
_LINK_TITLE_WORDS = 16


def is_furniture(text):
    """Is this whole line page furniture (share, print, tags, credits, prompts)?"""
    return bool(FURNITURE.match(text) or VIEWS.match(text) or READING_TIME.match(text)) or bool(
        _COOKIES.match(text)
    )


TAIL_MARKERS = {
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
_CARD_END_MARKERS = set(_CARD_ENDS.values())
_CARD_LOOKAHEAD = 12


def series_cards(lines):
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


def _card_ends(lines):
    """{line index: index of its card's closing line} for every card start that has one.

    A card closes within the next few non-empty lines. Each line's next closing marker is
    found by one backward pass, so a dump of ten thousand "quiz" lines is one pass too.
    """
    filled = [i for i, line in enumerate(lines) if line.text]
    next_marker, ends = {}, {}
    for position in range(len(filled) - 1, -1, -1):
        index = filled[position]
        text = lines[index].text.casefold()
        end_marker = _CARD_ENDS.get(text)
        if end_marker and end_marker in next_marker:
            end_position = next_marker[end_marker]
            if end_position - position <= _CARD_LOOKAHEAD:
                ends[index] = filled[end_position]
        if text in _CARD_END_MARKERS:
            next_marker[text] = position
    return ends


def drop_furniture(lines):
    """Lines without site furniture: cards, link lists, adverts, prompts, credits, counters."""
    kept, index, card_ends, in_links = [], 0, _card_ends(lines), False
    while index < len(lines):
        if index in card_ends:
            index = card_ends[index] + 1
            continue
        text = lines[index].text
        in_links = in_links and bool(text) and _is_link_title(text)
        if LINK_BLOCK.match(text):
            in_links = True
        elif not (in_links or is_furniture(text)):
            kept.append(lines[index])
        index += 1
    return kept


def _is_link_title(text):
    """A line in a list of links: a short title, not a sentence of the article."""
    return len(text.split()) <= _LINK_TITLE_WORDS and not text.endswith((".", ":", ";"))
