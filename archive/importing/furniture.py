"""Site furniture: the lines a page export adds around an article (adverts, cards, counters)."""

import re

from .parsed import ParsedSeries

READING_TIME = re.compile(r"^(\d{1,3})\s*min(?:ute)?s?\.?\s+read$", re.I)
VIEWS = re.compile(r"^[\d.,]+\s*[kKmM]?\s+views?$", re.I)
FURNITURE = re.compile(
    r"^(?:advertisement|advertisements|sponsored|share this article|share|print|"
    r"read more|start test|join live|skip to content|\d{1,3}\s*/\s*\d{1,3})$",
    re.I,
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
    """Lines without site furniture: quiz, live and series cards, adverts, counters."""
    kept, index, card_ends = [], 0, _card_ends(lines)
    while index < len(lines):
        if index in card_ends:
            index = card_ends[index] + 1
            continue
        text = lines[index].text
        if not (FURNITURE.match(text) or VIEWS.match(text) or READING_TIME.match(text)):
            kept.append(lines[index])
        index += 1
    return kept
