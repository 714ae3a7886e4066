"""The OAI-PMH verbs and the one URL that answers them."""

import xml.etree.ElementTree as ET

from django.conf import settings
from django.db.models import Min
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from ...models import Series, Theme
from .protocol import (
    DOMAIN_NAME_PATTERN,
    METADATA_PREFIX,
    OAI_DC_NAMESPACE,
    OAI_DC_SCHEMA,
    OAI_IDENTIFIER_NAMESPACE,
    OAI_IDENTIFIER_SCHEMA,
    OAI_NAMESPACE,
    OAI_SCHEMA,
    SERIES_SET,
    THEME_SET,
    XSI_NAMESPACE,
    OAIError,
    check_metadata_prefix,
    make_token,
    parse_arguments,
    parse_date_range,
    read_token,
)
from .records import (
    add,
    article_pk,
    format_datestamp,
    harvestable,
    header,
    in_set,
    record,
    repository_domain,
    resumption_token,
)

PAGE_SIZE = 100  # records or identifiers per response, then a resumption token


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
