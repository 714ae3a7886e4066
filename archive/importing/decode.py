"""Bytes to text: only clean UTF-8 text dumps get past this step."""

import re
from pathlib import Path

from django.conf import settings

from .errors import Document, DumpError, Problem

# Unicode's control characters (category Cc) except the line and page breaks text may hold.
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")


def max_dump_bytes():
    """The largest dump accepted (settings.ARCHIVE_IMPORT_MAX_BYTES), checked before reading."""
    return settings.ARCHIVE_IMPORT_MAX_BYTES


def _line_at(data, offset):
    return data.count(b"\n", 0, offset) + 1


def decode_dump(data, source):
    """The dump's text, or a `DumpError` naming the line that makes it unusable.

    Only UTF-8 is accepted: guessing Latin-1 or Windows-1252 silently garbles quotes and
    dashes, and the editor can re-save the file in a second.
    """
    if len(data) > max_dump_bytes():
        raise DumpError.at(source, None, f"larger than {max_dump_bytes():,} bytes")
    if not data.strip():
        raise DumpError.at(source, 1, "the file is empty")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise DumpError.at(source, 1, "UTF-16 text; save the file as UTF-8")
    nul = data.find(b"\x00")
    if nul != -1:
        raise DumpError.at(source, _line_at(data, nul), "binary data, not a text dump")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = _line_at(data, error.start)
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        raise DumpError.at(
            source,
            line,
            f"not UTF-8 text (byte 0x{data[error.start]:02X} at column {column}); "
            "save the file as UTF-8 and import it again",
        ) from error
    if control := _CONTROL.search(text):
        line = text.count("\n", 0, control.start()) + 1
        raise DumpError.at(source, line, "control characters: not a text dump")
    return text


def read_paths(paths):
    """Documents for the files named, and the .txt files in the directories named."""
    documents, problems = [], []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() == ".txt")
            if not files:
                problems.append(Problem(raw, None, "no .txt files in this directory"))
        elif path.is_file():
            files = [path]
        else:
            problems.append(Problem(raw, None, "no such file or directory"))
            continue
        for file in files:
            if file.stat().st_size > max_dump_bytes():
                problems.append(Problem(str(file), None, f"larger than {max_dump_bytes():,} bytes"))
            else:
                documents.append(Document(str(file), file.read_bytes()))
    if problems:
        raise DumpError(problems)
    return documents
