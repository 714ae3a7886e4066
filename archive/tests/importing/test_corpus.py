"""Fidelity on dumps in the shapes of real think-tank pages, written before the parser.

`corpus/` holds dumps with the result an editor expects from each (title, byline, date,
dated affiliations, topics, the body's first and last paragraph). The test prints a table
of fields right against fields expected, and fails if the total falls below the floor the
parser has reached, so a change that reads one dump better and another worse shows.
"""

import json
import re
from pathlib import Path

import pytest
from django.core.management import call_command

from archive.importing.errors import Document, DumpError
from archive.importing.service import import_dumps

pytestmark = pytest.mark.django_db

CORPUS = Path(__file__).parent / "corpus"
FLOOR = {"corpus": 127, "unseen": 42}
FIELDS = ["title", "authors", "date", "topics", "body_first", "body_last"]


def paragraphs(markdown):
    """The body's paragraphs and list items, as plain text, headings left out."""
    units = []
    for block in markdown.split("\n\n"):
        lines = block.strip().split("\n") if re.match(r"^(?:- |\d+\. )", block) else [block]
        for line in lines:
            if not line.strip() or line.startswith("#"):
                continue
            text = re.sub(r"^(?:- |\d+\. )", "", line.strip()).replace("**", "")
            units.append(" ".join(re.sub(r"\\([#>\[\]*_])", r"\1", text).split()))
    return units


def _institution(name):
    return re.sub(r"^the\s+", "", name.strip(), flags=re.I).casefold()


def found_fields(path):
    """What the importer makes of one dump, in the shape of its expected-result file."""
    try:
        [result] = import_dumps(documents=[Document(path.name, path.read_bytes())], dry_run=True)
    except DumpError as error:
        return {"error": str(error)}
    units = paragraphs(result.parsed.body)
    return {
        "title": result.article.title,
        "authors": [author.display_name for author, _ in result.authors],
        "date": result.parsed.date.isoformat() if result.parsed.date else None,
        "topics": sorted(topic.name for topic in result.topics),
        "body_first": units[0] if units else None,
        "body_last": units[-1] if units else None,
        "affiliations": sorted(
            (a.author.name, _institution(a.institution.name), a.start_year, a.end_year)
            for a, _, _ in result.affiliations
        ),
    }


def score(expected, found):
    """(fields right, fields expected, what was wrong): each affiliation is a field, and
    each affiliation found that was not expected counts as a wrong field."""
    wrong = []
    for name in FIELDS:
        want = sorted(expected[name]) if name == "topics" else expected[name]
        if found.get(name) != want:
            wrong.append(f"{name}: {found.get(name)!r}")
    expected_affiliations = sorted(
        (a["author"], _institution(a["institution"]), a["start"], a["end"])
        for a in expected["affiliations"]
    )
    got = found.get("affiliations", [])
    missing = [a for a in expected_affiliations if a not in got]
    extra = [a for a in got if a not in expected_affiliations]
    wrong += [f"missing {a}" for a in missing] + [f"extra {a}" for a in extra]
    total = len(FIELDS) + len(expected_affiliations) + len(extra)
    right = len(FIELDS) + len(expected_affiliations) - len(wrong) + len(extra)
    return right, total, wrong


def fidelity(folder):
    rows, right, total = [], 0, 0
    for path in sorted(folder.glob("*.txt")):
        expected = json.loads(path.with_suffix(".json").read_text())
        found = found_fields(path)
        if "error" in found:
            dump_right, dump_total = 0, len(FIELDS) + len(expected["affiliations"])
            wrong = [found["error"]]
        else:
            dump_right, dump_total, wrong = score(expected, found)
        rows.append(f"{path.name:40} {dump_right:3}/{dump_total:<3} " + "; ".join(wrong)[:300])
        right, total = right + dump_right, total + dump_total
    rows.append(f"{'total':40} {right:3}/{total:<3} ({right / total:.0%})")
    return right, total, "\n".join(rows)


@pytest.mark.parametrize("folder", sorted(FLOOR))
def test_fidelity_on_the_corpus(folder):
    call_command("loaddata", "vocabulary", verbosity=0)
    right, _, table = fidelity(CORPUS if folder == "corpus" else CORPUS / folder)
    print(f"\nFidelity on {folder} (fields right / fields expected)\n{table}")
    assert right >= FLOOR[folder], table
