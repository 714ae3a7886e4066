"""The vocabulary an archive is filed under: types, themes, regions, series, institutions
and topics, the sample's first, then invented ones in proportion to the corpus."""

import itertools
import json
import re

from django.conf import settings
from django.utils.text import slugify

from archive.models import ArticleType, Region, Series, Theme, Topic
from authors.models import Institution

from . import vocabulary as V
from .words import ThemeText, Zipf, capitalise

FIXTURES = [settings.BASE_DIR / "fixtures" / name for name in ("vocabulary.json", "sample.json")]
REGION_PREFERENCE = ["india", "united-states", "china", "indo-pacific", "japan", "australia"]
TYPE_WEIGHTS = {  # slug: (weight, fewest words, most words)
    "commentary": (30, 300, 900),
    "analysis": (25, 900, 2000),
    "viewpoint": (15, 500, 1200),
    "issue-brief": (15, 700, 1500),
    "explainer": (8, 600, 1400),
    "report": (7, 1600, 2500),
}
DEFAULT_TYPE = (10, 300, 2500)


def fixture_rows():
    """The vocabulary fixture (themes, topics, regions), the sample's series and institutions."""
    rows = {}
    for fixture in FIXTURES:
        for row in json.loads(fixture.read_text()):
            rows.setdefault(row["model"], []).append({"pk": row.get("pk"), **row["fields"]})
    return rows


def article_types(using):
    """The weighted types among those every archive has (migration 0014), made if missing.

    They are kept across --clear like the migration's other data; only these six are drawn.
    """
    manager = ArticleType.objects.using(using)
    types = []
    for slug in TYPE_WEIGHTS:
        found = manager.filter(slug=slug).first()
        types.append(found or manager.create(name=slug.replace("-", " ").title(), slug=slug))
    return types


