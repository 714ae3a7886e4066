"""Article pages: the home page, an article (or its preview, notice or redirect), its
citation downloads, robots.txt and the favicon."""

import logging

from django.db.models import Exists, OuterRef, Prefetch
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from authors.models import Affiliation

from ..models import (
    Article,
    ArticleRedirect,
    Correction,
    Series,
    Theme,
    in_byline_order,
)
from ..outputs.citations import EXPORTS, csl_record, formatted_citations
from ..outputs.metadata import article_jsonld, scholar_tags
from ..publishing import can_preview
from ..search import engine
from ..search.reader import IndexUnavailable

logger = logging.getLogger(__name__)

HOME_PAGE_SIZE = 11
HOME_ALSO = 5  # the lead story and four beside it; the rest below
HOME_THEME_ARTICLES = 3
RELATED_ARTICLES = 4
RELATED_CANDIDATES = 300


def _bylines_with_affiliations():
    """Authorships with each author's affiliations, for bylines that name institutions."""
    return Prefetch(
        "authorships",
        queryset=in_byline_order().prefetch_related(
            Prefetch("author__affiliations", Affiliation.objects.select_related("institution"))
        ),
    )


@require_safe
def home(request):
    """A lead story, the latest analysis, then the newest few in each theme.

    The search engine answers each list's newest from its time column and counts the
    series, without reading the articles; one query then fetches every card.
    """
    themes = list(Theme.objects.public())
    latest, *newest = engine.newest_ids(
        [({}, HOME_PAGE_SIZE), *(({"theme": [theme.pk]}, HOME_THEME_ARTICLES) for theme in themes)]
    )
    sections = [(theme, ids) for theme, ids in zip(themes, newest, strict=True) if ids]
    wanted = {*latest, *(pk for _, ids in sections for pk in ids)}
    found = Article.objects.published().for_cards().filter(pk__in=wanted) if wanted else []
    cards = {card.pk: card for card in found}
    articles = [cards[pk] for pk in latest if pk in cards]
    return render(
        request,
        "archive/home.html",
        {
            "lead": articles[0] if articles else None,
            "also": articles[1:HOME_ALSO],
            "latest": articles[HOME_ALSO:],
            "theme_sections": [
                (theme, [cards[pk] for pk in ids if pk in cards]) for theme, ids in sections
            ],
            "themes": themes,
            "series_list": _series_in_use(),
        },
    )


def _series_in_use():
    """Series readers find articles in, by name, each with its number of articles."""
    counts = engine.value_counts("series")
    series_list = list(Series.objects.filter(pk__in=counts))
    for series in series_list:
        series.num_articles = counts[series.pk]
    return series_list


@require_safe
def article_detail(request, slug):
    """Published articles for everyone; a preview for those who may see a draft.

    A former slug answers 301 to the current one, and a withdrawn or retracted
    article keeps its URL with the public notice. Anyone else gets a 404 that
    does not confirm an unpublished article exists.
    """
    article = (
        Article.objects.select_related("article_type", "series", "stored_citations")
        .with_topics()
        .annotate(has_corrections=Exists(Correction.objects.filter(article=OuterRef("pk"))))
        .prefetch_related(_bylines_with_affiliations(), "regions")
        .filter(slug=slug)
        .first()
    )
    if article is None:
        return _follow_old_slug(slug)
    if article.is_gone:
        return render(request, "archive/article_gone.html", {"article": article}, status=410)
    is_preview = not article.is_published
    if is_preview and not can_preview(request.user, article):
        raise Http404("No article at this address.")
    related = _related_articles(article)  # None: the search index is unavailable
    previous, following = article.series_neighbours()
    topics = article.topic_list()
    url = request.build_absolute_uri(article.get_absolute_url())
    response = render(
        request,
        "archive/article_detail.html",
        {
            "article": article,
            "is_preview": is_preview,
            "topics": topics,
            "themes": _themes_of(topics),
            "regions": list(article.regions.all()),
            "corrections": list(article.corrections.all()) if article.has_corrections else [],
            "related": related or [],
            "previous": previous,
            "next": following,
            "canonical_url": url,
            # Only what is published gets described to search engines and cited.
            "jsonld": None if is_preview else article_jsonld(article, request),
            "scholar_tags": [] if is_preview else scholar_tags(article, request),
            "citations": [] if is_preview else formatted_citations(article, url),
        },
    )
    if is_preview:
        patch_cache_control(response, private=True, no_store=True)
    elif related is None:
        patch_cache_control(response, no_store=True)  # not kept without its related list
    return response


def _themes_of(topics):
    """The themes an article's topics roll up to, each once, in the curated order."""
    themes = {topic.theme.pk: topic.theme for topic in topics if topic.theme}
    return sorted(themes.values(), key=lambda theme: (theme.position, theme.name))


def _related_articles(article):
    """Published articles sharing the most topics, among the newest that share any.

    The search engine picks them from its topic and time columns: the database counted
    shared topics over the newest RELATED_CANDIDATES rows of each topic, 5-12 ms a page.
    None while the index is unavailable: the article is still read, without them.
    """
    topic_ids = [topic.pk for topic in article.topic_list()]
    if not topic_ids:
        return []
    try:
        ids = engine.related_ids(
            topic_ids, exclude=article.pk, limit=RELATED_ARTICLES, candidates=RELATED_CANDIDATES
        )
    except IndexUnavailable as error:
        logger.error("Article %s shown without related articles: %s", article.pk, error)
        return None
    found = (
        Article.objects.published()
        .select_related("article_type")
        .only("slug", "title", "published_at", "article_type__name")
        .in_bulk(ids)
    )
    return [found[pk] for pk in ids if pk in found]


def _follow_old_slug(slug):
    redirect = ArticleRedirect.objects.select_related("article").filter(old_slug=slug).first()
    if redirect and (redirect.article.is_published or redirect.article.is_gone):
        return HttpResponsePermanentRedirect(redirect.article.get_absolute_url())
    raise Http404("No article at this address.")


def citation_download(records, export_format, filename):
    render_records, content_type = EXPORTS[export_format]
    response = HttpResponse(render_records(records), content_type=content_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}.{export_format}"'
    return response


@require_safe
def article_citation(request, slug, export_format):
    article = get_object_or_404(Article.objects.published().with_bylines().with_topics(), slug=slug)
    record = csl_record(article, request.build_absolute_uri(article.get_absolute_url()))
    return citation_download([record], export_format, record["id"])


@require_safe
def favicon(request):
    """Browsers ask for /favicon.ico whatever the page says; send them to the static one."""
    return HttpResponsePermanentRedirect(static("favicon.ico"))


@require_safe
def robots_txt(request):
    sitemap = request.build_absolute_uri(reverse("sitemap"))
    lines = ["User-agent: *", "Disallow: /admin/", "Disallow: /api/", f"Sitemap: {sitemap}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
