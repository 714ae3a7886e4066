"""What readers may see of the taxonomy: what at least one published article uses.

An author, institution, topic, theme, series, type or region made for a draft stays
unknown to readers (its page and feed 404, no sitemap, OAI set or facet label) until an
article using it is published. The rule is built on `Article.objects.published()`.
"""

from django.apps import apps
from django.db import models
from django.db.models import Exists, OuterRef


class PublicTaxonomyQuerySet(models.QuerySet):
    """A subclass names the lookup from an article to its model in `article_lookup`, or the
    rows that point at its model in `through`: (model label, their field, rows -> those
    that count). Asked from those rows, PostgreSQL probes each object's own rows where the
    lookup from articles made it read all of a big theme's taggings, or every public
    author, first."""

    article_lookup = None
    through = None

    def public(self):
        if self.through:
            label, field, counted = self.through
            rows = counted(apps.get_model(label).objects.all())
            return self.filter(Exists(rows.filter(**{field: OuterRef("pk")})))
        return self.filter(Exists(_published().filter(**{self.article_lookup: OuterRef("pk")})))

    def get_by_natural_key(self, *key):
        """Fixtures name a row by its model's `natural_key_fields` (slug, or a topic's name)."""
        return self.get(**dict(zip(self.model.natural_key_fields, key, strict=True)))


def public_queryset(lookup=None, through=None):
    """A manager whose `public()` keeps what a published article reaches by `lookup`, or
    what the counted rows of `through` point at."""
    attributes = {"article_lookup": lookup, "through": through}
    return type("PublicQuerySet", (PublicTaxonomyQuerySet,), attributes).as_manager()


def on_published_articles(rows):
    """Rows (bylines, say) that count when their article is published."""
    return rows.filter(Exists(_published().filter(pk=OuterRef("article"))))


def public_rows(rows):
    """Rows (topics, say) that count when readers may see them."""
    return rows.public()


def _published():
    # The model, not an import: authors and archive would otherwise import each other.
    return apps.get_model("archive", "Article").objects.published()
