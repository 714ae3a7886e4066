"""People who write for the archive and the institutions they belong to."""

from django.core.exceptions import ValidationError
from django.core.validators import (
    MaxValueValidator,
    MinValueValidator,
    RegexValidator,
    URLValidator,
)
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.db.models.functions import Concat
from reversion import register as register_revisions

from archive.links import slug_url
from archive.plain_text import PlainTextMixin
from archive.visibility import on_published_articles, public_queryset

ORCID_PATTERN = r"^[0-9]{4}-[0-9]{4}-[0-9]{4}-[0-9]{3}[0-9X]$"


def orcid_check_digit(digits):
    """The ISO 7064 11,2 check character of an ORCID iD's first fifteen digits."""
    total = 0
    for digit in digits:
        total = (total + int(digit)) * 2
    remainder = (12 - total % 11) % 11
    return "X" if remainder == 10 else str(remainder)


def validate_orcid_checksum(value):
    """Reject an ORCID iD whose last character is not its check digit.

    A mistyped iD would otherwise link readers to somebody else's record.
    """
    digits = value.replace("-", "")
    expected = orcid_check_digit(digits[:-1])
    if digits[-1] != expected:
        raise ValidationError(
            "%(value)s is not a valid ORCID iD: its check digit should be %(expected)s.",
            code="orcid_checksum",
            params={"value": value, "expected": expected},
        )


validate_orcid_format = RegexValidator(
    ORCID_PATTERN,
    "Enter an ORCID iD as four groups of four digits, e.g. 0000-0002-1825-0097.",
    code="orcid_format",
)

YEAR_VALIDATORS = [MinValueValidator(1900), MaxValueValidator(2100)]

WEB_SCHEMES = ("http", "https")
# A website is linked from public pages: only a web address, never javascript: or data:.
validate_web_address = URLValidator(
    schemes=WEB_SCHEMES, message="Enter a web address that starts with http:// or https://."
)


def web_link(url):
    """`url` if it is safe to link (http or https), else "": for values stored before."""
    return url if url.split(":", 1)[0].lower() in WEB_SCHEMES and "://" in url else ""


class Institution(PlainTextMixin, models.Model):
    name = models.CharField(max_length=200, unique=True)
    short_name = models.CharField(max_length=40, blank=True, help_text="e.g. ICWA")
    slug = models.SlugField(max_length=200, unique=True)
    city = models.CharField(max_length=100, blank=True)
    country = models.CharField(max_length=100, blank=True)
    website = models.URLField(blank=True, validators=[validate_web_address])
    aliases = models.TextField(
        blank=True,
        help_text="Other names author notes use, one per line: a former name, a translation, "
        "a longer or shorter form. The importer matches them as it matches the name.",
    )

    objects = public_queryset("authors__affiliations__institution")

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return slug_url("authors:institution", self.slug)

    @property
    def website_link(self):
        return web_link(self.website)

    @property
    def alias_names(self):
        return [line.strip() for line in self.aliases.splitlines() if line.strip()]

    @property
    def place(self):
        return ", ".join(part for part in (self.city, self.country) if part)


def display_name(honorific, name):
    """How an author is named in print: "Dr. Ana Silva", or the name alone."""
    return f"{honorific} {name}" if honorific else name


def display_name_expression():
    """`Author.display_name` in SQL, for lists that read names as values."""
    return Case(
        When(honorific="", then=F("name")),
        default=Concat(F("honorific"), Value(" "), F("name")),
        output_field=models.CharField(),
    )


def family_name_key(name):
    """Sort by family name, as a reader scans a list of people: "Mishra, Vivek"."""
    words = name.split()
    return (words[-1].casefold(), name.casefold()) if words else ("", "")


