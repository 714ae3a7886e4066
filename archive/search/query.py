"""Readers' search words: cleaned, capped, and parsed as web search syntax."""

import re
from dataclasses import dataclass, field

# Highlighting: the engine marks matches with private-use characters that cannot occur
# in articles; the text is escaped first, then the markers become <mark> tags.
HIGHLIGHT_START = "\ue000"
HIGHLIGHT_STOP = "\ue001"

MAX_QUERY_LENGTH = 512
# Terms (words, phrases, exclusions) a query may hold; later ones are dropped with a note.
# Query parsers limit how deeply a query nests, and no reader's search needs more terms.
MAX_QUERY_TERMS = 32

# Control characters (C0, DEL, C1) and the highlight markers: none belongs in a query.
_NOT_QUERY_TEXT = {
    **dict.fromkeys([*range(32), *range(127, 160)], " "),
    ord(HIGHLIGHT_START): " ",
    ord(HIGHLIGHT_STOP): " ",
}


def normalise_query(text):
    """Reader input with control characters gone and whitespace collapsed, not shortened."""
    return " ".join((text or "").translate(_NOT_QUERY_TEXT).split())


def clean_query(text):
    """Make any reader input safe to hand to an engine: bounded length and term count."""
    return limit_terms(normalise_query(text)[:MAX_QUERY_LENGTH])


@dataclass
class ParsedQuery:
    """A web-search query as groups joined by OR; each group ANDs its terms.

    A term is a tuple of words: one word, or a phrase.
    """

    groups: list = field(default_factory=list)  # [(positives, negatives), ...]

    def __bool__(self):
        return any(positives for positives, _ in self.groups)


_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')
_WORD = re.compile(r"\w+")


def limit_terms(text):
    """The query cut after its MAX_QUERY_TERMS-th term (`or` joins terms, it is not one)."""
    terms = 0
    for match in _TOKEN.finditer(text):
        bare = match.group(3)
        if bare is not None and bare.lower() == "or":
            continue
        terms += 1
        if terms > MAX_QUERY_TERMS:
            return text[: match.start()].rstrip()
    return text


def parse_web_search(text):
    """Parse `"exact phrase" word or other -excluded` as websearch_to_tsquery does.

    A query with nothing positive to find (only exclusions, only punctuation)
    parses as empty, and the engine then finds nothing.
    """
    groups, positives, negatives = [], [], []
    for match in _TOKEN.finditer(text):
        negated, phrase, bare = match.groups()
        if bare is not None and bare.lower() == "or":
            groups.append((positives, negatives))
            positives, negatives = [], []
            continue
        if bare is not None and bare.startswith("-") and len(bare) > 1:
            negated, bare = "-", bare[1:]
        words = tuple(_WORD.findall(phrase if phrase is not None else bare))
        if words:
            (negatives if negated else positives).append(words)
    groups.append((positives, negatives))
    return ParsedQuery([group for group in groups if group[0]])
