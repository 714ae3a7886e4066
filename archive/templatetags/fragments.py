"""Fragments a page repeats many times, drawn by Jinja2 (config/jinja.py) from Django pages.

A search page shows twenty cards and up to two hundred and forty facet links; in
Django's template language they were a third of its time.
"""

from django import template
from django.template import engines
from django.utils.safestring import mark_safe

from .archive_tags import facet_links

register = template.Library()


def render(name, **context):
    """A Jinja2 fragment as safe HTML: it autoescapes what it draws, as Django does."""
    return mark_safe(engines["jinja2"].get_template(name).render(context))


@register.simple_tag
def card(article, compact=False):
    """An article's card in a list; `compact` leaves out its series and deck."""
    return render("includes/article_card.html", article=article, compact=compact)


def cards(articles, compact=False):
    """Several cards in one drawing: what the search page draws while the engine counts."""
    return render("includes/article_cards.html", articles=articles, compact=compact)


@register.simple_tag
def byline(article):
    """The authors in byline order after "By", each a link to their page."""
    return render("includes/byline.html", article=article)


@register.simple_tag
def article_dates(article):
    """The publication date and reading time."""
    return render("includes/article_dates.html", article=article)


@register.simple_tag(takes_context=True)
def facet_panel(context, facets):
    """The facets' lists of values, each value a link that adds or removes it."""
    panels = [(counts, facet_links(context, counts)) for counts in facets if counts.values]
    return render("archive/facets.html", panels=panels)
