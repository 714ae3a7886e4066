"""Article bodies: Markdown in, sanitised HTML out.

Editors paste text from Word files and web pages, so the Markdown may carry raw
HTML. Whatever they paste, readers only ever receive the tags below.
"""

import math
import re

import markdown
import nh3

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "dl",
    "dt", "em", "figcaption", "figure", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img",
    "ins", "li", "ol", "p", "pre", "q", "s", "small", "strong", "sub", "sup", "table",
    "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "ol": {"start"},
    "h2": {"id"},
    "h3": {"id"},
    "h4": {"id"},
}
URL_SCHEMES = {"http", "https", "mailto"}
MARKDOWN_EXTENSIONS = ["extra", "sane_lists", "smarty"]

WORDS_PER_MINUTE = 220
_WORD = re.compile(r"\w+")


def render_markdown(text):
    """Render editor Markdown to HTML that is safe to show without escaping."""
    html = markdown.markdown(text or "", extensions=MARKDOWN_EXTENSIONS, output_format="html")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )


def count_words(text):
    return len(_WORD.findall(text or ""))


def reading_time_minutes(text):
    """Minutes an average reader needs, never less than one for a non-empty body."""
    return minutes_to_read(count_words(text))


def minutes_to_read(words):
    """Reading time for a word count already known (the corpus generator sums its blocks')."""
    return max(1, math.ceil(words / WORDS_PER_MINUTE)) if words else 0
