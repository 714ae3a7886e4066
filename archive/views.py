"""The public reader. Every view starts from `Article.objects.published()`."""

from functools import wraps

from django.core.exceptions import BadRequest, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from authors.models import Affiliation

from .listings import LISTINGS
from .models import (
    Article,
    ArticleRedirect,
    Authorship,
    Correction,
    Series,
    TaggedTopic,
    Theme,
)
from .outputs.citations import EXPORT_LIMIT, EXPORTS, csl_record, formatted_citations
from .outputs.metadata import article_jsonld, scholar_tags
from .publishing import can_preview
from .search.engine import add_snippets
from .search.form import InvalidSearch, parse_page_number, search_from_request

PAGE_SIZE = 20
# Facet values listed per facet (selected ones are always listed too). A page shows
# eight and folds the rest away; more would be a long list few open, and rendering
# them is the search page's largest cost.
PAGE_FACET_VALUES = 30
API_FACET_VALUES = 100
HOME_PAGE_SIZE = 12
RELATED_ARTICLES = 4
RELATED_CANDIDATES = 300


class PageOutOfRange(Http404):
    """A 404 whose message is written for the reader, and shown on the error page."""


def paginate(request, queryset, per_page=PAGE_SIZE):
    """The requested page, a 400 for a page number that is not one, a 404 past the end."""
    try:
        number = parse_page_number(request.GET.get("page"))
    except ValidationError as error:
        raise BadRequest(error.messages[0]) from error
    return page_or_404(Paginator(queryset, per_page), number)


def page_or_404(paginator, number):
    if number > paginator.num_pages:
        raise PageOutOfRange(f"There is no page {number}; the last page is {paginator.num_pages}.")
    return paginator.page(number)


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


@require_safe
def home(request):
    articles = Article.objects.published().for_cards()[:HOME_PAGE_SIZE]
    return render(
        request,
        "archive/home.html",
        {
            "articles": articles,
            "themes": Theme.objects.public(),
            "series_list": Series.objects.annotate(
                num_articles=Count("articles", filter=Q(articles__in=Article.objects.published()))
            ).filter(num_articles__gt=0),
        },
    )


