"""The public reader. Every view starts from `Article.objects.published()`."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render

from authors.models import Affiliation, Author

from .models import Article, Authorship, Series, Theme

HOME_PAGE_SIZE = 20


def _bylines_with_affiliations():
    """Authorships with each author's affiliations, for bylines that name institutions."""
    return Prefetch(
        "authorships",
        queryset=Authorship.objects.select_related("author")
        .prefetch_related(
            Prefetch("author__affiliations", Affiliation.objects.select_related("institution"))
        )
        .order_by("position", "pk"),
    )


def home(request):
    articles = Article.objects.published().with_bylines()[:HOME_PAGE_SIZE]
    return render(
        request,
        "archive/home.html",
        {
            "articles": articles,
            "themes": Theme.objects.all(),
            "series_list": Series.objects.all(),
        },
    )


def article_detail(request, slug):
    article = get_object_or_404(
        Article.objects.published()
        .select_related("article_type", "series")
        .prefetch_related(_bylines_with_affiliations(), "topics__theme", "regions"),
        slug=slug,
    )
    return render(request, "archive/article_detail.html", {"article": article})


def author_detail(request, slug):
    author = get_object_or_404(
        Author.objects.prefetch_related(
            Prefetch("affiliations", Affiliation.objects.select_related("institution"))
        ),
        slug=slug,
    )
    articles = Article.objects.published().filter(authors=author).with_bylines()
    return render(request, "authors/author_detail.html", {"author": author, "articles": articles})
