"""Random prose with Zipf-like frequencies: a few words are everywhere, most are rare."""

import bisect
import itertools
from random import Random

from django.utils.text import slugify

from . import vocabulary as V

VOCABULARY_SEED = 20260101  # invented names are vocabulary: the same whatever the seed
RARE_NAMES = 4000


class Zipf:
    """Items drawn with weight 1/(rank + offset)^s: the head is common, the tail rare."""

    def __init__(self, items, s=1.0, offset=0, weights=None):
        self.items = list(items)
        if weights is None:
            weights = [1 / (rank + offset) ** s for rank in range(1, len(self.items) + 1)]
        self.cum = list(itertools.accumulate(weights))
        self.total = self.cum[-1]

    def one(self, rng):
        index = bisect.bisect_right(self.cum, rng.random() * self.total)
        return self.items[min(index, len(self.items) - 1)]

    def many(self, rng, k):
        return rng.choices(self.items, cum_weights=self.cum, k=k)

    def distinct(self, rng, k):
        k = min(k, len(self.items))
        chosen = []
        while len(chosen) < k:
            item = self.one(rng)
            if item not in chosen:
                chosen.append(item)
        return chosen


def weighted(rng, pairs):
    """One value from (value, weight) pairs."""
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights)[0]


def capitalise(text):
    return text[:1].upper() + text[1:]


def invented_names(count):
    """Proper nouns nobody else uses (minor places, ships, projects): the rare words."""
    rng = Random(VOCABULARY_SEED)
    names, seen = [], set()
    while len(names) < count:
        stem = "".join(rng.choice(V.SYLLABLES) for _ in range(rng.choice((2, 2, 3))))
        name = capitalise(stem + (rng.choice(V.NAME_ENDINGS) if rng.random() < 0.4 else ""))
        if name.lower() not in seen and len(name) > 4:
            seen.add(name.lower())
            names.append(name)
    return names


class ThemeText:
    """Prose about one theme: its terms, places and acronyms mixed into general policy words."""

    def __init__(self, slug, others):
        vocab = V.THEMES.get(slug, V.FALLBACK_THEME)
        self.terms = vocab["terms"] or V.GENERAL[60:120]
        self.phrases = vocab["phrases"] or self.terms[:5]
        self.places = [p.replace("-", " ") for p in vocab["places"]] or ["the region"]
        self.acronyms = vocab["acronyms"] or [("UN", "United Nations")]
        buckets = [
            (V.GENERAL, 0.55, 1.0),
            (self.terms, 0.2, 0.9),
            (self.phrases, 0.05, 0.8),
            (self.places, 0.08, 1.0),
            ([a for a, _ in self.acronyms], 0.05, 1.0),
            (V.VERBS, 0.04, 0.7),
            (others or V.GENERAL[120:], 0.03, 0.6),
        ]
        items, weights = [], []
        for words, share, s in buckets:
            raw = [1 / rank**s for rank in range(1, len(words) + 1)]
            items += words
            weights += [share * w / sum(raw) for w in raw]
        self.words = Zipf(items, weights=weights)
        self.term_z, self.place_z = Zipf(self.terms), Zipf(self.places)
        self.phrase_z, self.acronym_z = Zipf(self.phrases), Zipf(self.acronyms)

    def sentence(self, rng, low=12, high=26):
        tokens = self.words.many(rng, rng.randint(low, high))
        if len(tokens) > 14:
            comma = rng.randrange(5, len(tokens) - 4)
            tokens[comma] += ","
        return capitalise(" ".join(tokens)) + "."

    def paragraph(self, rng, sentences=(3, 6)):
        return " ".join(self.sentence(rng) for _ in range(rng.randint(*sentences)))

    def fill(self, rng, pattern, rare=None):
        place = self.place_z.one(rng)
        acronym = self.acronym_z.one(rng)[0]
        term, term2 = self.term_z.one(rng), self.term_z.one(rng)
        phrase = self.phrase_z.one(rng)
        values = {
            "place": rare or place,
            "place2": self.place_z.one(rng),
            "term": term,
            "term2": term2,
            "phrase": phrase,
            "acronym": acronym,
            "what": rng.choice(V.TITLE_WHATS),
        }
        values |= {key.capitalize(): capitalise(value) for key, value in values.items()}
        return capitalise(pattern.format(**values))

    def pool_block(self, rng):
        """One Markdown block for the shared paragraph pool, sometimes with inline markup."""
        roll = rng.random()
        if roll < 0.05:
            intro = self.sentence(rng)[:-1] + ":"
            items = "\n".join(f"- {self.sentence(rng, 6, 14)}" for _ in range(rng.randint(3, 5)))
            return f"{intro}\n\n{items}"
        if roll < 0.08:
            return f"{self.sentence(rng)}\n\n> {self.sentence(rng)} {self.sentence(rng)}"
        text = self.paragraph(rng)
        if roll < 0.16:
            words = text.split(" ")
            i = rng.randrange(1, len(words) - 1)
            words[i] = f"**{words[i].rstrip(',.')}**" + words[i][len(words[i].rstrip(",.")) :]
            text = " ".join(words)
        elif roll < 0.22:
            acronym, expansion = self.acronym_z.one(rng)
            text += f" The *{expansion}* ({acronym}) is central to this."
        elif roll < 0.26:
            acronym, _ = self.acronym_z.one(rng)
            link = f"https://example.org/glossary/{slugify(acronym)}"
            text += f" See the [{acronym} explainer]({link})."
        return text
