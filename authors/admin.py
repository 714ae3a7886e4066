from django.contrib import admin
from django.db.models import Count

from archive.admin.history import GuardedVersionAdmin

from .models import Affiliation, Author, Institution


class AffiliationInline(admin.TabularInline):
    model = Affiliation
    extra = 1
    autocomplete_fields = ["institution"]
    fields = ["role", "department", "institution", "start_year", "end_year"]


@admin.register(Author)
class AuthorAdmin(GuardedVersionAdmin):
    list_display = ["name", "honorific", "orcid", "current_affiliations", "article_count"]
    search_fields = ["name", "orcid", "affiliations__institution__name"]
    ordering = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [AffiliationInline]
    fieldsets = [
        (None, {"fields": ["honorific", "name", "slug", "bio"]}),
        ("Identity and links", {"fields": ["orcid", "website", "photo"]}),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(num_articles=Count("authorships", distinct=True))
            .prefetch_related("affiliations__institution")
        )

    @admin.display(description="Current affiliations")
    def current_affiliations(self, author):
        return "; ".join(str(a) for a in author.affiliations.all() if a.is_current) or "—"

    @admin.display(description="Articles", ordering="num_articles")
    def article_count(self, author):
        return author.num_articles


@admin.register(Institution)
class InstitutionAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "city", "country"]
    list_filter = ["country"]
    search_fields = ["name", "short_name", "city", "aliases"]
    prepopulated_fields = {"slug": ["name"]}
