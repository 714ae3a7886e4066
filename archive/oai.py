"""OAI-PMH 2.0 (https://www.openarchives.org/OAI/openarchivesprotocol.html) at /oai/.

Library aggregators and discovery services harvest the archive through this
protocol, so it follows the specification to the letter: every response is
namespaced and schema-located XML built with ElementTree (which escapes all
text), errors are 200 responses carrying the protocol's error codes, and GET
and POST are equivalent.

What a harvester may see starts from `Article.objects.published()`. Withdrawn
and retracted articles that had been published stay visible as deleted records
(headers only), so harvesters learn to drop them; drafts, articles in review
and scheduled ones never appear, not even as identifiers.
"""

import datetime
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.db.models import Min, Prefetch
from django.db.models.functions import Greatest
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from .models import Article, Series, TaggedTopic, Theme
from .numbers import ascii_whole_number

PAGE_SIZE = 100

OAI_NAMESPACE = "http://www.openarchives.org/OAI/2.0/"
OAI_SCHEMA = "http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd"
OAI_DC_NAMESPACE = "http://www.openarchives.org/OAI/2.0/oai_dc/"
OAI_DC_SCHEMA = "http://www.openarchives.org/OAI/2.0/oai_dc.xsd"
OAI_IDENTIFIER_NAMESPACE = "http://www.openarchives.org/OAI/2.0/oai-identifier"
OAI_IDENTIFIER_SCHEMA = "http://www.openarchives.org/OAI/2.0/oai-identifier.xsd"
DC_NAMESPACE = "http://purl.org/dc/elements/1.1/"
XSI_NAMESPACE = "http://www.w3.org/2001/XMLSchema-instance"

METADATA_PREFIX = "oai_dc"
THEME_SET, SERIES_SET = "theme", "series"

DAY_FORMAT = "%Y-%m-%d"
SECONDS_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
DAY_PATTERN = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
SECONDS_PATTERN = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z")
GRANULARITY_STEP = {
    DAY_FORMAT: datetime.timedelta(days=1),
    SECONDS_FORMAT: datetime.timedelta(seconds=1),
}

# Characters XML 1.0 cannot carry at all, not even escaped.
XML_ILLEGAL_CHARACTERS = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# The oai-identifier schema only accepts a dotted domain name as repositoryIdentifier.
DOMAIN_NAME_PATTERN = re.compile(r"[a-zA-Z][a-zA-Z0-9\-]*(\.[a-zA-Z][a-zA-Z0-9\-]*)+")
LARGEST_PK = 2**63 - 1

TOKEN_SALT = "archive.oai.resumption-token"


class OAIError(Exception):
    """A protocol error: reported in the XML, with its code, in a 200 response."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code
        self.message = message

    @property
    def hides_arguments(self):
        """The spec forbids echoing the arguments of a request that is not a valid one."""
        return self.code in {"badVerb", "badArgument"}


@dataclass(frozen=True)
class Verb:
    """The arguments a verb takes, as the specification's tables list them."""

    required: tuple = ()
    optional: tuple = ()
    exclusive: str | None = None


VERBS = {
    "Identify": Verb(),
    "ListMetadataFormats": Verb(optional=("identifier",)),
    "ListSets": Verb(exclusive="resumptionToken"),
    "GetRecord": Verb(required=("identifier", "metadataPrefix")),
    "ListIdentifiers": Verb(
        required=("metadataPrefix",), optional=("from", "until", "set"), exclusive="resumptionToken"
    ),
    "ListRecords": Verb(
        required=("metadataPrefix",), optional=("from", "until", "set"), exclusive="resumptionToken"
    ),
}


# Arguments


def parse_arguments(query):
    """The verb and its arguments from a GET query or POST body, or badVerb/badArgument."""
    verbs = query.getlist("verb")
    if not verbs:
        raise OAIError("badVerb", "The request has no verb argument.")
    if len(verbs) > 1:
        raise OAIError("badVerb", "The verb argument may appear only once.")
    if verbs[0] not in VERBS:
        raise OAIError("badVerb", "The value of the verb argument is not a legal OAI-PMH verb.")
    verb = verbs[0]
    spec = VERBS[verb]
    arguments = {}
    for name, values in query.lists():
        if name == "verb":
            continue
        if name not in (*spec.required, *spec.optional, spec.exclusive):
            raise OAIError("badArgument", f"{verb} does not take the argument {name!r}.")
        if len(values) > 1:
            raise OAIError("badArgument", f"The argument {name!r} may appear only once.")
        if XML_ILLEGAL_CHARACTERS.search(values[0]):
            raise OAIError("badArgument", f"The argument {name!r} contains illegal characters.")
        arguments[name] = values[0]
    if spec.exclusive and spec.exclusive in arguments:
        if len(arguments) > 1:
            raise OAIError("badArgument", f"{spec.exclusive} is an exclusive argument.")
        return verb, arguments
    missing = [name for name in spec.required if name not in arguments]
    if missing:
        raise OAIError("badArgument", f"{verb} requires the argument {missing[0]!r}.")
    if "from" in arguments or "until" in arguments:
        parse_date_range(arguments.get("from"), arguments.get("until"))
    return verb, arguments


