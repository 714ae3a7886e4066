"""/sitemap.xml: only what readers can open, with the dates search engines use."""

from django.contrib.sitemaps import Sitemap
from django.db.models import Max

from authors.models import Author

from ..models import Article, Series, Theme, Topic


class ArticleSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.8
    limit = 10_000

    def items(self):
        return (
            Article.objects.published().only("slug", "modified_at").order_by("-published_at", "-pk")
        )

    def lastmod(self, article):
        return article.modified_at


class AuthorSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.5

    def items(self):
        return Author.objects.public().order_by("name")


class ThemeSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.6

    def items(self):
        return Theme.objects.public()


class TopicSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.5

    def items(self):
        return Topic.objects.public().order_by("name")


class SeriesSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.6

    def items(self):
        return (
            Series.objects.filter(articles__in=Article.objects.published())
            .annotate(latest=Max("articles__modified_at"))
            .order_by("name")
        )

    def lastmod(self, series):
        return series.latest


SITEMAPS = {
    "articles": ArticleSitemap,
    "authors": AuthorSitemap,
    "themes": ThemeSitemap,
    "topics": TopicSitemap,
    "series": SeriesSitemap,
}
