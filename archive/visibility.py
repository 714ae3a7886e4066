"""What readers may see of the taxonomy: what at least one published article uses.

An author, institution, topic, theme, series, type or region made for a draft stays
unknown to readers (its page and feed 404, no sitemap, OAI set or facet label) until an
article using it is published. The rule is built on `Article.objects.published()`.
"""

from django.apps import apps
from django.db import models
from django.db.models import Exists, OuterRef


class PublicTaxonomyQuerySet(models.QuerySet):
    """A subclass names the lookup from an article to its model in `article_lookup`."""

    article_lookup = None

    def public(self):
        # The model, not an import: authors and archive would otherwise import each other.
        published = apps.get_model("archive", "Article").objects.published()
        return self.filter(Exists(published.filter(**{self.article_lookup: OuterRef("pk")})))

    def get_by_natural_key(self, *key):
        """Fixtures name a row by its model's `natural_key_fields` (slug, or a topic's name)."""
        return self.get(**dict(zip(self.model.natural_key_fields, key, strict=True)))


def public_queryset(lookup):
    """A manager whose `public()` keeps what a published article reaches by `lookup`."""
    queryset = type("PublicQuerySet", (PublicTaxonomyQuerySet,), {"article_lookup": lookup})
    return queryset.as_manager()
