import datetime
import re
import xml.etree.ElementTree as ET

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from archive.models import Article, Authorship
from archive.outputs.oai import views as oai
from archive.tests.factories import ArticleFactory, SeriesFactory, ThemeFactory, TopicFactory
from authors.tests.factories import AuthorFactory

pytestmark = pytest.mark.django_db

NS = {
    "oai": "http://www.openarchives.org/OAI/2.0/",
    "oai_dc": "http://www.openarchives.org/OAI/2.0/oai_dc/",
    "dc": "http://purl.org/dc/elements/1.1/",
    "xsi": "http://www.w3.org/2001/XMLSchema-instance",
    "id": "http://www.openarchives.org/OAI/2.0/oai-identifier",
}
SCHEMA_LOCATION = f"{{{NS['xsi']}}}schemaLocation"
UTC_SECONDS = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")
BASE_URL = "http://testserver/oai/"
DOMAIN = "archive.example.org"

NEVER_HARVESTED = [
    pytest.param({"status": Article.Status.DRAFT, "published_at": None}, id="draft"),
    pytest.param({"status": Article.Status.REVIEW, "published_at": None}, id="in-review"),
    pytest.param({"published_at": timezone.now() + datetime.timedelta(days=7)}, id="scheduled"),
    pytest.param(
        {
            "status": Article.Status.RETRACTED,
            "published_at": timezone.now() + datetime.timedelta(days=7),
        },
        id="retracted-before-publication",
    ),
]


def utc(*args):
    return datetime.datetime(*args, tzinfo=datetime.UTC)


def harvest(client, method="get", **params):
    """Send one OAI-PMH request and return the parsed document, after the envelope checks."""
    response = getattr(client, method)(reverse("archive:oai"), params)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    root = ET.fromstring(response.content)
    assert root.tag == f"{{{NS['oai']}}}OAI-PMH"
    assert root.get(SCHEMA_LOCATION) == (
        "http://www.openarchives.org/OAI/2.0/ http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd"
    )
    response_date = root.find("oai:responseDate", NS).text
    assert UTC_SECONDS.fullmatch(response_date)
    sent = datetime.datetime.strptime(response_date, "%Y-%m-%dT%H:%M:%SZ").replace(
        tzinfo=datetime.UTC
    )
    assert abs(timezone.now() - sent) < datetime.timedelta(minutes=1)
    assert root.find("oai:request", NS).text == BASE_URL
    return root


def request_attributes(root):
    return dict(root.find("oai:request", NS).attrib)


def error_code(root):
    errors = root.findall("oai:error", NS)
    assert len(errors) == 1, ET.tostring(root)
    assert errors[0].text
    return errors[0].get("code")


def identifiers(root):
    return [element.text for element in root.iterfind(".//oai:header/oai:identifier", NS)]


@pytest.fixture(autouse=True)
def site_domain(settings):
    """The configured site identity, unlike the host the test client asks for."""
    settings.ARCHIVE_DOMAIN = DOMAIN
    settings.OAI_REPOSITORY_DOMAIN = ""


def identifier_of(article, domain=None):
    return f"oai:{domain or DOMAIN}:article:{article.pk}"


def set_modified_at(article, moment):
    """Bypass `auto_now`, which would stamp the current time on save."""
    Article.objects.filter(pk=article.pk).update(modified_at=moment)


def list_identifiers(client, **params):
    return harvest(client, verb="ListIdentifiers", metadataPrefix="oai_dc", **params)


# Identify, ListMetadataFormats, ListSets


def test_identify_describes_the_repository_and_declares_persistent_deleted_records(
    client, settings
):
    settings.ARCHIVE_NAME = "Indo-Pacific Policy Archive"
    settings.OAI_ADMIN_EMAILS = ["oai@example.org"]
    article = ArticleFactory(published_at=utc(2019, 5, 1))
    set_modified_at(article, utc(2020, 1, 2, 3, 4, 5))

    root = harvest(client, verb="Identify")

    assert request_attributes(root) == {"verb": "Identify"}
    identify = root.find("oai:Identify", NS)
    assert [child.tag.split("}")[1] for child in identify] == [
        "repositoryName",
        "baseURL",
        "protocolVersion",
        "adminEmail",
        "earliestDatestamp",
        "deletedRecord",
        "granularity",
        "description",
    ]
    assert identify.findtext("oai:repositoryName", namespaces=NS) == "Indo-Pacific Policy Archive"
    assert identify.findtext("oai:baseURL", namespaces=NS) == BASE_URL
    assert identify.findtext("oai:protocolVersion", namespaces=NS) == "2.0"
    assert identify.findtext("oai:adminEmail", namespaces=NS) == "oai@example.org"
    assert identify.findtext("oai:earliestDatestamp", namespaces=NS) == "2020-01-02T03:04:05Z"
    assert identify.findtext("oai:deletedRecord", namespaces=NS) == "persistent"
    assert identify.findtext("oai:granularity", namespaces=NS) == "YYYY-MM-DDThh:mm:ssZ"


