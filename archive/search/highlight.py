"""Snippets: the passage of each result's body that best shows the words, marked.

The engine marks the words in a passage it picks; given a whole body it analyses every
word of it, about three quarters of a search page's snippet time. It is given the part
of the body around the densest run of words that start like a searched word, three
passages long; a body with no such word is given whole.
"""

import html
import re

import tantivy
from django.utils.html import escape
from django.utils.safestring import mark_safe

from .index import plain_text, text_analyzer
from .query import HIGHLIGHT_START, HIGHLIGHT_STOP
from .reader import Reader

SNIPPET_CHARS = 220
SNIPPET_ELLIPSIS = "…"
_ANALYZER = text_analyzer()
_WORD = re.compile(r"\w+")


def snippets(hits, bodies, using="default"):
    """{article id: snippet with highlight markers} from these articles' HTML bodies.

    The engine picks the passage with the most matched words and marks them; an
    article that matched only in its title or byline starts at its first words.
    """
    if hits.query is None or not bodies:
        return {}
    generator = tantivy.SnippetGenerator.create(
        Reader.searcher(using), hits.query, Reader.schema(using), "body"
    )
    generator.set_max_num_chars(SNIPPET_CHARS)
    stems = Stems(hits.stems)
    marked = {}
    for pk, body_html in bodies.items():
        text = plain_text(body_html)
        start, part = surroundings(text, stems)
        before, after = start > 0, start + len(part) < len(text)
        part = " ".join(part.split())
        document = tantivy.Document()
        document.add_text("body", part)
        snippet = generator.snippet_from_doc(document)
        marked[pk] = _mark(snippet, part, before, after) or _opening(text)
    return marked


class Stems:
    """The searched stems, and which words of a body the engine would match with them:
    each distinct word is analysed once per search page."""

    def __init__(self, stems):
        self.stems = frozenset(stems)
        # What a searched word's stem starts with (a final "i" may have been a "y").
        self.starts = sorted({s[:-1] if s.endswith("i") else s for s in self.stems} - {""})
        self._judged = {}

    def match(self, word):
        judged = self._judged.get(word)
        if judged is None:
            judged = self._judged[word] = not self.stems.isdisjoint(_ANALYZER.analyze(word))
        return judged


def surroundings(text, stems):
    """(where it starts, the part of `text` around its densest run of searched words)."""
    spots = sorted(_searched_words(text, stems))
    if not spots:
        return 0, text
    best, most, first = spots[0], 0, 0
    for last, spot in enumerate(spots):
        while spots[first] < spot - SNIPPET_CHARS:
            first += 1
        if last - first + 1 > most:
            best, most = spots[first], last - first + 1
    start = text.rfind(" ", 0, max(best - SNIPPET_CHARS, 0)) + 1
    end = text.find(" ", best + 2 * SNIPPET_CHARS)
    end = len(text) if end < 0 else end
    return start, text[start:end]


def _searched_words(text, stems):
    """Where the words of `text` that the engine would match with `stems` begin."""
    lower = text.lower()
    for prefix in stems.starts:
        at = lower.find(prefix)
        while at >= 0:
            starts_a_word = at == 0 or not lower[at - 1].isalnum()
            if starts_a_word and stems.match(_WORD.match(lower, at).group()):
                yield at
            at = lower.find(prefix, at + len(prefix))


def _mark(snippet, text, before=False, after=False):
    """The engine's passage with its matches between markers (its ranges are in bytes);
    `before` and `after` say whether the text given is part of a longer one."""
    fragment = snippet.fragment().encode()
    if not fragment:
        return ""
    parts, last = [], 0
    for span in snippet.highlighted():
        parts += [fragment[last : span.start].decode(), HIGHLIGHT_START]
        parts += [fragment[span.start : span.end].decode(), HIGHLIGHT_STOP]
        last = span.end
    parts.append(fragment[last:].decode())
    where = snippet.fragment_range()
    before = f"{SNIPPET_ELLIPSIS} " if before or where.start > 0 else ""
    after = f" {SNIPPET_ELLIPSIS}" if after or where.end < len(text.encode()) else ""
    return f"{before}{''.join(parts).strip()}{after}"


def _opening(text):
    opening = " ".join(text[: 4 * SNIPPET_CHARS].split())
    if len(opening) <= SNIPPET_CHARS and len(text) <= 4 * SNIPPET_CHARS:
        return opening
    return opening[:SNIPPET_CHARS].rsplit(" ", 1)[0] + f" {SNIPPET_ELLIPSIS}"


def render(marked_text):
    """Escape a snippet from the engine and turn its markers into <mark> elements."""
    text = escape(html.unescape(marked_text or ""))
    text = text.replace(HIGHLIGHT_START, "<mark>").replace(HIGHLIGHT_STOP, "</mark>")
    return mark_safe(" ".join(text.split()))
