"""Title repair: undo what a site's export did to a title, using the body as the authority."""

import re
from collections import Counter

from .header import SMALL_WORDS

_CHUNK_STRIP = ".,;:!?()[]{}\"'“”‘’*#"


_NOT_WORD = re.compile(r"[\W_]")


def _key(text):
    return _NOT_WORD.sub("", text).casefold()


def _is_mechanical_title_case(words):
    """Every word capitalised, small words too: the mark of a title made from a slug."""
    alphabetic = [w for w in words if w[:1].isalpha()]
    return bool(alphabetic) and all(w[0].isupper() for w in alphabetic)


def _recover_phrase(words, start, chunks, keys):
    """The longest run of title words from `start` that the body spells with punctuation.

    Returns (end, spelling) or None. The body is the authority on how a phrase is
    written: "India Us 22" in a damaged title is "India-US 2+2" in the text.
    """
    forms = _body_spellings(words, start, chunks, keys)
    if not forms:
        return None
    end = max(forms)
    forms = forms[end]
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


def _body_spellings(words, start, chunks, keys):
    """{end: Counter of body spellings} of the title words from `start` to each end.

    One pass over the body: each run of body words whose letters spell the start of the
    title is followed as far as it keeps spelling it, and counted at every title-word end
    it reaches exactly.
    """
    ends, length = {}, 0
    for end in range(start + 1, len(words) + 1):
        length += len(_key(words[end - 1]))
        if length:
            ends.setdefault(length, []).append(end)
    full = "".join(_key(w) for w in words[start:])
    forms = {}
    for first, key in enumerate(keys):
        if not key or not full.startswith(key):
            continue
        reached, last = 0, first
        while last < len(keys) and reached < len(full) and full.startswith(keys[last], reached):
            reached += len(keys[last])
            last += 1
            for end in ends.get(reached, ()) if keys[last - 1] else ():
                forms.setdefault(end, Counter())[" ".join(chunks[first:last])] += 1
    return forms


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
