"""Author notes become dated affiliations."""

import pytest

from archive.importing.author_note import parse_author_note
from archive.importing.header import parse_byline
from archive.importing.parse import parse_dump
from archive.tests.importing.dumps import (
    BODY,
    make_dump,
)

pytestmark = pytest.mark.django_db


SEED_NOTE = (
    "The author is a Research Fellow at Indian Council of World Affairs, New Delhi. He is "
    "Assistant Professor, International Relations at the Netaji Institute for Asian Studies, "
    "Kolkata (en lien). He was a Fulbright-Nehru Doctoral Research Scholar at the Saltzman "
    "Institute of War & and Peace, School of International Public Affairs, Columbia "
    "University, New York for the academic year 2015-2016."
)


def test_the_author_note_leaves_the_body_and_becomes_affiliations():
    parsed = parse_dump(make_dump(byline="Dr. Vivek Mishra", note=SEED_NOTE))
    assert "***" not in parsed.body and "Research Fellow" not in parsed.body
    assert parsed.author_note.startswith("The author is a Research Fellow")
    assert parsed.inferred_type() == ("Viewpoint", "named author with an author note")
    found = [
        (a.role, a.department, a.institution, a.city, a.start_year, a.end_year, a.current)
        for a in parsed.affiliations
    ]
    assert found == [
        ("Research Fellow", "", "Indian Council of World Affairs", "New Delhi", None, None, True),
        (
            "Assistant Professor",
            "International Relations",
            "Netaji Institute for Asian Studies",
            "Kolkata",
            None,
            None,
            True,
        ),
        (
            "Fulbright-Nehru Doctoral Research Scholar",
            "School of International Public Affairs",
            "Saltzman Institute of War and Peace, Columbia University",
            "New York",
            2015,
            2016,
            False,
        ),
    ]


def test_an_unclosed_note_ends_with_its_paragraph():
    body = BODY + "\n*** The author is a Fellow at Gateway House, Mumbai.\n\nThe text goes on.\n"
    parsed = parse_dump(make_dump(body=body))
    assert parsed.author_note == "The author is a Fellow at Gateway House, Mumbai."
    assert parsed.body.endswith("The text goes on.\n")


def test_a_closing_the_author_is_paragraph_is_a_note_too():
    parsed = parse_dump(make_dump(body=BODY + "\nThe author is a Fellow at Carnegie India.\n"))
    assert [a.institution for a in parsed.affiliations] == ["Carnegie India"]
    assert "Carnegie" not in parsed.body


def test_note_years_since_in_and_short_ranges():
    authors = parse_byline("Asha Rao")
    note = (
        "She is a Senior Fellow at the Observer Research Foundation (ORF), New Delhi, since "
        "2018. She was Professor of Economics at Jawaharlal Nehru University in 2012. She "
        "was a Visiting Scholar at Stanford University, 2009-10."
    )
    affiliations, warnings = parse_author_note(note, authors)
    assert [
        (a.role, a.department, a.short_name, a.start_year, a.end_year) for a in affiliations
    ] == [
        ("Senior Fellow", "", "ORF", 2018, None),
        ("Professor", "Economics", "", 2012, 2012),
        ("Visiting Scholar", "", "", 2009, 2010),
    ]
    assert warnings == []


def test_a_past_position_without_years_is_reported_not_imported():
    affiliations, warnings = parse_author_note(
        "He was a Fellow at Carnegie India, New Delhi.", parse_byline("Dr. A. Rao")
    )
    assert affiliations == []
    assert "past position without years" in warnings[0]


def test_a_note_about_two_authors_gives_each_their_own_affiliations():
    authors = parse_byline("Dr. Asha Rao and Vikram Sood")
    note = (
        "Dr. Rao is a Fellow at Gateway House, Mumbai. Vikram Sood is an Adviser at the "
        "Observer Research Foundation, New Delhi."
    )
    affiliations, _ = parse_author_note(note, authors)
    assert [(a.author_index, a.institution) for a in affiliations] == [
        (0, "Gateway House"),
        (1, "Observer Research Foundation"),
    ]
