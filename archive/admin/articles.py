"""The article admin: the change form, the list and its actions, history and the importer.

Who may do what is asked of `archive.publishing`, never decided here.
"""

import copy
import json

import reversion
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelectMultiple, RelatedFieldWidgetWrapper
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.models import BaseInlineFormSet
from django.urls import path
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html

from .. import publishing
from ..models import Article, Authorship, Correction, Theme, Topic
from .history import GuardedVersionAdmin
from .importing import import_view

PUBLISHING_FIELDS = ["status", "published_at", "notice"]


class BylineFormSet(BaseInlineFormSet):
    """A new byline row is numbered after the rows above it, not 1 again."""

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        if i >= self.initial_form_count():
            form.initial["position"] = i + 1
        return form


class AuthorshipInline(admin.TabularInline):
    model = Authorship
    formset = BylineFormSet
    extra = 1
    autocomplete_fields = ["author"]
    fields = ["position", "author", "role"]
    verbose_name = "author"
    verbose_name_plural = "Byline (in order)"
    classes = ["byline"]


class ArticleAdminForm(forms.ModelForm):
    """Topics are picked from the curated taxonomy with autocomplete.

    taggit's own field is free text, which would let typos become new topics.
    """

    topics = forms.ModelMultipleChoiceField(
        queryset=Topic.objects.all(),
        required=False,
        widget=AutocompleteSelectMultiple(Article._meta.get_field("topics"), admin.site),
        help_text="Start typing to find a topic, or add one (with its theme) with the + button.",
    )

    seen_version = forms.CharField(widget=forms.HiddenInput, required=False)
    change_note = forms.CharField(
        label="Note for the history",
        required=False,
        max_length=500,
        help_text="Optional: what you changed and why. Kept with this revision.",
    )

    class Meta:
        model = Article
        fields = ["topics"]  # ArticleAdmin.fieldsets supplies the others.
        widgets = {
            "title": forms.TextInput(attrs={"class": "vTextField wide"}),
            "slug": forms.TextInput(attrs={"class": "vTextField wide"}),
            "deck": forms.Textarea(attrs={"class": "wide", "rows": 2}),
            "notice": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["seen_version"].initial = str(self.instance.version)

    def clean(self):
        """Refuse to overwrite a save made since this form was opened (no lost edits).

        The admin runs this inside its transaction, and the row lock (or SQLite's
        immediate transaction) holds until the save, so two editors cannot both pass.
        """
        cleaned = super().clean()
        self._date_the_publication(cleaned)
        if self.instance.pk:
            current = (
                Article.objects.select_for_update()
                .filter(pk=self.instance.pk)
                .values_list("version", flat=True)
                .first()
            )
            seen = cleaned.get("seen_version")
            if current is not None and seen != str(current):
                raise ValidationError(
                    "Someone else saved this article after you opened it, so your changes "
                    "were not saved. Your text is still in the form below: copy what you "
                    "need, open the article again (or compare versions in its history) to "
                    "see their changes, and apply yours on top.",
                    code="stale_version",
                )
        return cleaned

    def _date_the_publication(self, cleaned):
        """Publishing without a date publishes now; a withdrawal needs the date it went out."""
        if cleaned.get("published_at") or "published_at" in self.errors:
            return
        status = cleaned.get("status")
        if status == Article.Status.PUBLISHED:
            cleaned["published_at"] = timezone.now()
        elif status in Article.GONE_STATUSES:
            self.add_error(
                "published_at",
                "A withdrawn or retracted article keeps the date it was first published: "
                "enter that date.",
            )


def site_link(article, user):
    """The change form's button to the article on the site, named for what a click shows."""
    if not article.pk:
        return None
    url = article.get_absolute_url()
    if article.is_published:
        return {"url": url, "label": "View on site", "css": "viewsitelink"}
    if article.is_gone:
        return {"url": url, "label": "View public notice", "css": "viewsitelink"}
    if not publishing.can_preview(user, article):
        return None
    if article.is_scheduled:
        when = date_format(timezone.localtime(article.published_at), "j M Y, H:i")
        return {"url": url, "label": f"Preview (scheduled for {when})", "css": "previewlink"}
    return {"url": url, "label": f"Preview {article.state_label.lower()}", "css": "previewlink"}


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


class CorrectionInline(admin.StackedInline):
    model = Correction
    extra = 0
    fields = ["published_on", "text"]
    verbose_name_plural = (
        "Corrections (shown at the end of the article; the newest date becomes its “updated” date)"
    )


@admin.register(Article)
class ArticleAdmin(GuardedVersionAdmin):
    form = ArticleAdminForm
    list_display = ["title", "state", "article_type", "series", "byline", "published_at"]
    list_filter = [StateListFilter, "article_type", "series", ThemeListFilter, "language"]
    list_select_related = ["article_type", "series"]
    search_fields = ["title", "deck", "slug", "authorships__author__name"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["regions", "series"]
    inlines = [AuthorshipInline, CorrectionInline]
    actions = ["publish", "unpublish"]
    change_list_template = "admin/archive/article/change_list.html"
    readonly_fields = ["reading_time", "themes", "created_at", "modified_at"]

    class Media:
        css = {"all": ["admin/archive/article_form.css"]}
        js = ["admin/archive/article_form.js"]

    # Title first, then the byline (drawn after the first fieldset by the change form
    # template), then status and dates: the order editors fill an article in.
    fieldsets = [
        (None, {"fields": ["title", "slug", "deck"]}),
        ("Publishing", {"fields": [("status", "published_at"), "updated_at", "notice"]}),
        (None, {"fields": ["article_type", "series"]}),
        ("Text", {"fields": ["summary", "body", "reading_time"]}),
        ("Classification", {"fields": ["topics", "themes", "regions", "language"]}),
        (
            "Source and history",
            {"fields": ["source_url", "created_at", "modified_at"], "classes": ["collapse"]},
        ),
        ("Save", {"fields": ["change_note", "seen_version"]}),
    ]

    def get_form(self, request, obj=None, **kwargs):
        """Topics get the admin's "+" link: a new topic, with its theme, from this form."""
        form = super().get_form(request, obj, **kwargs)
        topics = copy.deepcopy(form.base_fields["topics"])
        topics.widget = RelatedFieldWidgetWrapper(
            topics.widget,
            Article._meta.get_field("topics").remote_field,
            self.admin_site,
            can_add_related=self.admin_site.is_registered(Topic)
            and self.admin_site.get_model_admin(Topic).has_add_permission(request),
        )
        form.base_fields["topics"] = topics
        return form

    def get_urls(self):
        import_url = path(
            "import/",
            self.admin_site.admin_view(lambda request: import_view(self, request)),
            name="archive_article_import",
        )
        return [import_url, *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        """The "Import text dumps" link goes on top of whatever change list the base draws."""
        base = super().change_list_template or "admin/change_list.html"
        return super().changelist_view(
            request, {"base_change_list_template": base, **(extra_context or {})}
        )

    def get_queryset(self, request):
        articles = super().get_queryset(request).prefetch_related("authorships__author")
        return publishing.visible_articles(request.user, articles)

    def has_view_permission(self, request, obj=None):
        return publishing.may(request.user, "view", obj) or self.has_change_permission(request, obj)

    def has_add_permission(self, request):
        return publishing.may(request.user, "add")

    def has_change_permission(self, request, obj=None):
        """Contributors edit their own drafts; once submitted for review, editors take over."""
        return publishing.may(request.user, "change", obj)

    def has_delete_permission(self, request, obj=None):
        return publishing.may(request.user, "delete", obj)

    def has_publish_permission(self, request):
        return publishing.can_publish(request.user)

    def has_revert_permission(self, request, obj=None):
        return publishing.can_revert(request.user, obj)

    def has_recover_permission(self, request):
        return publishing.can_recover(request.user)

    def revert_initial(self, request, current):
        """Reverting restores the text; whether it is live stays as it is unless changed.

        Otherwise loading the revision before a retraction would offer to publish the
        retracted article again, one click from "Save".
        """
        return {field: getattr(current, field) for field in PUBLISHING_FIELDS}

    def recover_initial(self, request, version):
        """A recovered article comes back as a draft; an editor publishes it on purpose."""
        return {"status": Article.Status.DRAFT}

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "status" and not publishing.can_publish(request.user):
            kwargs["choices"] = [
                (Article.Status.DRAFT, "Draft"),
                (Article.Status.REVIEW, "Submit for review"),
            ]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        if obj.status not in publishing.settable_statuses(request.user):
            raise PermissionDenied("Only editors publish, withdraw or retract articles.")
        super().save_model(request, obj, form, change)

    def log_change(self, request, obj, message):
        entry = super().log_change(request, obj, message)
        self._keep_change_note(request)
        return entry

    def log_addition(self, request, obj, message):
        entry = super().log_addition(request, obj, message)
        self._keep_change_note(request)
        return entry

    def _keep_change_note(self, request):
        note = request.POST.get("change_note", "").strip()
        if note and reversion.is_active():
            reversion.set_comment(note[:500])

    def view_on_site(self, article):
        return article.get_absolute_url() if article.is_published else None

    def change_view(self, request, object_id, form_url="", extra_context=None):
        article = self.get_object(request, object_id)
        extra = {"site_link": article and site_link(article, request.user)}
        return super().change_view(request, object_id, form_url, {**extra, **(extra_context or {})})

    @admin.display(description="Themes")
    def themes(self, article):
        """The themes the topics give, kept up to date by article_form.js as topics change."""
        topics = Topic.objects.select_related("theme")
        mapping = {t.pk: t.theme.name for t in topics if t.theme}
        names = (
            sorted({mapping[t.pk] for t in article.topics.all() if t.pk in mapping})
            if article.pk
            else []
        )
        return format_html(
            '<span id="article-themes" data-topic-themes="{}">{}</span>',
            json.dumps(mapping),
            ", ".join(names) or "None yet: themes come from the topics.",
        )

    @admin.display(description="Status", ordering="status")
    def state(self, article):
        return article.state_label

    @admin.display(description="Authors")
    def byline(self, article):
        return ", ".join(a.author.name for a in article.authorships.all()) or "—"

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        form.instance.renumber_authorships()

    @admin.action(description="Publish selected articles", permissions=["publish"])
    def publish(self, request, queryset):
        """Publish now, or at the publication time already set (which may schedule)."""
        count = 0
        for article in queryset.exclude(status=Article.Status.PUBLISHED):
            publishing.publish_article(
                article=article, user=request.user, comment="Published from the article list."
            )
            count += 1
        self.message_user(request, f"Published {count} article(s).", messages.SUCCESS)

    @admin.action(
        description="Unpublish selected articles (back to draft)", permissions=["publish"]
    )
    def unpublish(self, request, queryset):
        count = 0
        for article in queryset.filter(status=Article.Status.PUBLISHED):
            publishing.unpublish_article(
                article=article, user=request.user, comment="Unpublished from the article list."
            )
            count += 1
        self.message_user(request, f"Returned {count} article(s) to draft.", messages.SUCCESS)
