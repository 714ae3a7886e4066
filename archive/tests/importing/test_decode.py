"""Reading files: only clean UTF-8 text gets in, and a bad file names its line."""

import pytest

from archive.importing.decode import decode_dump
from archive.importing.parse import parse_dump
from archive.tests.importing.dumps import (
    make_dump,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("data", "line", "message"),
    [
        (b"", 1, "the file is empty"),
        (b"  \n\n \t\n", 1, "the file is empty"),
        (b"A title\n\nbody\x00\x01\x02", 3, "binary data"),
        ("A title\n\nDr. A Rao\n\nCaf\u00e9 society".encode("latin-1"), 5, "not UTF-8"),
        ("A title".encode("utf-16"), 1, "UTF-16"),
    ],
)
def test_unreadable_bytes_are_refused_with_the_line(data, line, message):
    with pytest.raises(Exception) as caught:
        decode_dump(data, "dump.txt")
    assert f"dump.txt:{line}: {message}" in str(caught.value)


def test_a_utf8_byte_order_mark_and_windows_line_ends_are_accepted():
    text = decode_dump("\ufeff".encode() + make_dump().replace("\n", "\r\n").encode(), "d.txt")
    assert parse_dump(text, "d.txt").title == "Quad Ministers Chart a Course in Tokyo"
