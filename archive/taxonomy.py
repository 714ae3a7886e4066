"""The vocabulary articles are filed under: types, series, themes, topics (a django-taggit
tag under a theme), regions, and the aliases the importer recognises them by.

Defined beside the articles' models and imported by `archive.models`, which registers them.
"""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from taggit.models import NaturalKeyManager, NaturalKeyModel, TagBase, TaggedItemBase

from .links import slug_url, type_url
from .plain_text import PlainTextMixin
from .visibility import public_queryset, public_rows


class ArticleType(PlainTextMixin, NaturalKeyModel):
    """An editable list of kinds of publication: Viewpoint, Issue Brief, Report...

    Fixtures name types, themes and regions by slug (natural keys), so they load onto
    the rows a migration or an editor made instead of clashing with their ids.
    """

    name = models.CharField(max_length=100, unique=True)
    plural_name = models.CharField(max_length=100, blank=True)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True)

    natural_key_fields = ["slug"]
    objects = public_queryset("article_type")

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return type_url(self.slug)


class Series(PlainTextMixin, models.Model):
    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=200, unique=True)
    description = models.TextField(blank=True)

    objects = public_queryset("series")

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "series"

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return slug_url("archive:series", self.slug)


class Theme(PlainTextMixin, NaturalKeyModel):
    """The curated top level of the taxonomy; topics roll up to a theme."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0, help_text="Order on the home page.")

    natural_key_fields = ["slug"]
    objects = public_queryset(through=("archive.Topic", "theme", public_rows))

    class Meta:
        ordering = ["position", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return slug_url("archive:theme", self.slug)


class Topic(PlainTextMixin, TagBase):
    """A django-taggit tag that may belong to a theme (COMCASA → Defence trade...)."""

    theme = models.ForeignKey(
        Theme, null=True, blank=True, on_delete=models.SET_NULL, related_name="topics"
    )
    description = models.TextField(blank=True, help_text="e.g. what an acronym stands for.")

    objects = public_queryset("topic_links__tag")

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return slug_url("archive:topic", self.slug)


class TaggedTopic(TaggedItemBase):
    content_object = models.ForeignKey(
        "Article", on_delete=models.CASCADE, related_name="topic_links"
    )
    tag = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="tagged_articles")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="unique_article_topic")
        ]
        indexes = [
            # A topic's articles from the index alone: topic and theme pages, their
            # counts and feeds, related articles.
            models.Index(fields=["tag", "content_object"], name="taggedtopic_tag_article_idx"),
        ]


class Region(PlainTextMixin, NaturalKeyModel):
    class Kind(models.TextChoices):
        COUNTRY = "country", "Country"
        REGION = "region", "Region"

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    kind = models.CharField(max_length=10, choices=Kind, default=Kind.COUNTRY)
    iso_code = models.CharField(
        "ISO code", max_length=2, blank=True, help_text="ISO 3166-1 alpha-2, for countries."
    )

    natural_key_fields = ["slug"]
    objects = public_queryset("regions")

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return f"{reverse('archive:search')}?region={self.slug}"


class VocabularyAlias(PlainTextMixin, NaturalKeyModel):
    """Another way of writing one topic, theme or region: an acronym, an expansion, a variant.

    The importer suggests classification by finding these in an article's text. They live
    in the database, not in code, so editors can teach it a new acronym from the admin.
    """

    text = models.CharField(
        max_length=200,
        help_text='e.g. "MDA" or "Communications Compatibility and Security Agreement". '
        "Matched on word boundaries, ignoring case, except that an all-capitals acronym "
        "matches only in capitals.",
    )
    topic = models.ForeignKey(
        Topic, null=True, blank=True, on_delete=models.CASCADE, related_name="aliases"
    )
    theme = models.ForeignKey(
        Theme, null=True, blank=True, on_delete=models.CASCADE, related_name="aliases"
    )
    region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.CASCADE, related_name="aliases"
    )

    natural_key_fields = ["text"]
    objects = NaturalKeyManager()

    class Meta:
        ordering = ["text"]
        verbose_name_plural = "vocabulary aliases"
        constraints = [
            models.UniqueConstraint(
                models.functions.Lower("text"),
                name="vocabulary_alias_text_unique",
                violation_error_message="This alias already names something else.",
            ),
            models.CheckConstraint(
                condition=Q(topic__isnull=False, theme__isnull=True, region__isnull=True)
                | Q(topic__isnull=True, theme__isnull=False, region__isnull=True)
                | Q(topic__isnull=True, theme__isnull=True, region__isnull=False),
                name="vocabulary_alias_one_target",
                violation_error_message="An alias names exactly one topic, theme or region.",
            ),
        ]

    def __str__(self):
        return f"{self.text} → {self.target}"

    @property
    def target(self):
        return self.topic or self.theme or self.region


# Revision history: an article's version includes its byline, topics and corrections,
# so reverting or recovering one brings them back together.
