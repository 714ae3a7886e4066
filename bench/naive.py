"""The baseline: the same search done the way a typical Django site does it.

`icontains` over title and body for each word (or quoted phrase), facet selections
as joins with `distinct()`, newest first, and a sidebar listing the ten most used
values of each facet, each counted with its own `COUNT` query under the current
search. No full-text index, no prefetching (a result card's type and authors are
one query each). The real page shows up to 100 values per facet, so this baseline
does less work than the page it is compared with.
"""

import re

from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.template import engines
from django.test.utils import CaptureQueriesContext
from django.views.decorators.http import require_safe

from archive.models import Article, ArticleType, Region, Series, Theme, Topic
from authors.models import Author, Institution

SIDEBAR_VALUES = 10
_TERMS = re.compile(r'"([^"]+)"|(\S+)')

# facet: (lookup an article is filtered by, the values a sidebar lists, most used first)
FACETS = {
    "theme": (
        "topics__theme__slug",
        lambda: Theme.objects.annotate(n=Count("topics__tagged_articles")),
    ),
    "topic": ("topics__slug", lambda: Topic.objects.annotate(n=Count("tagged_articles"))),
    "author": ("authors__slug", lambda: Author.objects.annotate(n=Count("authorships"))),
    "institution": (
        "authors__affiliations__institution__slug",
        lambda: Institution.objects.annotate(n=Count("affiliations")),
    ),
    "type": ("article_type__slug", lambda: ArticleType.objects.annotate(n=Count("articles"))),
    "series": ("series__slug", lambda: Series.objects.annotate(n=Count("articles"))),
    "region": ("regions__slug", lambda: Region.objects.annotate(n=Count("articles"))),
}

PAGE = engines["django"].from_string(
    """<!doctype html><title>Search</title>
<form><input name="q" value="{{ q }}"></form>
<p>{{ page.paginator.count }} results</p>
{% for article in page %}<article><h2>{{ article.title }}</h2>
<p>{{ article.article_type.name }} · {{ article.published_at|date }} ·
{% for author in article.authors.all %}{{ author.name }}{% if not forloop.last %}, {% endif %}
{% endfor %}</p>
<p>{{ article.body|truncatewords:40 }}</p></article>{% endfor %}
{% for name, values in facets %}<h3>{{ name }}</h3><ul>
{% for slug, label, count in values %}<li>{{ label }} ({{ count }})</li>{% endfor %}</ul>
{% endfor %}"""
)


def matching(request):
    articles = Article.objects.published()
    for phrase, word in _TERMS.findall(request.GET.get("q", "")):
        term = phrase or word
        articles = articles.filter(Q(title__icontains=term) | Q(body__icontains=term))
    for name, (lookup, _) in FACETS.items():
        values = request.GET.getlist(name)
        if values:
            articles = articles.filter(**{f"{lookup}__in": values})
    years = [int(y) for y in request.GET.getlist("year") if y.isdigit()]
    if years:
        articles = articles.filter(published_at__year__in=years)
    return articles.distinct()


@require_safe
def search(request):
    with CaptureQueriesContext(connection) as queries:
        articles = matching(request).order_by("-published_at", "-pk")
        paginator = Paginator(articles, 20)
        number = request.GET.get("page", "1")
        if not number.isdigit() or int(number) > paginator.num_pages:
            raise Http404("No such page.")
        facets = []
        for name, (lookup, values) in FACETS.items():
            top = values().order_by("-n", "pk")[:SIDEBAR_VALUES]
            counts = [(v.slug, str(v), articles.filter(**{lookup: v.slug}).count()) for v in top]
            facets.append((name, counts))
        years = Article.objects.dates("published_at", "year", order="DESC")[:SIDEBAR_VALUES]
        counts = [
            (d.year, d.year, articles.filter(published_at__year=d.year).count()) for d in years
        ]
        facets.append(("year", counts))
        html = PAGE.render(
            {"q": request.GET.get("q", ""), "page": paginator.page(int(number)), "facets": facets}
        )
    response = HttpResponse(html)
    response["X-Query-Count"] = str(len(queries.captured_queries))
    return response