class Taxonomy:
    """The saved vocabulary rows and the weighted draws articles make from them."""

    def __init__(self, rng, sizes, create, using="default"):
        """`sizes` holds the corpus's articles, authors and topics; `create` bulk-saves."""
        self.rng, self.sizes = rng, sizes
        rows = fixture_rows()
        self.types = article_types(using)
        self.themes = create([Theme(**_fields(r)) for r in rows["archive.theme"]])
        by_slug = {theme.slug: theme for theme in self.themes}
        self.regions = create(self._regions(rows.get("archive.region", [])))
        self.series = create(self._series(rows.get("archive.series", [])))
        self.institutions = create(self._institutions(rows.get("authors.institution", [])))
        self.topics = create(self._topics(rows.get("archive.topic", []), by_slug))

    def prepare_draws(self):
        """Each theme's prose and the Zipf draws of themes, topics, regions, series, types."""
        self.texts = {}
        for theme in self.themes:
            others = [w for slug, v in V.THEMES.items() if slug != theme.slug for w in v["terms"]]
            self.texts[theme.pk] = ThemeText(theme.slug, others[::3])
        self.theme_z = Zipf(self.themes, s=0.8)
        self.topics_by_theme = {
            theme.pk: Zipf([t for t in self.topics if t.theme_id == theme.pk] or self.topics)
            for theme in self.themes
        }
        self.topic_z = Zipf(self.topics, s=1.0, offset=2)
        ranked = sorted(
            self.regions,
            key=lambda r: (
                REGION_PREFERENCE.index(r.slug) if r.slug in REGION_PREFERENCE else 99,
                self.rng.random(),
            ),
        )
        self.region_z = Zipf(ranked, s=1.1)
        self.series_z = Zipf(self.series, s=0.9)
        self.series_by_theme = {
            theme.pk: [s for s in self.series if theme.name in s.name] for theme in self.themes
        }
        self.type_choices = [
            (t, TYPE_WEIGHTS.get(t.slug, DEFAULT_TYPE)) for t in sorted(self.types, key=_slug)
        ]

    def _regions(self, fixture):
        regions = [Region(**_fields(r)) for r in fixture]
        known = {r.slug for r in regions}
        for name, code in V.REGIONS:
            if slugify(name) not in known:
                kind = Region.Kind.COUNTRY if code else Region.Kind.REGION
                regions.append(Region(name=name, slug=slugify(name), kind=kind, iso_code=code))
        return regions

    def _series(self, fixture):
        series = [Series(**_fields(r)) for r in fixture]
        wanted = max(2, min(self.sizes["articles"] // 2500, 60))
        names = {s.name for s in series}
        patterns = itertools.cycle(V.SERIES_PATTERNS)
        for theme in itertools.cycle(self.themes):
            if len(series) >= wanted:
                break
            name = next(patterns).format(Theme=theme.name)
            if name in names:
                name = f"{name} {len(series) + 1}"
            names.add(name)
            description = f"Occasional pieces on {theme.name.lower()}."
            series.append(Series(name=name, slug=slugify(name), description=description))
        return series

    def _institutions(self, fixture):
        rng = self.rng
        institutions = [Institution(**_fields(r)) for r in fixture]
        names = {i.name for i in institutions}
        while len(institutions) < max(10, self.sizes["authors"] // 30):
            city, country = rng.choice(V.CITIES)
            field = rng.choice(V.FIELDS)
            name = rng.choice(V.INSTITUTION_PATTERNS).format(city=city, field=field)
            if name in names:
                continue
            names.add(name)
            short = "".join(w[0] for w in re.findall(r"[A-Z][a-z]+", name))[:10]
            institutions.append(
                Institution(
                    name=name,
                    short_name=short,
                    slug=slugify(name)[:190],
                    city=city,
                    country=country,
                    website=f"https://{slugify(name)[:40]}.example.org/",
                )
            )
        return institutions

    def _topics(self, fixture, theme_by_slug):
        """Topics under every theme: the sample's first, then names made from its vocabulary."""
        topics = _TopicQuota(self.rng, self.themes, self.sizes["topics"])
        for row in fixture:
            theme = row["theme"] and theme_by_slug.get(row["theme"][0])
            if theme is not None:
                topics.add(row["name"], theme, row["description"])
        for theme in self.themes:
            topics.invent(theme)
        return topics.topics


class _TopicQuota:
    """Topic names, unique by name and slug, until each theme has its Zipf share."""

    def __init__(self, rng, themes, wanted):
        self.rng, self.topics, self.seen = rng, [], set()
        self.quota = {theme.pk: 1 for theme in themes}
        for theme in Zipf(themes, s=0.8).many(rng, max(wanted - len(themes), 0)):
            self.quota[theme.pk] += 1

    def add(self, name, theme, description=""):
        key = name.lower()
        slug = slugify(name.replace("+", " plus "))[:90]
        if key in self.seen or slug in self.seen or not slug or self.quota[theme.pk] <= 0:
            return
        self.seen.update((key, slug))
        self.quota[theme.pk] -= 1
        self.topics.append(Topic(name=name, slug=slug, theme=theme, description=description))

    def invent(self, theme):
        """The theme's acronyms and phrases, then names from its prose, then numbered ones."""
        vocab = V.THEMES.get(theme.slug, V.FALLBACK_THEME)
        for acronym, expansion in vocab["acronyms"]:
            self.add(acronym, theme, expansion)
        for phrase in vocab["phrases"]:
            self.add(capitalise(phrase), theme)
        text = ThemeText(theme.slug, [])
        for _ in range(self.quota[theme.pk] * 50):
            if self.quota[theme.pk] <= 0:
                break
            self.add(text.fill(self.rng, self.rng.choice(V.TOPIC_PATTERNS)), theme)
        serial = itertools.count(2)
        while self.quota[theme.pk] > 0:
            self.add(f"{theme.name} topic {next(serial)}", theme)


def _fields(row):
    return {key: value for key, value in row.items() if key not in ("pk", "theme")}


def _slug(obj):
    return obj.slug
