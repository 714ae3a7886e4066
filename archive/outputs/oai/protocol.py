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
from dataclasses import dataclass

from django.core import signing

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
