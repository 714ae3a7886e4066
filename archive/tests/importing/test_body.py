"""The body: Markdown without page furniture."""

import pytest

from archive.importing.parse import parse_dump
from archive.tests.importing.dumps import (
    BODY,
    make_dump,
)

pytestmark = pytest.mark.django_db


FURNISHED_BODY = """\
Introduction

The first paragraph of the introduction runs on for a while, as introductions do.

Introduction

Key Organizations

  • CDRI: An international coalition for resilient infrastructure.
  • Defense and Space Agencies: Responsible for operationalizing agreements.
  • A plain item without a lead

Advertisement

Steps

1. First step.
2. Second step.

Conclusion

The last paragraph, wrapped by the export
tool across two lines.

Conclusion

Share this article

Related Resources

mock

A Quiz About Everything

This timed quiz tests you.

Economics1900m
Start Test
live

Operation Sindoor Live Coverage

Real-time updates.

Join Live
"""


def test_the_body_becomes_markdown_without_page_furniture():
    parsed = parse_dump(make_dump(body=FURNISHED_BODY))
    assert parsed.body == (
        "## Introduction\n\n"
        "The first paragraph of the introduction runs on for a while, as introductions do.\n\n"
        "## Key Organizations\n\n"
        "- **CDRI:** An international coalition for resilient infrastructure.\n"
        "- **Defense and Space Agencies:** Responsible for operationalizing agreements.\n"
        "- A plain item without a lead\n\n"
        "## Steps\n\n"
        "1. First step.\n2. Second step.\n\n"
        "## Conclusion\n\n"
        "The last paragraph, wrapped by the export tool across two lines.\n"
    )


def test_furniture_inside_the_article_is_dropped_too():
    body = BODY + "\nAdvertisement\n\n10 views\n\n5 min read\n\nShare this article\n"
    parsed = parse_dump(make_dump(body=body))
    for furniture in ["Advertisement", "views", "min read", "Share this article"]:
        assert furniture not in parsed.body


def test_paragraphs_one_per_line_are_split_and_a_short_line_between_them_is_a_heading():
    body = (
        "The Quad has matured over two decades. It now meets every year.\n"
        "A second paragraph follows on its own line, as pasted from a web page.\n"
        "Conclusion\n"
        "The end of it all, in a closing paragraph that was wrapped\n"
        "by the export tool.\n"
    )
    assert parse_dump(make_dump(body=body)).body == (
        "The Quad has matured over two decades. It now meets every year.\n\n"
        "A second paragraph follows on its own line, as pasted from a web page.\n\n"
        "## Conclusion\n\n"
        "The end of it all, in a closing paragraph that was wrapped by the export tool.\n"
    )


def test_a_series_card_names_the_series_of_the_category_line():
    tail = (
        "\nRelated Resources\n\nseries\n\nGEG365 UPSC International Relation\n\nA year of IR "
        "news.\n\nUPSC International relation0\nRead More\nseries\n\nIndian Government "
        "Schemes for UPSC\n\nSchemes.\n\nIndian Government Schemes0\nRead More\n"
    )
    text = "UPSC International relation\n\n" + make_dump(byline=None, body=BODY + tail)
    parsed = parse_dump(text)
    assert parsed.series.name == "GEG365 UPSC International Relation"
    assert parsed.series.description == "A year of IR news."
    assert parsed.inferred_type() == ("Explainer", "series item without a named author")
    assert "GEG365" not in parsed.body
