"""The body: blocks of lines to headings, paragraphs and lists, written as Markdown."""

import re

_BULLET = re.compile(r"^[•●▪◦·‣∙*\-–—]\s+(?P<text>\S.*)$")
_NUMBERED = re.compile(r"^(?P<n>\d{1,2})[.)]\s+(?P<text>\S.*)$")
_LIST_LEAD = re.compile(r"^(?P<lead>[^:.!?*]{2,60}?):\s+(?P<rest>\S.*)$")
_NOTE_START = re.compile(r"^\*{3,}\s*")
_SENTENCE_END = (".", "!", "?", ":", '"', "”", "’", ")")
# A footnote or endnote marker at the end of a sentence: "partnership.[1]", "2019.²".
_NOTE_MARKER = re.compile(r"(?:\[\d{1,3}\]|\^\d{1,3}|[¹²³⁴⁵⁶⁷⁸⁹⁰]){1,4}$")
_MARKER_TAIL = 24  # the most characters four markers take
# A label alone in its paragraph, introducing what follows: "Key points:", "In brief:".
_LABEL = re.compile(r"^\w+(?: \w+){0,3}:$")
# Lines that always start a paragraph of their own: endnotes ("[1] ...") and Q&A turns.
_OWN_PARAGRAPH = re.compile(r"^(?:\[\d{1,3}\]\s|[QA]\d{0,2}[:.]\s)")


def _without_note_marker(text):
    """The text without a footnote marker at its end; only the end is searched."""
    head, tail = text[:-_MARKER_TAIL], text[-_MARKER_TAIL:]
    return head + _NOTE_MARKER.sub("", tail)


def _looks_like_heading(text, next_text=""):
    text = _without_note_marker(text)
    words = text.split()
    return (
        0 < len(words) <= 12
        and len(text) <= 100
        and (text[0].isupper() or text[0].isdigit())
        and not text.endswith((".", ",", ";", ":", "!"))
        and not (text.endswith("?") and len(words) > 8)
        and not (next_text and next_text[0].islower())
        and not _BULLET.match(text)
        and not _OWN_PARAGRAPH.match(text)
    )


def body_blocks(lines):
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


def extract_note(lines):
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


def body_items(blocks):
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
                ends = paragraph and _without_note_marker(paragraph[-1]).endswith(_SENTENCE_END)
                if (ends and text[:1].isupper()) or _OWN_PARAGRAPH.match(text):
                    flush()
                if len(texts) == 1 and _LABEL.match(text):
                    items.append(("h", text.rstrip(": ")))
                elif not paragraph and _looks_like_heading(text, following):
                    items.append(("h", text))
                else:
                    paragraph.append(text)
        flush()
    return items


def drop_repeated_headings(items, titles):
    """Drop a heading repeated right after its section, and the title repeated as one."""
    kept, current = [], {title.casefold() for title in titles}
    for kind, text in items:
        if kind == "h":
            if text.casefold() in current:
                continue
            current = {text.casefold()}
        kept.append((kind, text))
    return kept


def to_markdown(items):
    """Markdown for the items: consecutive list items of one kind make one list."""
    out, previous = [], None
    for kind, text in items:
        if kind == "h":
            out.append([f"## {text}"])
        elif kind == "p":
            out.append([re.sub(r"^([#>])", r"\\\1", text)])
        else:
            if kind == "ul":
                lead = _LIST_LEAD.match(text)
                if lead and len(lead.group("lead").split()) <= 8:
                    text = f"**{lead.group('lead')}:** {lead.group('rest')}"
                text = f"- {text}"
            if previous == kind:
                out[-1].append(text)
            else:
                out.append([text])
        previous = kind
    return "\n\n".join("\n".join(lines) for lines in out) + "\n" if out else ""