def parse_datestamp(value, name):
    """(datetime in UTC, granularity format) for either granularity the spec allows."""
    for pattern, date_format in ((SECONDS_PATTERN, SECONDS_FORMAT), (DAY_PATTERN, DAY_FORMAT)):
        if pattern.fullmatch(value):
            try:
                moment = datetime.datetime.strptime(value, date_format)
            except ValueError:
                break
            return moment.replace(tzinfo=datetime.UTC), date_format
    raise OAIError(
        "badArgument", f"{name!r} must be a UTC date, YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ."
    )


def parse_date_range(from_value, until_value):
    """The inclusive from/until bounds as a half-open range [start, end) in UTC.

    A day-granular `until` covers the whole day, and a seconds-granular one the
    whole second, since datestamps are shown to the second.
    """
    start = end = None
    granularities = set()
    if from_value is not None:
        start, granularity = parse_datestamp(from_value, "from")
        granularities.add(granularity)
    if until_value is not None:
        until, granularity = parse_datestamp(until_value, "until")
        granularities.add(granularity)
        try:
            end = until + GRANULARITY_STEP[granularity]
        except OverflowError:
            end = None
    if len(granularities) > 1:
        raise OAIError("badArgument", "'from' and 'until' must have the same granularity.")
    return start, end


def check_metadata_prefix(prefix):
    if prefix != METADATA_PREFIX:
        raise OAIError(
            "cannotDisseminateFormat", f"The only metadata format here is {METADATA_PREFIX}."
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


# Resumption tokens


def make_token(verb, selection, last_pk, cursor):
    """A signed token: harvesters can neither forge a selection nor mistype an offset.

    It carries the whole selection and a keyset position (the last primary key
    sent), so records saved between pages are neither skipped nor repeated.
    """
    payload = {"verb": verb, **selection, "after": last_pk, "cursor": cursor}
    return signing.dumps(payload, salt=TOKEN_SALT, compress=True)


def read_token(verb, token):
    """(selection, last primary key sent, cursor), or badResumptionToken."""
    try:
        payload = signing.loads(token, salt=TOKEN_SALT)
    except signing.BadSignature:
        payload = None
    if (
        not isinstance(payload, dict)
        or payload.get("verb") != verb
        or not isinstance(payload.get("after"), int)
        or not isinstance(payload.get("cursor"), int)
    ):
        raise OAIError("badResumptionToken", "The resumptionToken is invalid or has expired.")
    selection = {name: payload.get(name) for name in ("metadataPrefix", "from", "until", "set")}
    return selection, payload["after"], payload["cursor"]


def resumption_token(parent, complete_list_size, cursor, token=""):
    add(
        parent,
        "resumptionToken",
        token,
        completeListSize=str(complete_list_size),
        cursor=str(cursor),
    )


# Verbs


def identify(request, arguments, response):
    earliest = harvestable().aggregate(earliest=Min("datestamp"))["earliest"]
    element = add(response, "Identify")
    add(element, "repositoryName", settings.ARCHIVE_NAME)
    add(element, "baseURL", base_url(request))
    add(element, "protocolVersion", "2.0")
    for email in admin_emails():
        add(element, "adminEmail", email)
    add(element, "earliestDatestamp", format_datestamp(earliest or timezone.now()))
    add(element, "deletedRecord", "persistent")
    add(element, "granularity", "YYYY-MM-DDThh:mm:ssZ")
    domain = repository_domain()
    if DOMAIN_NAME_PATTERN.fullmatch(domain):
        description = add(add(element, "description"), "oai-identifier")
        description.attrib.update(
            {
                "xmlns": OAI_IDENTIFIER_NAMESPACE,
                "xmlns:xsi": XSI_NAMESPACE,
                "xsi:schemaLocation": f"{OAI_IDENTIFIER_NAMESPACE} {OAI_IDENTIFIER_SCHEMA}",
            }
        )
        add(description, "scheme", "oai")
        add(description, "repositoryIdentifier", domain)
        add(description, "delimiter", ":")
        add(description, "sampleIdentifier", f"oai:{domain}:article:1")


def admin_emails():
    """`OAI_ADMIN_EMAILS`, else the site's ADMINS, else its sender address (one is required)."""
    configured = getattr(settings, "OAI_ADMIN_EMAILS", None)
    if configured:
        return list(configured)
    return [email for _, email in settings.ADMINS] or [settings.DEFAULT_FROM_EMAIL]


def list_metadata_formats(request, arguments, response):
    if "identifier" in arguments:
        pk = article_pk(arguments["identifier"])
        if not harvestable().filter(pk=pk).exists():
            raise OAIError("idDoesNotExist", "No record has this identifier.")
    element = add(response, "ListMetadataFormats")
    metadata_format = add(element, "metadataFormat")
    add(metadata_format, "metadataPrefix", METADATA_PREFIX)
    add(metadata_format, "schema", OAI_DC_SCHEMA)
    add(metadata_format, "metadataNamespace", OAI_DC_NAMESPACE)


def list_sets(request, arguments, response):
    """Two parent sets, theme and series, with one child set per theme and per series.

    The colon in a setSpec is the protocol's hierarchy separator, so the
    parents exist too; harvesting `theme` gets every article with a themed topic.
    """
    if "resumptionToken" in arguments:
        raise OAIError("badResumptionToken", "ListSets is never split; no token is valid.")
    element = add(response, "ListSets")
    for kind, name, children in (
        (THEME_SET, "Themes", Theme.objects.public().order_by("position", "name")),
        (SERIES_SET, "Series", Series.objects.public().order_by("name")),
    ):
        parent = add(element, "set")
        add(parent, "setSpec", kind)
        add(parent, "setName", name)
        for child in children:
            child_set = add(element, "set")
            add(child_set, "setSpec", f"{kind}:{child.slug}")
            add(child_set, "setName", child.name)


def get_record(request, arguments, response):
    pk = article_pk(arguments["identifier"])
    check_metadata_prefix(arguments["metadataPrefix"])
    article = harvestable().with_bylines().filter(pk=pk).first()
    if article is None:
        raise OAIError("idDoesNotExist", "No record has this identifier.")
    record(add(response, "GetRecord"), request, article)


def list_headers_or_records(request, verb, arguments, response):
    """ListIdentifiers and ListRecords: one page of a selection, and a token for the next.

    A page costs a fixed number of queries whatever its size: the page, its
    prefetched bylines and topics, and the count for completeListSize.
    """
    if "resumptionToken" in arguments:
        selection, after, cursor = read_token(verb, arguments["resumptionToken"])
    else:
        selection = {name: arguments.get(name) for name in ("metadataPrefix", "from", "until")}
        selection["set"] = arguments.get("set")
        after, cursor = 0, 0
    check_metadata_prefix(selection["metadataPrefix"])
    articles = harvestable()
    if verb == "ListRecords":
        articles = articles.with_bylines()
    start, end = parse_date_range(selection["from"], selection["until"])
    if start is not None:
        articles = articles.filter(datestamp__gte=start)
    if end is not None:
        articles = articles.filter(datestamp__lt=end)
    if selection["set"] is not None:
        articles = in_set(articles, selection["set"])
    page = list(articles.filter(pk__gt=after)[: PAGE_SIZE + 1])
    if not page:
        raise OAIError("noRecordsMatch", "No records match the request.")
    has_more = len(page) > PAGE_SIZE
    page = page[:PAGE_SIZE]
    element = add(response, verb)
    for article in page:
        if verb == "ListRecords":
            record(element, request, article)
        else:
            header(element, request, article)
    if has_more or cursor:
        complete_list_size = articles.count()
        token = make_token(verb, selection, page[-1].pk, cursor + len(page)) if has_more else ""
        resumption_token(element, complete_list_size, cursor, token)


def list_identifiers(request, arguments, response):
    list_headers_or_records(request, "ListIdentifiers", arguments, response)


def list_records(request, arguments, response):
    list_headers_or_records(request, "ListRecords", arguments, response)


HANDLERS = {
    "Identify": identify,
    "ListMetadataFormats": list_metadata_formats,
    "ListSets": list_sets,
    "GetRecord": get_record,
    "ListIdentifiers": list_identifiers,
    "ListRecords": list_records,
}


def base_url(request):
    return request.build_absolute_uri(reverse("archive:oai"))


def respond(request, query):
    """The whole OAI-PMH document for one request, as UTF-8 bytes."""
    root = ET.Element(
        "OAI-PMH",
        {
            "xmlns": OAI_NAMESPACE,
            "xmlns:xsi": XSI_NAMESPACE,
            "xsi:schemaLocation": f"{OAI_NAMESPACE} {OAI_SCHEMA}",
        },
    )
    add(root, "responseDate", format_datestamp(timezone.now()))
    request_element = add(root, "request", base_url(request))
    body = ET.Element("body")
    try:
        verb, arguments = parse_arguments(query)
        request_element.attrib.update({"verb": verb, **arguments})
        HANDLERS[verb](request, arguments, body)
    except OAIError as error:
        if error.hides_arguments:
            request_element.attrib.clear()
        body = ET.Element("body")
        add(body, "error", error.message, code=error.code)
    root.extend(body)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def oai_pmh(request):
    """The protocol's one URL; harvesters may POST instead of GET, without a CSRF token."""
    query = request.POST if request.method == "POST" else request.GET
    return HttpResponse(respond(request, query), content_type="text/xml; charset=utf-8")
