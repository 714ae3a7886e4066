"""Citations a reference manager can read: parsed back by real parsers."""

import html
import json
import re
import threading

import bibtexparser
import pytest
import rispy
from django.core.management import call_command

from archive.outputs.citations import STYLES, bibtex_title, csl_record, format_record, latex_escape
from archive.tests.factories import ArticleFactory, ArticleTypeFactory, SeriesFactory
from authors.tests.factories import AuthorFactory

pytestmark = pytest.mark.django_db

VIEWPOINT = "/articles/india-us-relations-major-takeaways-from-latest-2-plus-2-meet/"
EXPLAINER = "/articles/india-us-2-plus-2-ministerial-dialogue-deepening-strategic-partnership/"


@pytest.fixture
def sample():
    call_command("loaddata", "vocabulary", "sample", verbosity=0)


def test_the_sample_viewpoint_round_trips_through_bibtexparser(client, sample):
    response = client.get(f"{VIEWPOINT}cite.bib")
    assert response["Content-Disposition"] == 'attachment; filename="mishra2020-1.bib"'
    library = bibtexparser.parse_string(response.content.decode())
    assert not library.failed_blocks
    (entry,) = library.entries
    assert entry.key == "mishra2020-1"
    assert entry["author"] == "Mishra, Vivek"
    assert entry["title"] == "{India-US} Relations: Major Takeaways from Latest 2+2 Meet"
    assert entry["year"] == "2020"
    assert entry["url"].endswith(VIEWPOINT)


def test_the_sample_explainer_round_trips_through_a_ris_reader(client, sample):
    (entry,) = rispy.loads(client.get(f"{EXPLAINER}cite.ris").content.decode())
    assert entry["type_of_reference"] == "ELEC"
    assert entry["title"].startswith("India-US 2+2 Ministerial Dialogue")
    assert entry["date"] == "2025/04/29"
    assert entry["tertiary_title"] == "GEG365 UPSC International Relation"
    assert "authors" not in entry
    assert "Space situational awareness" in entry["keywords"]


def test_csl_json_is_valid_json_with_the_byline(client, sample):
    (record,) = json.loads(client.get(f"{VIEWPOINT}cite.json").content)
    assert record["author"] == [{"family": "Mishra", "given": "Vivek"}]
    assert record["issued"] == {"date-parts": [[2020, 3, 15]]}


def test_latex_specials_are_escaped_so_the_entry_still_parses(client):
    article = ArticleFactory(
        title="Costs of 50% tariffs & R_D {spending} #1 ~ $5^2 \\ more",
        authors=[AuthorFactory(name="Anne O'Neil")],
    )
    body = client.get(f"{article.get_absolute_url()}cite.bib").content.decode()
    (entry,) = bibtexparser.parse_string(body).entries
    assert entry["title"] == (
        r"Costs of 50\% tariffs \& {R\_D} \{spending\} \#1 \textasciitilde{} "
        r"\$5\textasciicircum{}2 \textbackslash{} more"
    )
    assert latex_escape("a&b") == r"a\&b"
    assert bibtex_title("NATO and the Quad") == "{NATO} and the Quad"


def test_ris_keeps_every_value_on_one_line(client):
    article = ArticleFactory(
        title="Line one\nER  - injected", summary="First line.\r\nSecond line.\n\nThird."
    )
    ris = client.get(f"{article.get_absolute_url()}cite.ris").content.decode()
    assert ris.count("ER  -") == 1
    (entry,) = rispy.loads(ris)
    assert entry["title"] == "Line one ER - injected"
    assert entry["abstract"] == "First line. Second line. Third."


def test_citation_keys_are_stable_when_title_and_slug_change(client):
    article = ArticleFactory(authors=[AuthorFactory(name="Jane Roe")])
    key = json.loads(client.get(f"{article.get_absolute_url()}cite.json").content)[0]["id"]
    article.title, article.slug = "A new title", "a-new-title"
    article.save()
    again = json.loads(client.get(f"{article.get_absolute_url()}cite.json").content)[0]["id"]
    assert key == again == f"roe{article.published_at.year}-{article.pk}"


def test_reports_are_cited_as_reports(client):
    article = ArticleFactory(article_type=ArticleTypeFactory(name="Issue Brief"))
    (entry,) = rispy.loads(client.get(f"{article.get_absolute_url()}cite.ris").content.decode())
    assert entry["type_of_reference"] == "RPRT"
    assert client.get(f"{article.get_absolute_url()}cite.bib").content.startswith(b"@techreport{")


