"""Query-string helpers so facets, chips, sorting and pages work as plain links."""

from urllib.parse import urlencode

from django import template

register = template.Library()


def _query(context):
    """The current query without its page, carrying the words as searched.

    A reader's query may be far longer than what is searched; every link on the
    page repeating it would make the page as long as the query times its links.
    """
    query = context["request"].GET.copy()
    query.pop("page", None)
    search = context.get("search")
    if search is not None and "q" in query:
        if search.text:
            query["q"] = search.text
        else:
            query.pop("q")
    return query


@register.simple_tag(takes_context=True)
def toggle_filter(context, name, value):
    """The current search with `value` added to or removed from facet `name`."""
    query = _query(context)
    values = query.getlist(name)
    value = str(value)
    query.setlist(name, [v for v in values if v != value] if value in values else [*values, value])
    return "?" + query.urlencode()


def facet_links(context, counts):
    """(value, link) for each value of one facet: what `toggle_filter` gives each.

    Copying the query for each value would be most of the search page's time, so
    the rest of the query is encoded once per facet.
    """
    query = _query(context)
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
    query = _query(context)
    query.pop("q", None)
    return "?" + query.urlencode()


@register.simple_tag(takes_context=True)
def exact_search(context):
    """The current search with the words as typed, never corrected."""
    query = _query(context)
    query["exact"] = "1"
    return "?" + query.urlencode()


@register.simple_tag(takes_context=True)
def page_url(context, number):
    query = _query(context)
    query["page"] = number
    return "?" + query.urlencode()


@register.simple_tag(takes_context=True)
def current_query(context):
    """The search as a query string for its feeds and exports ("" when there is none)."""
    query = _query(context)
    return "?" + query.urlencode() if query else ""


@register.simple_tag(takes_context=True)
def clear_filters(context):
    """Keep the words and sort, drop every facet selection."""
    query = _query(context)
    kept = {key: query.getlist(key) for key in ("q", "sort") if key in query}
    query.clear()
    for key, values in kept.items():
        query.setlist(key, values)
    return "?" + query.urlencode()