def test_identify_describes_the_identifier_scheme_of_a_configured_domain(client, settings):
    settings.OAI_REPOSITORY_DOMAIN = "archive.example.org"

    root = harvest(client, verb="Identify")

    scheme = root.find("oai:Identify/oai:description/id:oai-identifier", NS)
    assert scheme.findtext("id:scheme", namespaces=NS) == "oai"
    assert scheme.findtext("id:repositoryIdentifier", namespaces=NS) == "archive.example.org"
    assert scheme.findtext("id:delimiter", namespaces=NS) == ":"
    assert scheme.findtext("id:sampleIdentifier", namespaces=NS) == (
        "oai:archive.example.org:article:1"
    )


def test_identifiers_use_the_configured_domain_and_survive_a_slug_change(client, settings):
    settings.OAI_REPOSITORY_DOMAIN = "archive.example.org"
    article = ArticleFactory(slug="first-slug")

    before = identifiers(list_identifiers(client))
    article.slug = "a-better-slug"
    article.save()

    assert before == identifiers(list_identifiers(client))
    assert before == [f"oai:archive.example.org:article:{article.pk}"]


def test_list_metadata_formats_offers_only_oai_dc(client):
    article = ArticleFactory()

    for params in ({}, {"identifier": identifier_of(article)}):
        root = harvest(client, verb="ListMetadataFormats", **params)
        assert request_attributes(root) == {"verb": "ListMetadataFormats", **params}
        formats = root.findall("oai:ListMetadataFormats/oai:metadataFormat", NS)
        assert len(formats) == 1
        assert formats[0].findtext("oai:metadataPrefix", namespaces=NS) == "oai_dc"
        assert formats[0].findtext("oai:schema", namespaces=NS) == (
            "http://www.openarchives.org/OAI/2.0/oai_dc.xsd"
        )
        assert formats[0].findtext("oai:metadataNamespace", namespaces=NS) == NS["oai_dc"]


def test_list_sets_offers_themes_and_series_under_their_parent_sets(client):
    theme = ThemeFactory(name="Indo-Pacific", slug="indo-pacific")
    series = SeriesFactory(name="Dialogue Watch", slug="dialogue-watch")
    ArticleFactory(series=series, topics=[TopicFactory(theme=theme)])
    SeriesFactory(name="Only drafts", slug="only-drafts")  # no published article: no set

    root = harvest(client, verb="ListSets")

    sets = {
        element.findtext("oai:setSpec", namespaces=NS): element.findtext(
            "oai:setName", namespaces=NS
        )
        for element in root.iterfind("oai:ListSets/oai:set", NS)
    }
    assert sets == {
        "theme": "Themes",
        "theme:indo-pacific": "Indo-Pacific",
        "series": "Series",
        "series:dialogue-watch": "Dialogue Watch",
    }


# Records and their Dublin Core