def test_the_article_page_shows_apa_chicago_and_mla(client, sample):
    page = client.get(VIEWPOINT).content.decode()
    assert "Cite this" in page
    for label in ["APA", "Chicago (author-date)", "MLA"]:
        assert f"<dt>{label}</dt>" in page
    assert "Mishra, V. (2020). <i>India-US Relations: Major Takeaways" in page


def test_formatted_citations_escape_the_title(client):
    article = ArticleFactory(title="<script>alert(1)</script> & more")
    page = client.get(article.get_absolute_url()).content.decode()
    cite_block = page[page.index("Cite this") :]
    assert "<script>alert(1)</script>" not in cite_block
    assert "&lt;script&gt;" in cite_block


def test_renaming_an_author_renames_them_in_the_article_s_citations(client):
    author = AuthorFactory(name="Ravi Menon")
    article = ArticleFactory(authors=[author])
    assert "Menon, R. (" in client.get(article.get_absolute_url()).content.decode()
    author.name = "Ravi Menon-Iyer"
    author.save()
    page = client.get(article.get_absolute_url()).content.decode()
    cite_block = page[page.index("Cite this") :]
    assert "Menon-Iyer, R. (" in cite_block
    assert "Menon, R. (" not in cite_block


@pytest.mark.parametrize("export_format", ["bib", "ris", "json"])
def test_a_search_exports_its_published_results_only(client, export_format):
    series = SeriesFactory(slug="dialogues")
    ArticleFactory(title="Published walrus", series=series)
    ArticleFactory(title="Draft walrus", series=series, status="draft", published_at=None)
    ArticleFactory(title="Scheduled walrus", series=series, published_at="2099-01-01T00:00:00Z")
    response = client.get(f"/search/cite.{export_format}", {"q": "walrus", "series": "dialogues"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Published walrus" in body
    assert "Draft walrus" not in body
    assert "Scheduled walrus" not in body


def test_a_search_export_is_capped(client, monkeypatch):
    monkeypatch.setattr("archive.views.search.EXPORT_LIMIT", 3)
    ArticleFactory.create_batch(5)
    assert len(json.loads(client.get("/search/cite.json").content)) == 3


def test_a_bad_search_export_is_a_400(client):
    assert client.get("/search/cite.bib", {"page": "x", "year": "nope"}).status_code == 400


# ----------------------------------------------------------------------- without an author

EXPLAINER_TITLE = (
    "India-US 2+2 Ministerial Dialogue: Deepening Strategic Partnership in a Shifting "
    "Geopolitical Landscape"
)


def citations_on(client, url):
    """{label: plain text} of the page's "Cite this" block."""
    page = client.get(url).content.decode()
    found = re.findall(r"<dt>(.*?)</dt>\s*<dd[^>]*>(.*?)</dd>", page, re.S)
    return {label: html.unescape(re.sub(r"<[^>]+>", "", text)).strip() for label, text in found}


def test_apa_matches_the_apa7_examples_for_no_author_and_a_group_author():
    """APA 7, 10.16, examples 111 and 110: the title, or the group, takes the author's place
    once; a group that is also the publisher is not repeated as publisher."""
    pizza = {
        "id": "pizza",
        "type": "webpage",
        "title": "Tuscan white bean pizza",
        "author": [],
        "issued": {"date-parts": [[2018, 2, 28]]},
        "container-title": "Budget Bytes",
        "URL": "https://www.budgetbytes.com/tuscan-white-bean-pizza/",
    }
    assert format_record(pizza, "apa") == (
        "<i>Tuscan white bean pizza</i>. (2018, February 28). Budget Bytes. "
        "https://www.budgetbytes.com/tuscan-white-bean-pizza/"
    )
    who = {
        "id": "who",
        "type": "webpage",
        "title": "Questions and answers on immunization and vaccine safety",
        "author": [{"literal": "World Health Organization"}],
        "publisher": "World Health Organization",
        "issued": {"date-parts": [[2018, 5, 24]]},
        "URL": "https://www.who.int/features/qa/84/en/",
    }
    assert format_record(who, "apa") == (
        "World Health Organization. (2018, May 24). <i>Questions and answers on immunization "
        "and vaccine safety</i>. https://www.who.int/features/qa/84/en/"
    )


def test_the_unsigned_explainer_is_cited_by_its_title_once_in_every_style(client, sample):
    cited = citations_on(client, EXPLAINER)
    assert cited == {
        # APA 7 9.12: the title moves to the author position, the date follows it.
        "APA": f"{EXPLAINER_TITLE}. (2025). [Explainer]. Policy Archive. http://testserver"
        f"{EXPLAINER}",
        # Chicago 17 15.32: the title stands first, quoted, the period inside the quotes.
        "Chicago (author-date)": f"“{EXPLAINER_TITLE}.” 2025. Explainer. GEG365 UPSC "
        f"International Relation. Policy Archive, April 29. http://testserver{EXPLAINER}.",
        # MLA 9 5.6: with no author the entry begins with the title.
        "MLA": f"“{EXPLAINER_TITLE}.” Explainer. Policy Archive, 29 Apr. 2025, "
        f"http://testserver{EXPLAINER}. GEG365 UPSC International Relation.",
    }


def test_chicago_and_mla_give_the_authors_given_name_in_full(client, sample):
    cited = citations_on(client, VIEWPOINT)
    assert cited["APA"].startswith("Mishra, V. (2020). India-US Relations:")
    assert cited["Chicago (author-date)"].startswith(
        "Mishra, Vivek. 2020. “India-US Relations: Major Takeaways from Latest 2+2 Meet.” "
    )
    assert cited["MLA"].startswith(
        "Mishra, Vivek. “India-US Relations: Major Takeaways from Latest 2+2 Meet.” "
    )


def test_a_title_ending_in_a_question_mark_takes_no_extra_period(client):
    article = ArticleFactory(title="Is the Quad an alliance?", authors=[AuthorFactory()])
    chicago = citations_on(client, article.get_absolute_url())["Chicago (author-date)"]
    assert "“Is the Quad an Alliance?” " in chicago


def test_an_archive_that_signs_unsigned_work_cites_itself_as_group_author(client, settings):
    settings.ARCHIVE_NAME = "Maritime Policy Institute"
    settings.ARCHIVE_CORPORATE_AUTHOR = True
    article = ArticleFactory(title="Ports of call", published_at="2024-05-06T12:00:00Z")
    url = article.get_absolute_url()

    cited = citations_on(client, url)
    assert cited["APA"] == (
        f"Maritime Policy Institute. (2024). Ports of call [Analysis]. http://testserver{url}"
    )
    assert cited["Chicago (author-date)"].startswith(
        "Maritime Policy Institute. 2024. “Ports of Call.” Analysis. Maritime Policy Institute,"
    )
    assert cited["MLA"].startswith("“Ports of Call.” Analysis. Maritime Policy Institute, 6 May")
    (entry,) = bibtexparser.parse_string(client.get(f"{url}cite.bib").content.decode()).entries
    assert entry["author"] == "{Maritime Policy Institute}"
    (ris,) = rispy.loads(client.get(f"{url}cite.ris").content.decode())
    assert ris["authors"] == ["Maritime Policy Institute"]
    (record,) = json.loads(client.get(f"{url}cite.json").content)
    assert record["author"] == [{"literal": "Maritime Policy Institute"}]


def test_unsigned_work_exports_without_an_author_by_default(client, sample):
    (entry,) = bibtexparser.parse_string(
        client.get(f"{EXPLAINER}cite.bib").content.decode()
    ).entries
    assert "author" not in entry.fields_dict
    assert entry["title"].startswith("{India-US} 2+2 Ministerial Dialogue")
    (record,) = json.loads(client.get(f"{EXPLAINER}cite.json").content)
    assert record["author"] == []


def test_threads_formatting_citations_at_once_each_get_their_own_entry():
    """gunicorn's threaded workers: citeproc-py keeps rendering state on the style."""
    records = [
        csl_record(ArticleFactory(title=f"Littoral combat {n}", authors=[AuthorFactory()]), "")
        for n in range(6)
    ]
    expected = {
        (n, style): format_record(r, style) for n, r in enumerate(records) for style, _ in STYLES
    }
    failures = []

    def format_all():
        for _ in range(5):
            for (n, style), entry in expected.items():
                try:
                    if format_record(records[n], style) != entry:
                        failures.append((n, style))
                except Exception as error:  # what a reader would have got as a 500
                    failures.append((n, style, repr(error)))

    threads = [threading.Thread(target=format_all) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