@require_safe
def article_detail(request, slug):
    """Published articles for everyone; a preview for those who may see a draft.

    A former slug answers 301 to the current one, and a withdrawn or retracted
    article keeps its URL with the public notice. Anyone else gets a 404 that
    does not confirm an unpublished article exists.
    """
    article = (
        Article.objects.select_related("article_type", "series")
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
    related = _related_articles(article)
    previous, following = article.series_neighbours()
    url = request.build_absolute_uri(article.get_absolute_url())
    response = render(
        request,
        "archive/article_detail.html",
        {
            "article": article,
            "is_preview": is_preview,
            "corrections": list(article.corrections.all()) if article.has_corrections else [],
            "related": related,
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
    return response


def _related_articles(article):
    """Published articles sharing the most topics, among the newest that share any.

    Counting shared topics over every article of a popular topic would cost a scan
    of thousands of rows per page view; the newest RELATED_CANDIDATES are enough.
    """
    topic_ids = [topic.pk for topic in article.topic_list()]
    if not topic_ids:
        return Article.objects.none()
    candidates = (
        TaggedTopic.objects.filter(tag__in=topic_ids)
        .exclude(content_object=article)
        .order_by("-content_object_id")
        .values("content_object_id")[:RELATED_CANDIDATES]
    )
    return (
        Article.objects.published()
        .filter(pk__in=candidates)
        .annotate(shared_topics=Count("topic_links", filter=Q(topic_links__tag__in=topic_ids)))
        .select_related("article_type")
        .only("slug", "title", "published_at", "article_type__name")
        .order_by("-shared_topics", "-published_at")[:RELATED_ARTICLES]
    )


def _follow_old_slug(slug):
    redirect = ArticleRedirect.objects.select_related("article").filter(old_slug=slug).first()
    if redirect and (redirect.article.is_published or redirect.article.is_gone):
        return HttpResponsePermanentRedirect(redirect.article.get_absolute_url())
    raise Http404("No article at this address.")


def _citation_download(records, export_format, filename):
    render_records, content_type = EXPORTS[export_format]
    response = HttpResponse(render_records(records), content_type=content_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}.{export_format}"'
    return response


@require_safe
def article_citation(request, slug, export_format):
    article = get_object_or_404(Article.objects.published().with_bylines().with_topics(), slug=slug)
    record = csl_record(article, request.build_absolute_uri(article.get_absolute_url()))
    return _citation_download([record], export_format, record["id"])


@require_safe
def search_citations(request, export_format):
    """The first EXPORT_LIMIT results of a search, newest first, for a reference manager."""
    _, search = search_from_request(request)
    articles = search.results(Article.objects.with_bylines().with_topics())[:EXPORT_LIMIT]
    records = [
        csl_record(article, request.build_absolute_uri(article.get_absolute_url()))
        for article in articles
    ]
    return _citation_download(records, export_format, "search-results")


@require_safe
def robots_txt(request):
    sitemap = request.build_absolute_uri(reverse("sitemap"))
    lines = ["User-agent: *", "Disallow: /admin/", "Disallow: /api/", f"Sitemap: {sitemap}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


def _run_search(request, facet_limit):
    """Shared by the search page and the JSON API: (context, status)."""
    try:
        form, search = search_from_request(request)
    except InvalidSearch as invalid:
        return {"form": invalid.form, "error": str(invalid)}, 400
    data = form.cleaned_data
    facets = search.facets(limit=facet_limit)
    paginator = Paginator(search.results(), PAGE_SIZE)
    try:
        page = page_or_404(paginator, data["page"])
    except Http404 as missing:
        return {"form": form, "search": search, "error": str(missing)}, 404
    add_snippets(page.object_list, search.text)
    selected = search.selected(facets)
    notes = list(form.notes) + [
        f"No {facet.label.lower()} “{value}” is known here; remove that filter to see results."
        for facet, value, label in selected
        if label is None
    ]
    return {
        "form": form,
        "search": search,
        "page": page,
        "facets": facets,
        "selected": selected,
        "notes": notes,
    }, 200


@require_safe
def search(request):
    context, status = _run_search(request, facet_limit=PAGE_FACET_VALUES)
    return render(request, "archive/search.html", context, status=status)


def answers_json(view):
    """An API view whose every answer is JSON: a wrong method or bad input too."""

    @wraps(view)
    def json_view(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            response = JsonResponse(
                {"error": f"This address answers GET and HEAD, not {request.method[:20]}."},
                status=405,
            )
            response.headers["Allow"] = "GET, HEAD"
            return response
        try:
            return view(request, *args, **kwargs)
        except BadRequest as error:
            return JsonResponse({"error": str(error) or "Bad request."}, status=400)
        except Http404 as error:
            return JsonResponse({"error": str(error) or "Not found."}, status=404)

    return json_view


@answers_json
def api_search(request):
    context, status = _run_search(request, facet_limit=API_FACET_VALUES)
    if status != 200:
        return JsonResponse({"error": context["error"]}, status=status)
    page = context["page"]
    return JsonResponse(
        {
            "count": page.paginator.count,
            "page": page.number,
            "num_pages": page.paginator.num_pages,
            "results": [
                {
                    "title": article.title,
                    "url": request.build_absolute_uri(article.get_absolute_url()),
                    "slug": article.slug,
                    "published": article.published_at.isoformat(),
                    "authors": article.byline_names(),
                    "type": article.article_type.name,
                    "snippet": str(getattr(article, "snippet", "")),
                }
                for article in page.object_list
            ],
            "facets": {
                counts.name: [
                    {
                        "value": int(v.value) if counts.facet.numeric else v.value,
                        "label": v.label,
                        "count": v.count,
                        "selected": v.selected,
                    }
                    for v in counts.values
                ]
                for counts in context["facets"]
            },
            "notes": context["notes"],
        },
        json_dumps_params={"ensure_ascii": False},
    )


def render_listing(request, listing, obj, template, **extra):
    """A listing's page: the object, a page of its published articles, its feeds."""
    articles = listing.articles(obj).for_cards()
    context = {listing.name: obj, "page": paginate(request, articles), **listing.context(obj)}
    return render(request, template, context | extra)


@require_safe
def topic_detail(request, slug):
    listing = LISTINGS["topic"]
    return render_listing(request, listing, listing.get(slug), "archive/topic_detail.html")


@require_safe
def theme_detail(request, slug):
    listing = LISTINGS["theme"]
    theme = listing.get(slug)
    published = Article.objects.published()
    topics = (
        theme.topics.annotate(
            num_articles=Count(
                "tagged_articles", filter=Q(tagged_articles__content_object__in=published)
            )
        )
        .filter(num_articles__gt=0)
        .order_by("-num_articles", "name")
    )
    return render_listing(request, listing, theme, "archive/theme_detail.html", topics=topics)


@require_safe
def series_detail(request, slug):
    listing = LISTINGS["series"]
    return render_listing(request, listing, listing.get(slug), "archive/series_detail.html")