def test_list_records_gives_dublin_core_for_each_published_article(client, settings):
    settings.ARCHIVE_NAME = "Policy Archive"
    theme = ThemeFactory(slug="indo-pacific")
    series = SeriesFactory(name="Dialogue Watch", slug="dialogue-watch")
    article = ArticleFactory(
        title="India and the Quad",
        summary="What the 2+2 dialogue settled.",
        published_at=utc(2021, 3, 15, 9, 30),
        language="fr",
        series=series,
        authors=[
            AuthorFactory(honorific="Dr.", name="Zara Ahmed"),
            AuthorFactory(name="Ann Bell"),
        ],
        topics=[TopicFactory(name="COMCASA", theme=theme), TopicFactory(name="BECA", theme=theme)],
    )
    Authorship.objects.create(
        article=article, author=AuthorFactory(name="Ed Itor"), position=3, role="editor"
    )
    set_modified_at(article, utc(2021, 4, 1, 8, 0, 0, 500000))

    root = harvest(client, verb="ListRecords", metadataPrefix="oai_dc")

    assert request_attributes(root) == {"verb": "ListRecords", "metadataPrefix": "oai_dc"}
    (record,) = root.findall("oai:ListRecords/oai:record", NS)
    header = record.find("oai:header", NS)
    assert header.get("status") is None
    assert header.findtext("oai:identifier", namespaces=NS) == identifier_of(article)
    assert header.findtext("oai:datestamp", namespaces=NS) == "2021-04-01T08:00:00Z"
    assert [spec.text for spec in header.findall("oai:setSpec", NS)] == [
        "theme:indo-pacific",
        "series:dialogue-watch",
    ]
    dc = record.find("oai:metadata/oai_dc:dc", NS)
    assert dc.get(SCHEMA_LOCATION) == (
        "http://www.openarchives.org/OAI/2.0/oai_dc/ http://www.openarchives.org/OAI/2.0/oai_dc.xsd"
    )

    def values(name):
        return [element.text for element in dc.findall(f"dc:{name}", NS)]

    assert values("title") == ["India and the Quad"]
    assert values("creator") == ["Dr. Zara Ahmed", "Ann Bell"]
    assert values("subject") == ["BECA", "COMCASA"]
    assert values("description") == ["What the 2+2 dialogue settled."]
    assert values("publisher") == ["Policy Archive"]
    assert values("date") == ["2021-03-15"]
    assert values("type") == ["Text", "Analysis"]
    assert values("identifier") == [f"http://testserver{article.get_absolute_url()}"]
    assert values("language") == ["fr"]
    assert values("relation") == ["Dialogue Watch"]


def test_the_description_falls_back_to_the_deck_and_no_series_means_no_relation(client):
    article = ArticleFactory(summary="", deck="The standfirst.")

    root = harvest(
        client, verb="GetRecord", identifier=identifier_of(article), metadataPrefix="oai_dc"
    )

    dc = root.find("oai:GetRecord/oai:record/oai:metadata/oai_dc:dc", NS)
    assert dc.findtext("dc:description", namespaces=NS) == "The standfirst."
    assert dc.find("dc:relation", NS) is None


def test_get_record_returns_the_header_and_metadata_of_one_article(client):
    article = ArticleFactory(title="Maritime domain awareness")
    ArticleFactory()
    params = {"identifier": identifier_of(article), "metadataPrefix": "oai_dc"}

    root = harvest(client, verb="GetRecord", **params)

    assert request_attributes(root) == {"verb": "GetRecord", **params}
    (record,) = root.findall("oai:GetRecord/oai:record", NS)
    assert record.findtext("oai:header/oai:identifier", namespaces=NS) == identifier_of(article)
    assert UTC_SECONDS.fullmatch(record.findtext("oai:header/oai:datestamp", namespaces=NS))
    title = record.findtext("oai:metadata/oai_dc:dc/dc:title", namespaces=NS)
    assert title == "Maritime domain awareness"


def test_text_is_escaped_and_characters_xml_cannot_carry_are_dropped(client):
    article = ArticleFactory(summary="Fine </dc:description>")
    # Stored as it was before saving cleaned control characters away (test_saved_text.py).
    Article.objects.filter(pk=article.pk).update(title='<b>Ties & "trust"</b>\x0b]]>')

    response = client.get(
        reverse("archive:oai"), {"verb": "ListRecords", "metadataPrefix": "oai_dc"}
    )

    dc = ET.fromstring(response.content).find(".//oai_dc:dc", NS)
    assert dc.findtext("dc:title", namespaces=NS) == '<b>Ties & "trust"</b>]]>'
    assert dc.findtext("dc:description", namespaces=NS) == "Fine </dc:description>"


# Only published records, and deleted ones


