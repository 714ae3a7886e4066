"""What a hostile reader sends: shared by the hypothesis test and `make fuzz`.

Every public URL comes from the resolver (the admin excepted), so a page added later is
fuzzed without anyone listing it here.
"""

from urllib.parse import quote

from django.urls import URLResolver, get_resolver, reverse

# Names the site reads, and some it does not.
PARAMETERS = [
    *("q", "page", "sort", "year", "theme", "topic", "author", "institution", "type"),
    *("series", "region", "verb", "metadataPrefix", "identifier", "set", "from", "until"),
    *("resumptionToken", "format", "next", "callback", "q[]", "", "PAGE"),
]
OAI_VERBS = ["Identify", "ListSets", "ListRecords", "ListIdentifiers", "GetRecord"]
UNICODE_DIGITS = ["²", "①", "١٢", "３", "߁", "𝟚", "²²²²", "٢٠٢٠", "２０２０"]
CONTROL_CHARACTERS = ["\x00", "\x01", "\x07", "\x0b", "\x0c", "\x1b", "\x7f", "\x85", "\u2028"]
INVISIBLE_AND_RTL = ["\u200f", "\u202e", "\u200b", "\u2066", "\ufeff", "\ue000", "\ufffe"]
LONE_SURROGATES = ["\ud800", "\udfff", "a\udc80b"]
ENGINE_OPERATORS = [
    *('"', "*", "NEAR(", "NEAR(a b, 2)", ":", "title:india", "^", "^india", "-", "--"),
    *("-india", '-"', '""', "(", ")", "{", "}", "+", "\\", "'", "%", "_", "a*", "*a"),
    *("OR", "or or", "AND", "NOT", "a | b", "a & !b", "<->", "india:*", "'a':*"),
]
NUMBERS = ["0", "-1", "1.5", "1e3", " 1", "1 ", "0x10", "9" * 40, "2020-01-01", "-0"]
HOSTILE = [
    *UNICODE_DIGITS,
    *CONTROL_CHARACTERS,
    *INVISIBLE_AND_RTL,
    *LONE_SURROGATES,
    *ENGINE_OPERATORS,
    *NUMBERS,
    "india",
    "2019",
    "oai_dc",
    "relevance",
    "newest",
]
HUGE = ["a" * 100_000, "²" * 50_000, "-w " * 33_000, '"' * 100_000, "india " * 16_000]


def encode(value):
    """Percent-encoded UTF-8; a lone surrogate goes out as the invalid bytes it makes."""
    return quote(value.encode("utf-8", "surrogatepass"), safe="")


def query_string(pairs):
    return "&".join(f"{encode(name)}={encode(value)}" for name, value in pairs)


def public_routes():
    """(URL name, its keyword arguments) for every named public URL the resolver knows."""
    routes = []

    def walk(patterns, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if not str(pattern.pattern).startswith("admin/"):
                    walk(pattern.url_patterns, pattern.namespace or namespace)
            elif pattern.name:
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                routes.append((name, list(pattern.pattern.regex.groupindex)))

    walk(get_resolver().url_patterns, None)
    return routes


def public_paths(slugs):
    """Every public URL filled with each known slug (and a made-up one), as paths."""
    paths = set()
    for name, kwargs in public_routes():
        for slug in [*slugs, "no-such-thing"]:
            values = {"slug": slug, "export_format": "bib"}
            paths.add(reverse(name, kwargs={k: values[k] for k in kwargs}))
    return sorted(paths)


def known_slugs():
    """A published article's slug and one of each taxonomy that a page is about."""
    from archive.models import Article, Series, Theme, Topic
    from authors.models import Author, Institution

    slugs = []
    for queryset in (
        Article.objects.published(),
        Article.objects.exclude(pk__in=Article.objects.published()),
        Author.objects.all(),
        Institution.objects.all(),
        Topic.objects.all(),
        Theme.objects.all(),
        Series.objects.all(),
    ):
        slugs += list(queryset.order_by("pk").values_list("slug", flat=True)[:2])
    return slugs
