import re

from django import forms
from django.core.exceptions import BadRequest

from ..numbers import ascii_whole_number
from .faceted import FacetedSearch
from .facets import FACETS
from .query import MAX_QUERY_LENGTH, MAX_QUERY_TERMS, clean_query, normalise_query

MAX_VALUES_PER_FACET = 20
MAX_FILTER_VALUES = 50
MAX_PAGE_DIGITS = 30
SLUG = re.compile(r"^[-\w]{1,200}$")


def parse_page_number(value):
    """A page number from a query string, or a ValidationError that says what one is."""
    number = ascii_whole_number(value or "1", MAX_PAGE_DIGITS)
    if number is None or number < 1:
        raise forms.ValidationError("A page number is a whole number from 1 up, such as 2.")
    return number


class SearchForm(forms.Form):
    """The search page's parameters: any input becomes a search or a clear message."""

    SORTS = [("relevance", "Best match"), ("newest", "Newest first"), ("oldest", "Oldest first")]

    q = forms.CharField(label="Search the archive", required=False, strip=True)
    sort = forms.ChoiceField(
        label="Sort by",
        choices=SORTS,
        required=False,
        error_messages={"invalid_choice": "Sort by best match, newest first or oldest first."},
    )
    page = forms.CharField(required=False, widget=forms.HiddenInput)
    # The words exactly as typed: no spelling correction when they find nothing.
    exact = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, data=None, **kwargs):
        super().__init__(data, **kwargs)
        self.notes = []

    def clean_q(self):
        raw = self.cleaned_data["q"]
        text = clean_query(raw)
        if len(normalise_query(raw)) > MAX_QUERY_LENGTH:
            self.notes.append(
                f"Your search was longer than {MAX_QUERY_LENGTH} characters; "
                "only the beginning was used."
            )
        elif len(text) < len(normalise_query(raw)):
            self.notes.append(
                f"Your search had more than {MAX_QUERY_TERMS} words; only the first "
                f"{MAX_QUERY_TERMS} were used."
            )
        return text

    def clean_sort(self):
        return self.cleaned_data["sort"] or ("relevance" if self.data.get("q") else "newest")

    def clean_page(self):
        return parse_page_number(self.cleaned_data["page"])

    def error_message(self):
        """Every error in one sentence, for a 400 page or a JSON error."""
        return " ".join(error for errors in self.errors.values() for error in errors)

    def _values(self, facet):
        """A facet's values from the query, stripped, blanks and repeats dropped."""
        values = []
        for value in self.data.getlist(facet.name) if self.data else []:
            value = value.strip()
            if value and value not in values:
                values.append(value)
        return values

    @staticmethod
    def _is_valid(facet, value):
        if facet.numeric:
            return len(value) == 4 and ascii_whole_number(value, 4) is not None
        return bool(SLUG.match(value))

    def clean(self):
        cleaned = super().clean()
        filters, total = {}, 0
        for facet in FACETS:
            values = self._values(facet)
            if len(values) > MAX_VALUES_PER_FACET:
                raise forms.ValidationError(
                    f"Choose at most {MAX_VALUES_PER_FACET} values for {facet.label.lower()}."
                )
            bad = next((v for v in values if not self._is_valid(facet, v)), None)
            if bad is not None and facet.numeric:
                raise forms.ValidationError("A year is a four-digit number, such as 2020.")
            if bad is not None:
                shown = printable(bad)[:60]
                raise forms.ValidationError(
                    f"“{shown}” is not a {facet.label.lower()} this archive knows."
                    if shown
                    else f"That {facet.label.lower()} is not one this archive knows."
                )
            total += len(values)
            filters[facet.name] = values
        if total > MAX_FILTER_VALUES:
            raise forms.ValidationError(f"Choose at most {MAX_FILTER_VALUES} filters at once.")
        cleaned["filters"] = filters
        return cleaned

    def kept(self):
        """(words, sort, [(facet, value)]) that were valid, so a 400 keeps the reader's search."""
        data = getattr(self, "cleaned_data", {})
        text = data.get("q", "")
        sort = data.get("sort") if self.data.get("sort") and "sort" not in self.errors else None
        filters = [
            (facet, value)
            for facet in FACETS
            for value in self._values(facet)[:MAX_VALUES_PER_FACET]
            if self._is_valid(facet, value)
        ]
        return text, sort, filters[:MAX_FILTER_VALUES]


def printable(text):
    """Text safe to echo in a message: control characters (NUL included) dropped."""
    return "".join(ch for ch in text if ch.isprintable() or ch == " ")


class InvalidSearch(BadRequest):
    """Search parameters that do not validate: a 400 saying why, with the form to show."""

    def __init__(self, form):
        super().__init__(form.error_message())
        self.form = form


def search_from_request(request, sort=None, counted=True, page_size=None):
    """(form, FacetedSearch) from the query string; InvalidSearch when it is not one.

    The search page, its JSON twin, its feeds and its citation downloads all start here;
    the feeds and downloads show no facets, so they ask for no counts. A page of
    `page_size` results is asked of the engine with the counts, at the page asked for.
    """
    form = SearchForm(request.GET)
    if not form.is_valid():
        raise InvalidSearch(form)
    data = form.cleaned_data
    offset = (data["page"] - 1) * page_size if page_size else 0
    return form, FacetedSearch(
        data["q"],
        data["filters"],
        sort or data["sort"],
        exact=data["exact"],
        counted=counted,
        offset=offset,
    )