@pytest.mark.parametrize("state", NEVER_HARVESTED)
def test_unpublished_articles_appear_in_no_response(client, state):
    ArticleFactory(title="Visible")
    hidden = ArticleFactory(title="Unfinished thoughts on BECA", **state)
    set_modified_at(hidden, utc(2001, 1, 1))
    responses = [
        client.get(reverse("archive:oai"), params).content.decode()
        for params in (
            {"verb": "Identify"},
            {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc"},
            {"verb": "ListRecords", "metadataPrefix": "oai_dc"},
            {"verb": "ListRecords", "metadataPrefix": "oai_dc", "until": "2001-01-01"},
        )
    ]
    for response in responses:
        assert "Unfinished thoughts" not in response
        assert identifier_of(hidden) not in response
        assert "2001-01-01T" not in response
    assert identifiers(list_identifiers(client)) == [
        identifier_of(Article.objects.get(title="Visible"))
    ]

    record = harvest(
        client, verb="GetRecord", identifier=identifier_of(hidden), metadataPrefix="oai_dc"
    )
    formats = harvest(client, verb="ListMetadataFormats", identifier=identifier_of(hidden))

    assert error_code(record) == "idDoesNotExist"
    assert error_code(formats) == "idDoesNotExist"


@pytest.mark.parametrize("status", [Article.Status.RETRACTED, Article.Status.WITHDRAWN])
def test_retracted_and_withdrawn_articles_are_deleted_records_without_metadata(client, status):
    gone = ArticleFactory(title="Claims we no longer stand by", status=status)

    headers = list_identifiers(client).findall("oai:ListIdentifiers/oai:header", NS)
    records = harvest(client, verb="ListRecords", metadataPrefix="oai_dc")
    single = harvest(
        client, verb="GetRecord", identifier=identifier_of(gone), metadataPrefix="oai_dc"
    )

    assert [header.get("status") for header in headers] == ["deleted"]
    for root in (records, single):
        (record,) = root.iterfind(".//oai:record", NS)
        assert record.find("oai:header", NS).get("status") == "deleted"
        assert record.findtext("oai:header/oai:identifier", namespaces=NS) == identifier_of(gone)
        assert record.find("oai:metadata", NS) is None
        assert "Claims we no longer" not in ET.tostring(root, encoding="unicode")


# Selective harvesting


def test_from_and_until_select_by_datestamp_inclusively_at_either_granularity(client):
    first, second, third = ArticleFactory.create_batch(3, published_at=utc(2023, 6, 1))
    set_modified_at(first, utc(2024, 1, 1, 10, 0, 0))
    set_modified_at(second, utc(2024, 1, 2, 12, 0, 0, 500000))
    set_modified_at(third, utc(2024, 1, 3, 0, 0, 0))

    def selected(**params):
        return identifiers(list_identifiers(client, **params))

    assert selected(**{"from": "2024-01-02"}) == [identifier_of(second), identifier_of(third)]
    assert selected(until="2024-01-02") == [identifier_of(first), identifier_of(second)]
    assert selected(**{"from": "2024-01-02T12:00:00Z", "until": "2024-01-02T12:00:00Z"}) == [
        identifier_of(second)
    ]
    assert selected(**{"from": "2024-01-01T10:00:01Z", "until": "2024-01-02T23:59:59Z"}) == [
        identifier_of(second)
    ]
    assert selected(until="9999-12-31") == [identifier_of(a) for a in (first, second, third)]
    assert error_code(list_identifiers(client, **{"from": "2024-01-04"})) == "noRecordsMatch"


def test_datestamps_are_in_utc_whatever_the_site_time_zone(client, settings):
    settings.TIME_ZONE = "Asia/Kolkata"
    article = ArticleFactory(published_at=utc(2023, 6, 1))
    set_modified_at(article, utc(2024, 1, 1, 22, 0, 0))

    root = list_identifiers(client, **{"from": "2024-01-01T22:00:00Z"})

    assert root.findtext(".//oai:datestamp", namespaces=NS) == "2024-01-01T22:00:00Z"


def test_a_scheduled_article_is_datestamped_when_it_goes_live_so_incremental_harvests_get_it(
    client,
):
    article = ArticleFactory(published_at=utc(2024, 2, 1, 6, 0, 0))
    set_modified_at(article, utc(2024, 1, 1))

    root = list_identifiers(client, **{"from": "2024-01-15"})

    assert identifiers(root) == [identifier_of(article)]
    assert root.findtext(".//oai:datestamp", namespaces=NS) == "2024-02-01T06:00:00Z"


def test_sets_select_by_theme_series_or_parent_set(client):
    theme = ThemeFactory(slug="indo-pacific")
    other_theme = ThemeFactory(slug="energy")
    series = SeriesFactory(slug="dialogue-watch")
    themed = ArticleFactory(topics=[TopicFactory(theme=theme)])
    in_other_theme = ArticleFactory(topics=[TopicFactory(theme=other_theme)])
    in_series = ArticleFactory(series=series)
    ArticleFactory(topics=[TopicFactory(theme=None)])

    def selected(set_spec):
        return identifiers(list_identifiers(client, set=set_spec))

    assert selected("theme:indo-pacific") == [identifier_of(themed)]
    assert selected("series:dialogue-watch") == [identifier_of(in_series)]
    assert selected("theme") == [identifier_of(themed), identifier_of(in_other_theme)]
    assert selected("series") == [identifier_of(in_series)]
    assert error_code(list_identifiers(client, set="theme:unknown")) == "noRecordsMatch"
    assert error_code(list_identifiers(client, set="region:india")) == "noRecordsMatch"


# Resumption tokens


def test_resumption_tokens_page_through_a_selection_without_gaps_or_repeats(client, monkeypatch):
    monkeypatch.setattr(oai, "PAGE_SIZE", 2)
    series = SeriesFactory(slug="dialogue-watch")
    expected = [identifier_of(a) for a in ArticleFactory.create_batch(5, series=series)]
    ArticleFactory.create_batch(2)

    for verb in ("ListIdentifiers", "ListRecords"):
        root = harvest(client, verb=verb, metadataPrefix="oai_dc", set="series:dialogue-watch")
        seen, cursors = [], []
        while True:
            seen += identifiers(root)
            token = root.find(f"oai:{verb}/oai:resumptionToken", NS)
            assert token.get("completeListSize") == "5"
            cursors.append(token.get("cursor"))
            if not token.text:
                break
            root = harvest(client, verb=verb, resumptionToken=token.text)
            assert request_attributes(root) == {"verb": verb, "resumptionToken": token.text}
        assert seen == expected
        assert cursors == ["0", "2", "4"]


def test_a_list_that_fits_on_one_page_has_no_resumption_token(client, monkeypatch):
    monkeypatch.setattr(oai, "PAGE_SIZE", 2)
    ArticleFactory.create_batch(2)

    root = list_identifiers(client)

    assert len(identifiers(root)) == 2
    assert root.find(".//oai:resumptionToken", NS) is None


def first_token(client, verb="ListIdentifiers"):
    root = harvest(client, verb=verb, metadataPrefix="oai_dc")
    return root.findtext(f"oai:{verb}/oai:resumptionToken", namespaces=NS)


@pytest.mark.parametrize(
    "spoil",
    [
        pytest.param(lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"), id="edited"),
        pytest.param(lambda token: "not-a-token", id="made-up"),
        pytest.param(lambda token: "", id="empty"),
    ],
)
def test_a_tampered_resumption_token_is_refused(client, monkeypatch, spoil):
    monkeypatch.setattr(oai, "PAGE_SIZE", 1)
    ArticleFactory.create_batch(2)
    token = spoil(first_token(client))

    root = harvest(client, verb="ListIdentifiers", resumptionToken=token)

    assert error_code(root) == "badResumptionToken"
    assert request_attributes(root) == {"verb": "ListIdentifiers", "resumptionToken": token}


def test_a_resumption_token_is_only_good_for_the_verb_that_issued_it(client, monkeypatch):
    monkeypatch.setattr(oai, "PAGE_SIZE", 1)
    ArticleFactory.create_batch(2)
    token = first_token(client, "ListIdentifiers")

    for verb in ("ListRecords", "ListSets"):
        root = harvest(client, verb=verb, resumptionToken=token)
        assert error_code(root) == "badResumptionToken"


def test_a_resumption_token_is_an_exclusive_argument(client, monkeypatch):
    monkeypatch.setattr(oai, "PAGE_SIZE", 1)
    ArticleFactory.create_batch(2)
    token = first_token(client)

    root = list_identifiers(client, resumptionToken=token)

    assert error_code(root) == "badArgument"
    assert request_attributes(root) == {}


# Errors


@pytest.mark.parametrize(
    "query",
    [
        pytest.param("", id="no-verb"),
        pytest.param("verb=ListAuthors", id="unknown-verb"),
        pytest.param("verb=Identify&verb=Identify", id="repeated-verb"),
    ],
)
def test_bad_verbs_are_reported_without_echoing_the_request(client, query):
    response = client.get(f"{reverse('archive:oai')}?{query}")
    root = ET.fromstring(response.content)

    assert error_code(root) == "badVerb"
    assert request_attributes(root) == {}
    assert root.findtext("oai:request", namespaces=NS) == BASE_URL


@pytest.mark.parametrize(
    "query",
    [
        pytest.param("verb=Identify&metadataPrefix=oai_dc", id="unexpected-argument"),
        pytest.param("verb=ListRecords", id="missing-metadata-prefix"),
        pytest.param("verb=GetRecord&metadataPrefix=oai_dc", id="missing-identifier"),
        pytest.param(
            "verb=ListRecords&metadataPrefix=oai_dc&set=theme&set=series", id="repeated-argument"
        ),
        pytest.param("verb=ListRecords&metadataPrefix=oai_dc&from=2024-13-01", id="bad-date"),
        pytest.param("verb=ListRecords&metadataPrefix=oai_dc&from=2024-1-1", id="short-date"),
        pytest.param(
            "verb=ListRecords&metadataPrefix=oai_dc&from=2024-01-01T00:00:00", id="no-zone"
        ),
        pytest.param(
            "verb=ListRecords&metadataPrefix=oai_dc&from=2024-01-01&until=2024-02-01T00:00:00Z",
            id="mixed-granularity",
        ),
        pytest.param("verb=ListRecords&metadataPrefix=oai_dc&from=", id="empty-date"),
        pytest.param("verb=ListSets&set=theme", id="argument-of-another-verb"),
        pytest.param(
            "verb=GetRecord&metadataPrefix=oai_dc&identifier=oai%01", id="control-character"
        ),
    ],
)
def test_bad_arguments_are_reported_without_echoing_the_request(client, query):
    ArticleFactory()
    response = client.get(f"{reverse('archive:oai')}?{query}")
    root = ET.fromstring(response.content)

    assert error_code(root) == "badArgument"
    assert request_attributes(root) == {}


@pytest.mark.parametrize("verb", ["ListRecords", "ListIdentifiers", "GetRecord"])
def test_metadata_formats_other_than_oai_dc_cannot_be_disseminated(client, verb):
    article = ArticleFactory()
    params = {"verb": verb, "metadataPrefix": "marc21"}
    if verb == "GetRecord":
        params["identifier"] = identifier_of(article)

    root = harvest(client, **params)

    assert error_code(root) == "cannotDisseminateFormat"
    assert request_attributes(root) == params


@pytest.mark.parametrize(
    "identifier",
    [
        "oai:archive.example.org:article:999999",
        "oai:elsewhere.example.org:article:{pk}",
        "oai:archive.example.org:author:{pk}",
        "oai:archive.example.org:article:{pk}0000000000000000000000",
        "oai:archive.example.org:article:١",
        "article-0",
    ],
)
def test_unknown_identifiers_do_not_exist(client, identifier):
    article = ArticleFactory()
    identifier = identifier.format(pk=article.pk)

    root = harvest(client, verb="GetRecord", identifier=identifier, metadataPrefix="oai_dc")

    assert error_code(root) == "idDoesNotExist"
    assert request_attributes(root)["identifier"] == identifier


@pytest.mark.parametrize("verb", ["ListRecords", "ListIdentifiers"])
def test_an_empty_repository_has_no_records_to_match(client, verb):
    root = harvest(client, verb=verb, metadataPrefix="oai_dc")

    assert error_code(root) == "noRecordsMatch"
    assert request_attributes(root) == {"verb": verb, "metadataPrefix": "oai_dc"}


# HTTP


def test_post_is_answered_like_get_without_a_csrf_token():
    article = ArticleFactory()
    client = Client(enforce_csrf_checks=True)

    root = harvest(
        client,
        method="post",
        verb="GetRecord",
        identifier=identifier_of(article),
        metadataPrefix="oai_dc",
    )

    assert identifiers(root) == [identifier_of(article)]


def test_other_http_methods_are_not_allowed(client):
    assert client.put(reverse("archive:oai")).status_code == 405


# Query budget


def test_list_records_runs_a_fixed_number_of_queries_whatever_the_page_size(
    client, monkeypatch, django_assert_max_num_queries
):
    themes = ThemeFactory.create_batch(3)
    for index in range(30):
        ArticleFactory(
            authors=AuthorFactory.create_batch(2),
            topics=[TopicFactory(theme=themes[index % 3]), TopicFactory()],
            series=SeriesFactory(),
        )
    ArticleFactory(status=Article.Status.RETRACTED)

    for page_size in (100, 10):
        monkeypatch.setattr(oai, "PAGE_SIZE", page_size)
        # The page, its bylines, its topics with themes, and the count for completeListSize.
        with django_assert_max_num_queries(4):
            root = harvest(client, verb="ListRecords", metadataPrefix="oai_dc")
        assert len(root.findall("oai:ListRecords/oai:record", NS)) == min(page_size, 31)
        with django_assert_max_num_queries(3):
            harvest(client, verb="ListIdentifiers", metadataPrefix="oai_dc")
