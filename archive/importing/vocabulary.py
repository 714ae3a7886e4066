"""Topics, themes and regions a text mentions, by name, slug or alias."""

import functools
import re
from collections import Counter

from archive.models import Region, Theme, Topic, VocabularyAlias

_SEPARATORS = r"[\s\-‐‑–—]+"


@functools.lru_cache(maxsize=4096)
def term_pattern(term):
    """A regex for a topic, theme or region name or alias: whole words, any case.

    All-capital acronyms match only in capitals, or "US" would match "us" and "ISA" the
    name "Isa". Spaces and hyphens are interchangeable ("Indo Pacific", "Indo-Pacific").
    """
    words = [w for w in re.split(_SEPARATORS, term.strip()) if w]
    core = _SEPARATORS.join(re.escape(w) for w in words)
    acronym = not any(c.islower() for c in term) and any(c.isalpha() for c in term)
    if acronym:
        return re.compile(rf"(?<!\w){core}s?(?!\w)")
    return re.compile(rf"(?<!\w){core}s?(?!\w)", re.IGNORECASE)


MISSING_VOCABULARY = (
    "No topics, themes or regions were suggested: this archive has no vocabulary yet. "
    "Load it with `manage.py loaddata vocabulary` (or your own), then import again: "
    "re-importing a file updates the article it made."
)


def missing_vocabulary_note():
    """Why an import suggested no taxonomy, and the command that fixes it ("" if none)."""
    if Topic.objects.exists() or Theme.objects.exists() or Region.objects.exists():
        return ""
    return MISSING_VOCABULARY


def _normal(text):
    return " ".join(re.findall(r"\w+", text.casefold()))


def terms_for(name, slug, aliases):
    """Every way of writing one entry: its name, its slug as words, its aliases."""
    terms = [name]
    slug_words = slug.replace("-", " ")
    if slug_words and _normal(slug_words) != _normal(name):
        terms.append(slug_words)
    terms.extend(aliases)
    return terms


def find_terms(text, entries):
    """{entry: number of mentions} for (entry, [terms]) pairs mentioned in `text`."""
    found = Counter()
    for entry, terms in entries:
        spans = set()
        for term in terms:
            spans.update(m.span() for m in term_pattern(term).finditer(text))
        if spans:
            found[entry] = len(spans)
    return found


class Vocabulary:
    """Topics, themes and regions with every way of writing them, loaded once per run."""

    def __init__(self):
        aliases = {}
        for alias in VocabularyAlias.objects.all():
            for kind in ["topic", "theme", "region"]:
                if target_id := getattr(alias, f"{kind}_id"):
                    aliases.setdefault((kind, target_id), []).append(alias.text)
        self.topics = [
            (topic, terms_for(topic.name, topic.slug, aliases.get(("topic", topic.pk), [])))
            for topic in Topic.objects.select_related("theme")
        ]
        self.themes = [
            (theme, terms_for(theme.name, theme.slug, aliases.get(("theme", theme.pk), [])))
            for theme in Theme.objects.all()
        ]
        self.regions = [
            (region, terms_for(region.name, region.slug, aliases.get(("region", region.pk), [])))
            for region in Region.objects.all()
        ]

    def suggest(self, text):
        """(topics, themes, regions) the text mentions; themes include their topics' themes."""
        topics = sorted(find_terms(text, self.topics), key=lambda t: t.name.casefold())
        themes = set(find_terms(text, self.themes)) | {t.theme for t in topics if t.theme}
        regions = sorted(find_terms(text, self.regions), key=lambda r: r.name.casefold())
        return topics, sorted(themes, key=lambda t: (t.position, t.name)), regions