class Author(PlainTextMixin, models.Model):
    honorific = models.CharField(max_length=20, blank=True, help_text='e.g. "Dr." or "Prof."')
    name = models.CharField(max_length=200, help_text="Full name as it appears in a byline.")
    slug = models.SlugField(max_length=200, unique=True)
    bio = models.TextField("short bio", blank=True)
    orcid = models.CharField(
        "ORCID iD",
        max_length=19,
        blank=True,
        validators=[validate_orcid_format, validate_orcid_checksum],
        help_text="e.g. 0000-0002-1825-0097",
    )
    website = models.URLField(blank=True, validators=[validate_web_address])
    photo = models.ImageField(upload_to="authors/", blank=True)

    objects = public_queryset(through=("archive.Authorship", "author", on_published_articles))

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(orcid="") | Q(orcid__regex=ORCID_PATTERN),
                name="author_orcid_format",
                violation_error_message="Enter an ORCID iD in the form 0000-0002-1825-0097.",
            ),
            models.UniqueConstraint(
                fields=["orcid"],
                condition=~Q(orcid=""),
                name="author_orcid_unique",
                violation_error_message="Another author already has this ORCID iD.",
            ),
        ]

    def __str__(self):
        return self.display_name

    def get_absolute_url(self):
        return slug_url("authors:author", self.slug)

    @property
    def website_link(self):
        return web_link(self.website)

    @property
    def display_name(self):
        return display_name(self.honorific, self.name)

    @property
    def sort_key(self):
        return family_name_key(self.name)

    @property
    def orcid_url(self):
        return f"https://orcid.org/{self.orcid}" if self.orcid else ""


# "Held in a year": the one rule for which affiliations a byline shows and which
# institution an article counts for. An open start or end counts as held ("since 2015" was
# held in 2020, an affiliation with no years is held always). Three forms, one rule:
# `held_in()` for the database, `Affiliation.was_held_in()` for prefetched rows, and
# `years_cover()` on numbers with the open ends as OPEN_START/OPEN_END (the search index).
OPEN_START, OPEN_END = 0, 9999


def held_in(year, prefix=""):
    """Q for affiliations held in `year`, a number or an expression (a publication's year);
    `prefix` reaches them through a relation, e.g. "author__affiliations__"."""
    start, end = f"{prefix}start_year", f"{prefix}end_year"
    return (Q(**{f"{start}__isnull": True}) | Q(**{f"{start}__lte": year})) & (
        Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gte": year})
    )


def years_cover(first, last, year):
    """The rule on numbers: open ends given as OPEN_START/OPEN_END."""
    return first <= year <= last


class AffiliationQuerySet(models.QuerySet):
    def current(self):
        return self.filter(end_year__isnull=True)


class Affiliation(PlainTextMixin, models.Model):
    """A position an author holds or held; past ones are kept for old bylines."""

    author = models.ForeignKey(Author, on_delete=models.CASCADE, related_name="affiliations")
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="affiliations"
    )
    role = models.CharField(max_length=200, blank=True, help_text='e.g. "Research Fellow"')
    department = models.CharField(
        max_length=200, blank=True, help_text='e.g. "International Relations"'
    )
    start_year = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=YEAR_VALIDATORS, help_text="Leave empty if unknown."
    )
    end_year = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=YEAR_VALIDATORS, help_text="Leave empty if current."
    )

    objects = AffiliationQuerySet.as_manager()

    class Meta:
        ordering = [
            models.F("end_year").desc(nulls_first=True),
            models.F("start_year").desc(nulls_last=True),
            "pk",
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_year__isnull=True)
                | Q(end_year__isnull=True)
                | Q(end_year__gte=models.F("start_year")),
                name="affiliation_end_not_before_start",
                violation_error_message="The end year cannot be before the start year.",
            ),
        ]

    def __str__(self):
        parts = [self.role, self.department, str(self.institution)]
        return ", ".join(part for part in parts if part)

    @property
    def is_current(self):
        return self.end_year is None

    @property
    def years(self):
        if self.start_year and self.end_year:
            if self.start_year == self.end_year:
                return str(self.start_year)
            return f"{self.start_year}–{self.end_year}"
        if self.start_year:
            return f"since {self.start_year}"
        if self.end_year:
            return f"until {self.end_year}"
        return ""

    def was_held_in(self, year):
        """Python twin of `held_in()`, for prefetched rows."""
        first = OPEN_START if self.start_year is None else self.start_year
        last = OPEN_END if self.end_year is None else self.end_year
        return years_cover(first, last, year)


register_revisions(Institution)
register_revisions(Affiliation)
register_revisions(Author, follow=["affiliations"])
