"""Admins for the vocabulary articles are filed under: types, series, regions, themes, topics."""

from django.contrib import admin
from django.db.models import Count
from taggit.admin import TagAdmin  # noqa: F401 - registers taggit's Tag, unregistered below
from taggit.models import Tag

from ..models import ArticleType, Region, Series, Theme, Topic, VocabularyAlias


class ArticleCountAdmin(admin.ModelAdmin):
    """Shows how many articles use each value, so editors see what is safe to merge."""

    article_relation = "articles"
    ordering = ["name"]  # Meta.ordering does not survive the GROUP BY of the count.
    list_display = ["name", "slug", "article_count"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(num_articles=Count(self.article_relation, distinct=True))
        )

    @admin.display(description="Articles", ordering="num_articles")
    def article_count(self, obj):
        return obj.num_articles


@admin.register(ArticleType)
class ArticleTypeAdmin(ArticleCountAdmin):
    list_display = ["name", "plural_name", "slug", "article_count"]


@admin.register(Series)
class SeriesAdmin(ArticleCountAdmin):
    pass


class VocabularyAliasInline(admin.TabularInline):
    """Acronyms and other spellings the importer recognises (archive.importing.vocabulary)."""

    model = VocabularyAlias
    fields = ["text"]
    extra = 1
    verbose_name = "alias"
    verbose_name_plural = "Aliases (other ways the text may write it)"


@admin.register(Region)
class RegionAdmin(ArticleCountAdmin):
    list_display = ["name", "kind", "iso_code", "article_count"]
    list_filter = ["kind"]
    inlines = [VocabularyAliasInline]


class TopicInline(admin.TabularInline):
    model = Topic
    fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}
    extra = 0


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position", "topic_count"]
    list_editable = ["position"]
    ordering = ["position", "name"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [TopicInline, VocabularyAliasInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(num_topics=Count("topics"))

    @admin.display(description="Topics", ordering="num_topics")
    def topic_count(self, theme):
        return theme.num_topics


@admin.register(Topic)
class TopicAdmin(ArticleCountAdmin):
    article_relation = "tagged_articles"
    list_display = ["name", "theme", "slug", "article_count"]
    list_filter = ["theme"]
    list_select_related = ["theme"]
    search_fields = ["name", "description", "aliases__text"]
    inlines = [VocabularyAliasInline]


# Topics are the archive's tags; taggit's own Tag table is unused, and its admin would
# show editors an empty "Tags" list beside the real topics.
admin.site.unregister(Tag)
