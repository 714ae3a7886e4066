"""The search page, its JSON twin and its citation download."""

from functools import wraps

from django.core.exceptions import BadRequest
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from ..models import (
    Article,
)
from ..outputs.citations import EXPORT_LIMIT, csl_record
from ..search.form import InvalidSearch, search_from_request
from ..templatetags.fragments import cards
from .articles import citation_download
from .listings import PAGE_SIZE, page_or_404

# Facet values listed per facet (selected ones are always listed too). A page shows
# eight and folds the rest away; more would be a long list few open, and rendering
# them is the search page's largest cost.
PAGE_FACET_VALUES = 30
API_FACET_VALUES = 100


def _run_search(request, facet_limit, while_counting=None):
    """Shared by the search page and the JSON API: (context, status).

    `while_counting(articles)` draws the page's articles while the engine counts the facets;
    the context has what it returns as "drawn".
    """
    try:
        form, search = search_from_request(request, page_size=PAGE_SIZE)
    except InvalidSearch as invalid:
        return {"form": invalid.form, "error": str(invalid), "kept": invalid.form.kept()}, 400
    data = form.cleaned_data
    paginator = Paginator(search.results(), PAGE_SIZE)
    try:
        page = page_or_404(paginator, data["page"])
    except Http404 as missing:
        return {"form": form, "search": search, "error": str(missing)}, 404
    search.add_snippets(page.object_list)  # while the engine counts the facets
    drawn = while_counting(page.object_list) if while_counting else None
    facets = search.facets(limit=facet_limit)
    selected = search.selected(facets)
    notes = list(form.notes) + [
        f"No {facet.label.lower()} “{value}” is known here; remove that filter to see results."
        for facet, value, label in selected
        if label is None
    ]
    notes += [
        f"Nothing in the archive was published in {year}; remove that filter to see results."
        for year in search.years_without_articles()
    ]
    return {
        "form": form,
        "search": search,
        "page": page,
        "facets": facets,
        "selected": selected,
        "notes": notes,
        "drawn": drawn,
    }, 200


@require_safe
def search(request):
    context, status = _run_search(request, facet_limit=PAGE_FACET_VALUES, while_counting=cards)
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
            "corrected": context["search"].corrected,
        },
        json_dumps_params={"ensure_ascii": False},
    )


@require_safe
def search_citations(request, export_format):
    """The first EXPORT_LIMIT results of a search, newest first, for a reference manager."""
    _, search = search_from_request(request, counted=False)
    articles = search.results(Article.objects.with_bylines().with_topics())[:EXPORT_LIMIT]
    records = [
        csl_record(article, request.build_absolute_uri(article.get_absolute_url()))
        for article in articles
    ]
    return citation_download(records, export_format, "search-results")
