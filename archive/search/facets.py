"""The facets a search is narrowed by: each one's values for every published article."""

from dataclasses import dataclass

import numpy as np
from django.db.models import CharField, Value

from authors.models import (
    Author,
    Institution,
    display_name_expression,
    family_name_key,
    years_cover,
)

from ..models import (
    Article,
    ArticleType,
    Region,
    Series,
    Theme,
    Topic,
)


@dataclass(frozen=True)
class Facet:
    name: str
    label: str
    numeric: bool = False

    def pairs(self, source):
        """(document positions, value ids): every published article's values, as arrays."""
        raise NotImplementedError

    def all_labels(self):
        """(facet, value id, key, label) rows for every value this facet can take."""
        model, label = self.label_source
        return (
            model.objects.annotate(facet=Value(self.name, output_field=CharField()))
            .values_list("facet", "pk", "slug", label)
            .order_by()
        )

    def sort_key(self, label):
        """How values with equal counts are ordered for the reader."""
        return label.lower()

    def label_rows(self, values):
        """(facet, value, label) rows for selected values the index does not hold."""
        model, label = self.label_source
        return (
            model.objects.public()
            .filter(slug__in=values)
            .annotate(facet=Value(self.name, output_field=CharField()))
            .values_list("facet", "slug", label)
            .order_by()
        )


class ThemeFacet(Facet):
    label_source = (Theme, "name")

    def pairs(self, source):
        """An article is in a theme once, however many of its topics roll up to it."""
        docs, topics = source.topic_links
        themes = source.themes_of(topics)
        return _unique_pairs(docs[themes > 0], themes[themes > 0])


class TopicFacet(Facet):
    label_source = (Topic, "name")

    def pairs(self, source):
        return source.topic_links


class AuthorFacet(Facet):
    label_source = (Author, display_name_expression())

    def sort_key(self, label):
        return family_name_key(label)

    def pairs(self, source):
        return source.bylines


class InstitutionFacet(Facet):
    """Institutions the authors belonged to when the article came out."""

    label_source = (Institution, "name")

    def pairs(self, source):
        """Bylines joined to affiliations held in the article's year, in numpy.

        Vectorised, with the rule itself from `authors.models.years_cover()` (the twin
        of `held_in()`, which `Article.objects.by_institution()` uses); the property test
        in test_facets.py checks the counts agree. In SQL this join would read every
        published article's row.
        """
        docs, authors = source.bylines
        held = source.affiliations  # (author, institution, first year, last year), by author
        first = np.searchsorted(held[0], authors, side="left")
        last = np.searchsorted(held[0], authors, side="right")
        per_byline = last - first
        byline = np.repeat(np.arange(len(docs)), per_byline)
        row = np.arange(per_byline.sum()) - np.repeat(
            np.cumsum(per_byline) - per_byline, per_byline
        )
        row += first[byline]
        year = source.years[docs[byline]]
        kept = years_cover(held[2][row], held[3][row], year)
        return _unique_pairs(docs[byline][kept], held[1][row][kept])


class TypeFacet(Facet):
    label_source = (ArticleType, "name")

    def pairs(self, source):
        return np.arange(source.size), source.types


class SeriesFacet(Facet):
    label_source = (Series, "name")

    def pairs(self, source):
        in_series = np.flatnonzero(source.series)
        return in_series, source.series[in_series]


class RegionFacet(Facet):
    label_source = (Region, "name")

    def pairs(self, source):
        links = Article.regions.through.objects.using(source.using)
        return source.link(links.values_list("article", "region"))


class YearFacet(Facet):
    """Years in the site's time zone, as the listings' `published_at__year` sees them."""

    def pairs(self, source):
        return np.arange(source.size), source.years

    def all_labels(self):
        return None  # a year is its own key and label

    def label_rows(self, values):
        return None


FACETS = [
    ThemeFacet("theme", "Theme"),
    TopicFacet("topic", "Topic"),
    AuthorFacet("author", "Author"),
    InstitutionFacet("institution", "Institution"),
    TypeFacet("type", "Type"),
    SeriesFacet("series", "Series"),
    RegionFacet("region", "Region"),
    YearFacet("year", "Year", numeric=True),
]
FACETS_BY_NAME = {facet.name: facet for facet in FACETS}


def _unique_pairs(docs, values):
    """Each (document, value) pair once, as two arrays."""
    keys = np.unique((docs.astype(np.int64) << 32) | values.astype(np.int64))
    return keys >> 32, keys & 0xFFFFFFFF
