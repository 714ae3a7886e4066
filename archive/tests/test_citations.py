"""Citations a reference manager can read: parsed back by real parsers."""

import json

import bibtexparser
import pytest
import rispy
from django.core.management import call_command

from archive.citations import bibtex_title, latex_escape
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
    monkeypatch.setattr("archive.views.EXPORT_LIMIT", 3)
    ArticleFactory.create_batch(5)
    assert len(json.loads(client.get("/search/cite.json").content)) == 3


def test_a_bad_search_export_is_a_400(client):
    assert client.get("/search/cite.bib", {"page": "x", "year": "nope"}).status_code == 400
