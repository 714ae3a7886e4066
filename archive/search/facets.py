"""The facets a search is narrowed by: their names, labels and display order.

The engine counts values by id; what a reader sees of a value (its slug in a URL, its
label, where it sorts among equal counts) comes from here.
"""

import threading
from dataclasses import dataclass, field

from django.db import DEFAULT_DB_ALIAS
from django.db.models import CharField, Value

from authors.models import Author, Institution, display_name_expression, family_name_key

from .. import freshness
from ..models import ArticleType, Region, Series, Theme, Topic


@dataclass(frozen=True)
class Facet:
    name: str
    label: str
    label_source: tuple | None = field(compare=False)  # (model, label field or expression)
    numeric: bool = False

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
        """(facet, value, label) rows for selected values: only those readers may see."""
        model, label = self.label_source
        return (
            model.objects.public()
            .filter(slug__in=values)
            .annotate(facet=Value(self.name, output_field=CharField()))
            .values_list("facet", "slug", label)
            .order_by()
        )


class AuthorFacet(Facet):
    def sort_key(self, label):
        return family_name_key(label)


class YearFacet(Facet):
    """Years in the site's time zone, as the listings' `published_at__year` sees them."""

    def all_labels(self):
        return None  # a year is its own id, key and label

    def label_rows(self, values):
        return None


FACETS = [
    Facet("theme", "Theme", (Theme, "name")),
    Facet("topic", "Topic", (Topic, "name")),
    AuthorFacet("author", "Author", (Author, display_name_expression())),
    Facet("institution", "Institution", (Institution, "name")),
    Facet("type", "Type", (ArticleType, "name")),
    Facet("series", "Series", (Series, "name")),
    Facet("region", "Region", (Region, "name")),
    YearFacet("year", "Year", None, numeric=True),
]
FACETS_BY_NAME = {facet.name: facet for facet in FACETS}


class FacetLabels:
    """Every facet value's key and label by id, read once per content version per process.

    The engine counts ids; a common word's counts name thousands of authors and topics,
    which are labelled and ordered from here without a query per search.
    """

    _read = {}  # database alias -> FacetLabels
    _lock = threading.Lock()

    def __init__(self, version, rows):
        self.version = version
        self.by_id = {facet.name: {} for facet in FACETS}
        self.ids = {facet.name: {} for facet in FACETS}
        for name, pk, key, label in rows:
            self.by_id[name][pk] = (key, str(label))
            self.ids[name][key] = pk

    @classmethod
    def current(cls, using=DEFAULT_DB_ALIAS):
        version = freshness.current(using).key
        labels = cls._read.get(using)
        if labels is None or labels.version != version:
            with cls._lock:
                queries = [f.all_labels().using(using) for f in FACETS if not f.numeric]
                labels = cls(version, queries[0].union(*queries[1:], all=True))
                cls._read[using] = labels
        return labels

    def id_of(self, facet, key):
        """The value id a URL's key names, or None for a value this archive does not have."""
        if facet.numeric:
            return int(key)
        return self.ids[facet.name].get(key)

    def of(self, facet, value_id):
        """(key, label) of a value id, or None for a value deleted since it was counted."""
        if facet.numeric:
            return str(value_id), str(value_id)
        return self.by_id[facet.name].get(value_id)
