"""Cards: what a list shows of each article, read as plain values rather than models.

Twenty cards as model instances were about ninety of them (articles, types, series,
bylines, authors), built field by field: on a search page, more than the two queries
that read them. `ArticleQuerySet.for_cards()` iterates into these instead, each with the
few attributes and methods the card templates and the search API use.
"""

from django.db.models.query import BaseIterable

from authors.models import display_name

from .links import slug_url, type_url


class Label:
    """A type's or series' name and slug: what a card prints and links."""

    __slots__ = ("name", "slug")

    def __init__(self, name, slug):
        self.name, self.slug = name, slug

    def __str__(self):
        return self.name


class TypeLabel(Label):
    __slots__ = ()

    def get_absolute_url(self):
        return type_url(self.slug)


class SeriesLabel(Label):
    __slots__ = ()

    def get_absolute_url(self):
        return slug_url("archive:series", self.slug)


class BylineAuthor:
    __slots__ = ("honorific", "name", "slug")

    def __init__(self, honorific, name, slug):
        self.honorific, self.name, self.slug = honorific, name, slug

    @property
    def display_name(self):
        return display_name(self.honorific, self.name)

    def get_absolute_url(self):
        return slug_url("authors:author", self.slug)


class Byline:
    __slots__ = ("author",)

    def __init__(self, author):
        self.author = author


class Card:
    """An article as a card shows it; `snippet` is set by a search with words."""

    def __init__(self, values):
        self.__dict__.update(values)
        self.bylines = []
        self.snippet = ""

    def __repr__(self):
        return f"<Card {self.pk}: {self.title}>"

    def get_absolute_url(self):
        return slug_url("archive:article", self.slug)

    def get_deferred_fields(self):
        """The article's columns this card did not read (the model's method of the name)."""
        return set() if "body_html" in self.__dict__ else {"body_html"}

    def byline(self):
        """The authors printed in the byline, in order (`Article.byline()`)."""
        return self.bylines

    def byline_names(self):
        return [byline.author.display_name for byline in self.byline()]


class CardIterable(BaseIterable):
    """The queryset's rows as cards: the columns its `only()` names, in one query, then
    every card's byline in a second."""

    def __iter__(self):
        queryset = self.queryset
        names, deferred = queryset.query.deferred_loading
        assert not deferred, "for_cards() names the columns with only()"
        names = sorted(names)
        cards = {}
        for row in queryset.values_list("pk", *names):
            values = dict(zip(names, row[1:], strict=True))
            card = Card({"pk": row[0], "id": row[0], **_own_fields(values)})
            kind, series = values["article_type__slug"], values["series__slug"]
            card.article_type = TypeLabel(values["article_type__name"], kind)
            card.series = SeriesLabel(values["series__name"], series) if series else None
            cards[card.pk] = card
        if cards:
            _add_bylines(queryset, cards)
        return iter(cards.values())


def _own_fields(values):
    return {name: value for name, value in values.items() if "__" not in name}


def _add_bylines(queryset, cards):
    """The authors each card prints (editors and contributors are not in a byline)."""
    authorships = queryset.model._meta.get_field("authorships").related_model
    rows = (
        authorships._default_manager.using(queryset.db)
        .filter(article__in=list(cards), role=authorships.Role.AUTHOR)
        .order_by("article", "position", "pk")
        .values_list("article", "author__honorific", "author__name", "author__slug")
    )
    for article, honorific, name, slug in rows:
        cards[article].bylines.append(Byline(BylineAuthor(honorific, name, slug)))
