"""OAI-PMH records: identifiers, what may be harvested, and the XML of headers and
Dublin Core records."""

import datetime
import xml.etree.ElementTree as ET

from django.conf import settings
from django.db.models import Prefetch
from django.db.models.functions import Greatest
from django.utils import timezone

from ...models import Article, TaggedTopic
from ...numbers import ascii_whole_number
from .protocol import (
    DC_NAMESPACE,
    LARGEST_PK,
    OAI_DC_NAMESPACE,
    OAI_DC_SCHEMA,
    SECONDS_FORMAT,
    SERIES_SET,
    THEME_SET,
    XML_ILLEGAL_CHARACTERS,
    XSI_NAMESPACE,
    OAIError,
)

# Records


def repository_domain():
    """`OAI_REPOSITORY_DOMAIN`, else the site's `ARCHIVE_DOMAIN`: never the host a harvester
    happened to ask for, so every name of the site gives the same identifiers."""
    return (settings.OAI_REPOSITORY_DOMAIN or settings.ARCHIVE_DOMAIN).lower()


def oai_identifier(article):
    """Built on the primary key, so an identifier survives a title or slug change."""
    return f"oai:{repository_domain()}:article:{article.pk}"


def article_pk(identifier):
    """The primary key an identifier names, or idDoesNotExist."""
    prefix = f"oai:{repository_domain()}:article:"
    local = identifier[len(prefix) :] if identifier.startswith(prefix) else ""
    pk = ascii_whole_number(local, len(str(LARGEST_PK)))
    if pk is None or pk > LARGEST_PK:
        raise OAIError("idDoesNotExist", f"No record has the identifier {identifier!r}.")
    return pk


def harvestable():
    """Published articles and the withdrawn or retracted ones harvesters must see deleted.

    The datestamp is the later of the last save and the publication time: a
    scheduled article enters the repository when its time comes, and an
    incremental harvest from the day before must pick it up then.
    """
    return (
        (Article.objects.published() | Article.objects.gone())
        .annotate(datestamp=Greatest("modified_at", "published_at"))
        .select_related("series")
        .prefetch_related(Prefetch("topic_links", TaggedTopic.objects.select_related("tag__theme")))
        .order_by("pk")
    )


def in_set(articles, set_spec):
    """Articles in a set; an unknown set selects nothing (noRecordsMatch)."""
    kind, _, slug = set_spec.partition(":")
    if kind == THEME_SET:
        themed = TaggedTopic.objects.filter(tag__theme__isnull=False)
        if slug:
            themed = themed.filter(tag__theme__slug=slug)
        return articles.filter(pk__in=themed.values("content_object"))
    if kind == SERIES_SET:
        return articles.filter(series__slug=slug) if slug else articles.exclude(series=None)
    return articles.none()


def set_specs(article):
    """The leaf sets an article belongs to, from the prefetched topics and series."""
    themes = {link.tag.theme.slug for link in article.topic_links.all() if link.tag.theme}
    specs = [f"{THEME_SET}:{slug}" for slug in sorted(themes)]
    if article.series:
        specs.append(f"{SERIES_SET}:{article.series.slug}")
    return specs


def format_datestamp(moment):
    return moment.astimezone(datetime.UTC).strftime(SECONDS_FORMAT)


# XML


def clean_text(text):
    """Text XML can carry: stored content may hold control characters pasted from Word."""
    return XML_ILLEGAL_CHARACTERS.sub("", str(text))


def add(parent, tag, text=None, **attributes):
    element = ET.SubElement(parent, tag, attributes)
    if text is not None:
        element.text = clean_text(text)
    return element


def header(parent, request, article):
    """A deleted record names no set: the set may now be known to no published article."""
    element = add(parent, "header")
    gone = article.status in Article.GONE_STATUSES
    if gone:
        element.set("status", "deleted")
    add(element, "identifier", oai_identifier(article))
    add(element, "datestamp", format_datestamp(article.datestamp))
    for spec in [] if gone else set_specs(article):
        add(element, "setSpec", spec)
    return element


def record(parent, request, article):
    element = add(parent, "record")
    header(element, request, article)
    if article.status not in Article.GONE_STATUSES:
        dublin_core(add(element, "metadata"), request, article)
    return element


def dublin_core(parent, request, article):
    dc = add(
        parent,
        "oai_dc:dc",
        **{
            "xmlns:oai_dc": OAI_DC_NAMESPACE,
            "xmlns:dc": DC_NAMESPACE,
            "xmlns:xsi": XSI_NAMESPACE,
            "xsi:schemaLocation": f"{OAI_DC_NAMESPACE} {OAI_DC_SCHEMA}",
        },
    )
    add(dc, "dc:title", article.title)
    for name in article.byline_names():
        add(dc, "dc:creator", name)
    for topic in article.topic_list():
        add(dc, "dc:subject", topic.name)
    description = article.summary or article.deck
    if description:
        add(dc, "dc:description", description)
    add(dc, "dc:publisher", settings.ARCHIVE_NAME)
    add(dc, "dc:date", timezone.localtime(article.published_at).date().isoformat())
    add(dc, "dc:type", "Text")
    add(dc, "dc:type", article.article_type.name)
    add(dc, "dc:identifier", request.build_absolute_uri(article.get_absolute_url()))
    add(dc, "dc:language", article.language)
    if article.series:
        add(dc, "dc:relation", article.series.name)


def resumption_token(parent, complete_list_size, cursor, token=""):
    add(
        parent,
        "resumptionToken",
        token,
        completeListSize=str(complete_list_size),
        cursor=str(cursor),
    )
