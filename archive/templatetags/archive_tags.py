"""Query-string helpers so facets, chips, sorting and pages work as plain links."""

from urllib.parse import urlencode

from django import template

register = template.Library()


def _query(request):
    query = request.GET.copy()
    query.pop("page", None)
    return query


@register.simple_tag(takes_context=True)
def toggle_filter(context, name, value):
    """The current search with `value` added to or removed from facet `name`."""
    query = _query(context["request"])
    values = query.getlist(name)
    value = str(value)
    query.setlist(name, [v for v in values if v != value] if value in values else [*values, value])
    return "?" + query.urlencode()


@register.simple_tag(takes_context=True)
def facet_links(context, counts):
    """(value, link) for each value of one facet: what `toggle_filter` gives each.

    Copying the query for each value would be most of the search page's time, so
    the rest of the query is encoded once per facet.
    """
    query = _query(context["request"])
    rest = urlencode([(k, v) for k, values in query.lists() if k != counts.name for v in values])
    rest = f"?{rest}&" if rest else "?"
    chosen = query.getlist(counts.name)
    links = []
    for value in counts.values:
        key = str(value.value)
        values = [v for v in chosen if v != key] if key in chosen else [*chosen, key]
        links.append((value, rest + urlencode([(counts.name, v) for v in values])))
    return links


@register.simple_tag(takes_context=True)
def without_text(context):
    query = _query(context["request"])
    query.pop("q", None)
    return "?" + query.urlencode()


@register.simple_tag(takes_context=True)
def page_url(context, number):
    query = context["request"].GET.copy()
    query["page"] = number
    return "?" + query.urlencode()


@register.simple_tag(takes_context=True)
def clear_filters(context):
    """Keep the words and sort, drop every facet selection."""
    request = context["request"]
    query = request.GET.copy()
    kept = {key: query.getlist(key) for key in ("q", "sort") if key in query}
    query.clear()
    for key, values in kept.items():
        query.setlist(key, values)
    return "?" + query.urlencode()
