from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelectMultiple
from django.db.models import Count
from django.utils import timezone

from .models import Article, ArticleType, Authorship, Region, Series, Theme, Topic


class AuthorshipInline(admin.TabularInline):
    model = Authorship
    extra = 1
    autocomplete_fields = ["author"]
    fields = ["position", "author", "role"]
    verbose_name = "author"
    verbose_name_plural = "Byline (in order)"


class ArticleAdminForm(forms.ModelForm):
    """Topics are picked from the curated taxonomy with autocomplete.

    taggit's own field is free text, which would let typos become new topics.
    """

    topics = forms.ModelMultipleChoiceField(
        queryset=Topic.objects.all(),
        required=False,
        widget=AutocompleteSelectMultiple(Article._meta.get_field("topics"), admin.site),
        help_text="Start typing to find a topic. New topics are added under Topics.",
    )

    class Meta:
        model = Article
        fields = ["topics"]  # ArticleAdmin.fieldsets supplies the others.


class ThemeListFilter(admin.SimpleListFilter):
    title = "theme"
    parameter_name = "theme"

    def lookups(self, request, model_admin):
        return [(theme.slug, theme.name) for theme in Theme.objects.all()]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(topics__theme__slug=self.value()).distinct()
        return queryset


class StateListFilter(admin.SimpleListFilter):
    """Status as editors think of it, with "Scheduled" and "Live" told apart."""

    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [
            ("live", "Live on the site"),
            ("scheduled", "Scheduled"),
            *[(value, label) for value, label in Article.Status.choices if value != "published"],
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "live":
            return queryset.published()
        if value == "scheduled":
            return queryset.scheduled()
        if value in Article.Status.values:
            return queryset.filter(status=value)
        return queryset


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleAdminForm
    list_display = ["title", "state", "article_type", "series", "byline", "published_at"]
    list_filter = [StateListFilter, "article_type", "series", ThemeListFilter, "language"]
    list_select_related = ["article_type", "series"]
    search_fields = ["title", "deck", "slug", "authorships__author__name"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["regions", "series"]
    inlines = [AuthorshipInline]
    actions = ["publish", "unpublish"]
    readonly_fields = ["reading_time", "created_at", "modified_at"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "deck", "article_type", "series"]}),
        ("Text", {"fields": ["summary", "body", "reading_time"]}),
        ("Publishing", {"fields": ["status", "published_at", "updated_at"]}),
        ("Classification", {"fields": ["topics", "regions", "language"]}),
        (
            "Source and history",
            {"fields": ["source_url", "created_at", "modified_at"], "classes": ["collapse"]},
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("authorships__author")

    def view_on_site(self, article):
        return article.get_absolute_url() if article.is_published else None

    @admin.display(description="Status", ordering="status")
    def state(self, article):
        return article.state_label

    @admin.display(description="Authors")
    def byline(self, article):
        return ", ".join(a.author.name for a in article.authorships.all()) or "—"

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        form.instance.renumber_authorships()

    def has_publish_permission(self, request):
        return request.user.has_perm("archive.publish_article")

    @admin.action(description="Publish selected articles", permissions=["publish"])
    def publish(self, request, queryset):
        """Publish now, or at the publication time already set (which may schedule)."""
        count = 0
        for article in queryset.exclude(status=Article.Status.PUBLISHED):
            article.status = Article.Status.PUBLISHED
            article.published_at = article.published_at or timezone.now()
            article.save()
            count += 1
        self.message_user(request, f"Published {count} article(s).", messages.SUCCESS)

    @admin.action(
        description="Unpublish selected articles (back to draft)", permissions=["publish"]
    )
    def unpublish(self, request, queryset):
        count = 0
        for article in queryset.filter(status=Article.Status.PUBLISHED):
            article.status = Article.Status.DRAFT
            article.save()
            count += 1
        self.message_user(request, f"Returned {count} article(s) to draft.", messages.SUCCESS)


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


@admin.register(Region)
class RegionAdmin(ArticleCountAdmin):
    list_display = ["name", "kind", "iso_code", "article_count"]
    list_filter = ["kind"]


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
    inlines = [TopicInline]

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
    search_fields = ["name", "description"]
