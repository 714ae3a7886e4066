"""Author notes: dated affiliations from "The author is a Fellow at X, City. ..."."""

import re

from .parsed import ParsedAffiliation

_ABBREVIATION = re.compile(
    r"(?:\b(?:Dr|Prof|Mr|Mrs|Ms|Mx|St|Jr|Sr|No|Vol|Lt|Gen|Col|Cdr|Capt|Amb|Adm|Brig|Maj|Hon|Rev|"
    r"Smt|Sen|Rep|Gov)|\b[A-Z])\.$"
)
_NOTE_SENTENCE = re.compile(
    r"^(?P<subject>.+?)\s+(?P<verb>is|are|has been|have been|serves as|was|were|had been|"
    r"served as)\s+(?:(?:also|currently|presently|formerly|previously|now)\s+)*"
    r"(?:(?:an?|the)\s+)?(?P<rest>.+)$"
)
_PAST_VERBS = {"was", "were", "had been", "served as"}
_AND_CLAUSE = re.compile(
    r",?\s+and\s+(?=(?:is|are|was|were|has been|have been|had been|serves|served|"
    r"previously|formerly|currently|also)\b)"
)
# "the Strategic Studies Programme at the Observer Research Foundation, New Delhi"
_UNIT_AT = re.compile(r"^(?P<unit>[^,]{3,120}?)\s+at\s+(?:the\s+)?(?P<place>\S.*)$")
_NOTE_HEADING = re.compile(
    r"^(?:about the (?:authors?|writers?|contributors?)|the authors?|authors?|contributors?)"
    r"\s*:?$",
    re.I,
)
_NOTE_LABEL = re.compile(
    r"^(?:about the (?:authors?|writers?|contributors?)|authors?)\s*:\s*", re.I
)
_EMPHASIS = re.compile(r"^(?:\*\s+|[_*]+)|[_*]+$")
_NOTE_TAIL_BLOCKS = 4
_NOTE_PROBE = 600  # characters read to decide whether a paragraph is a note
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
    r"^(?:department|dept\.?|school|faculty|division|programme|program|centre|center|project|"
    r"unit|lab|laboratory)\s+(?:of|for|in|on)\b",
    re.I,
)
_ACADEMIC_ROLE_OF = re.compile(
    r"^(?P<role>(?:(?:assistant|associate|visiting|adjunct|full)\s+)?(?:professor|lecturer|"
    r"reader))\s+(?:of|in)\s+(?P<department>.+)$",
    re.I,
)


def _sentences(text):
    """Sentences of a note; a piece ending in an abbreviation ("Dr.", "J.") joins the next.

    Only the previous piece is examined, never the sentence built so far, so a note of
    thousands of initials costs what its length does.
    """
    sentences, previous = [], ""
    for piece in re.split(r"(?<=[.!?;])\s+(?=[^\W\d_a-z])", text):
        if sentences and _ABBREVIATION.search(previous):
            sentences[-1].append(piece)
        else:
            sentences.append([piece])
        previous = piece
    joined = (" ".join(pieces).strip() for pieces in sentences)
    return [sentence for sentence in joined if sentence]


def is_institution(text):
    """Does the text name an institution ("... University", "Centre for ...")?"""
    return any(w.lower().strip(".,") in _INSTITUTION_WORDS for w in text.split())


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


def split_years(place):
    """(place, start year, end year) from "X, City (2017-19)", "X since 2015", "X in 2016"."""
    if years := _YEAR_RANGE.search(place):
        start = int(years.group("start"))
        end_text = years.group("end")
        end = int(end_text) if len(end_text) == 4 else int(str(start)[:2] + end_text)
        return place[: years.start()], start, end
    if since := _SINCE_YEAR.search(place):
        return place[: since.start()], int(since.group("start")), None
    if single := _IN_YEAR.search(place):
        year = int(single.group("year"))
        return place[: single.start()], year, year
    return place, None, None


