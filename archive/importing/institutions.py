"""Which known institution an author note names."""

import re

_STOP_WORDS = {"of", "the", "and", "for", "at", "in", "on", "a", "an"}
INSTITUTION_MATCH_THRESHOLD = 0.75


def _tokens(name):
    return {
        w for w in re.findall(r"\w+", name.casefold().replace("&", " and ")) if w not in _STOP_WORDS
    }


def institution_similarity(parsed_name, known_name):
    """Word overlap of two institution names, ignoring "of", "the", "&" and "and".

    "Saltzman Institute of War & and Peace, Columbia University" and "Saltzman Institute
    of War and Peace Studies, Columbia University" share all but "Studies": 6/7.
    """
    best = 0.0
    for candidate in {known_name, known_name.split(",")[0]}:
        a, b = _tokens(parsed_name), _tokens(candidate)
        if a and b:
            best = max(best, len(a & b) / len(a | b))
    return best


def match_institution(parsed, institutions):
    """The known institution this affiliation names: by name, short name, alias or a close name."""
    name = parsed.institution.casefold()
    for institution in institutions:
        known = {institution.name.casefold(), institution.slug}
        known.update(alias.casefold() for alias in institution.alias_names)
        if name in known or (institution.short_name and name == institution.short_name.casefold()):
            return institution
    if parsed.institution.isupper():
        for institution in institutions:
            if institution.name.casefold().startswith(name + " "):
                return institution
    if parsed.short_name:
        for institution in institutions:
            if institution.short_name.casefold() == parsed.short_name.casefold():
                return institution
    scored = [(institution_similarity(parsed.institution, i.name), i) for i in institutions]
    scored = [(score, i) for score, i in scored if score >= INSTITUTION_MATCH_THRESHOLD]
    return max(scored, key=lambda pair: pair[0])[1] if scored else None
