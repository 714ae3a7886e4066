"""The header: dates, bylines, kickers, decks and titles."""

import datetime

import pytest

from archive.importing.header import parse_byline, parse_date
from archive.importing.parse import parse_dump
from archive.tests.importing.dumps import (
    BODY,
    make_dump,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "text",
    ["March 15, 2020", "15 March 2020", "2020-03-15", "15/03/2020", "Published on 15 March 2020"],
)
def test_dates_in_the_formats_editors_paste(text):
    assert parse_date(text) == datetime.date(2020, 3, 15)


@pytest.mark.parametrize("text", ["5 min read", "10 views", "Dr. Vivek Mishra", "2+2 Meet"])
def test_lines_that_are_not_dates(text):
    assert parse_date(text) is None


def test_the_seed_date_format_with_a_full_month_name():
    assert parse_date("April 29, 2025") == datetime.date(2025, 4, 29)


@pytest.mark.parametrize(
    ("byline", "expected"),
    [
        ("Dr. Vivek Mishra", [("Dr.", "Vivek Mishra")]),
        ("Prof Harsh V. Pant", [("Prof.", "Harsh V. Pant")]),
        ("Lt Gen. D. S. Hooda", [("Lt Gen.", "D. S. Hooda")]),
        ("By Tanvi Madan and Dr C. Raja Mohan", [("", "Tanvi Madan"), ("Dr.", "C. Raja Mohan")]),
        (
            "Ashley J. Tellis, Prof. Sumit Ganguly and Ursula von der Leyen",
            [("", "Ashley J. Tellis"), ("Prof.", "Sumit Ganguly"), ("", "Ursula von der Leyen")],
        ),
        ("A. Rao, B. Singh, and C. Das", [("", "A. Rao"), ("", "B. Singh"), ("", "C. Das")]),
    ],
)
def test_bylines_with_honorifics_and_several_authors(byline, expected):
    assert [(a.honorific, a.name) for a in parse_byline(byline)] == expected


@pytest.mark.parametrize(
    "line", ["UPSC International relation", "Quad", "India-US Relations: Major Takeaways", "5 min"]
)
def test_kickers_and_titles_are_not_bylines(line):
    assert parse_byline(line) is None


def test_a_dump_with_two_authors_names_both_in_order():
    parsed = parse_dump(make_dump(byline="Dr. Asha Rao and Prof. Vikram Sood"))
    assert [a.display_name for a in parsed.authors] == ["Dr. Asha Rao", "Prof. Vikram Sood"]
    assert parsed.date == datetime.date(2020, 3, 15)


def test_a_dump_without_a_byline_has_no_authors():
    parsed = parse_dump(make_dump(byline=None, date="15 March 2020"))
    assert parsed.authors == []
    assert parsed.title == "Quad Ministers Chart a Course in Tokyo"


def test_a_kicker_above_the_title_is_the_category_and_reading_time_is_read():
    text = "Opinion\n\n" + make_dump(byline=None, date="2020-03-15\n5 min read\n10 views")
    parsed = parse_dump(text)
    assert (parsed.kicker, parsed.title) == ("Opinion", "Quad Ministers Chart a Course in Tokyo")
    assert parsed.stated_reading_time == 5
    assert "views" not in parsed.body and "min read" not in parsed.body


def test_a_sentence_case_line_under_the_title_is_the_deck_not_a_kicker():
    parsed = parse_dump(
        "Quad at Twenty\nWhat two decades of the dialogue have delivered, and what not\n"
        "Dr A Rao\n2020-03-15\n\n" + BODY
    )
    assert parsed.title == "Quad at Twenty"
    assert parsed.deck == "What two decades of the dialogue have delivered, and what not"
    assert parsed.kicker == ""


def test_a_byline_may_follow_the_date():
    parsed = parse_dump(
        "Quad at Twenty\n\n15 March 2020\nBy Prof. A. B. Rao and Ms. C. Das\n\n" + BODY
    )
    assert [a.display_name for a in parsed.authors] == ["Prof. A. B. Rao", "Ms. C. Das"]


def test_a_dump_without_a_date_is_parsed_with_a_warning():
    parsed = parse_dump(make_dump(date=None))
    assert parsed.date is None
    assert parsed.authors[0].name == "Asha Rao"
    assert "no publication date found" in parsed.warnings


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("March 15, 2020\n\n" + BODY, 1, "no recognisable title: it starts with a date"),
        ("\n\n" + BODY.replace("\n\n", " "), 3, "no recognisable title: it starts with body text"),
        ("2020\n\nSome text", 1, "no recognisable title"),
    ],
)
def test_a_dump_without_a_title_names_the_line(text, line, message):
    with pytest.raises(Exception) as caught:
        parse_dump(text, "x.txt")
    assert str(caught.value).startswith(f"x.txt:{line}: {message}")


def test_a_title_without_a_body_is_refused():
    with pytest.raises(Exception, match=r"x.txt:1: no article text"):
        parse_dump("A Title Alone\n\nDr. A Rao\nMarch 15, 2020\n", "x.txt")