def parse_author_note(note, authors):
    """Affiliations from "The author is a Research Fellow at X, City. He was ... 2015-2016."

    Returns (affiliations, warnings). A past position without years is reported, not
    imported: with no end year the archive would show it as current.
    """
    affiliations, warnings, current = [], [], 0
    if not authors:
        return [], ["an author note but no byline: affiliations not imported"]
    for sentence in _sentences(clean_note(note)):
        sentence = sentence.rstrip(".").strip()
        match = _NOTE_SENTENCE.match(sentence)
        if not match:
            continue
        index = _subject_author(match.group("subject"), authors, current)
        if index is None:
            continue
        current = index
        for verb, rest in _clauses(match.group("verb"), match.group("rest")):
            found = _affiliation(index, verb, rest)
            if isinstance(found, ParsedAffiliation):
                affiliations.append(found)
            elif found and verb in _PAST_VERBS:
                warnings.append(f"past position without years not imported: “{sentence}”")
    return affiliations, warnings


def _clauses(verb, rest):
    """(verb, rest) for each clause of "is X at Y, and was previously Z at W (2010-12)"."""
    parts = _AND_CLAUSE.split(rest)
    yield verb, parts[0]
    for part in parts[1:]:
        match = _NOTE_SENTENCE.match(f"X {part}")
        if match:
            yield match.group("verb"), match.group("rest")


def _affiliation(index, verb, rest):
    """The affiliation one clause states; True for a past post without years; else None."""
    split = _ROLE_PLACE.split(rest, maxsplit=1)
    if len(split) != 2:
        return None
    role, place = (s.strip() for s in split)
    department = ""
    if unit := _UNIT_AT.match(place):
        department, place = unit.group("unit"), unit.group("place")
    place, start, end = split_years(place)
    past = verb in _PAST_VERBS
    if past and end is None:
        return True
    if "," in role:
        role, more = (s.strip() for s in role.split(",", 1))
        department = ", ".join(d for d in (more, department) if d)
    elif academic := _ACADEMIC_ROLE_OF.match(role):
        role, department = academic.group("role"), academic.group("department")
    found = parse_place(place)
    if not found["institution"]:
        return None
    if found["department"]:
        department = ", ".join(d for d in (department, found["department"]) if d)
    return ParsedAffiliation(
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


def clean_note(text):
    """The note without its label ("About the authors:") or emphasis (_..._, *...*, "* ")."""
    text = _NOTE_LABEL.sub("", text.strip())
    return _EMPHASIS.sub("", text).strip()


def is_note(text, authors, *, continuation=False):
    """Does this paragraph introduce an author: "Name is a Fellow at X", "The author is..."?

    `continuation` also accepts "He was..." for a paragraph after a note.
    """
    sentence = next(iter(_sentences(clean_note(text)[:_NOTE_PROBE])), "")
    match = _NOTE_SENTENCE.match(sentence)
    if not match or not re.search(r"\b(?:at|with|of|in)\b", match.group("rest")):
        return False
    subject = match.group("subject")
    if re.fullmatch(r"the\s+authors?", subject, re.I):
        return True
    if re.fullmatch(r"he|she|they", subject, re.I):
        return continuation
    return len(subject.split()) <= 8 and _subject_author(subject, authors, None) is not None


def split_off_note(blocks, authors):
    """(note, blocks): the author note found in the first block or among the last few.

    A note under a heading ("About the authors", "Author") loses its heading; whatever
    follows a closing note is the site's boilerplate (disclaimers, sponsors) and goes too.
    """
    texts = [" ".join(line.text for line in block) for block in blocks]
    for index in range(max(0, len(blocks) - _NOTE_TAIL_BLOCKS), len(blocks)):
        start = index + 1 if _NOTE_HEADING.match(texts[index]) else index
        if start < len(blocks) and is_note(texts[start], authors):
            end = start + 1
            while end < len(blocks) and is_note(texts[end], authors, continuation=True):
                end += 1
            return " ".join(texts[start:end]), blocks[:index]
    if len(blocks) > 1 and is_note(texts[0], authors):
        return texts[0], blocks[1:]
    return "", blocks
