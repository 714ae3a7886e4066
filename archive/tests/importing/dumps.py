"""Dumps and helpers the importer's tests share."""

from io import StringIO

from django.conf import settings
from django.core.management import call_command

from archive.models import Article, Authorship, Series, TaggedTopic
from authors.models import Affiliation, Author, Institution

SEEDS = settings.BASE_DIR / "fixtures" / "dumps"
VIEWPOINT_FILE = "000_221d04c6491782da.txt"
EXPLAINER_FILE = "004_1cdadf8e4b52c731.txt"
FIXTURE = settings.BASE_DIR / "fixtures" / "sample.json"

BODY = (
    "The Quad foreign ministers met in Tokyo on Tuesday and agreed to expand maritime "
    "domain awareness across the Indo-Pacific, building on earlier work.\n\n"
    "The meeting also reviewed progress on port calls and joint exercises in the region, "
    "with India and Japan pressing for more regular coordination.\n"
)


def make_dump(
    title="Quad Ministers Chart a Course in Tokyo",
    byline="Dr. Asha Rao",
    date="March 15, 2020",
    body=BODY,
    note="",
):
    header = "\n".join(part for part in [title, "", byline, date, "", ""] if part is not None)
    return header + "\n" + body + (f"\n*** {note} ***" if note else "")


def write(directory, name, content):
    path = directory / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return path


def run_import(*args):
    out = StringIO()
    call_command("import_articles", *[str(a) for a in args], stdout=out)
    return out.getvalue()


def counts():
    """Rows in every table the importer writes to."""
    models = [Article, Authorship, Author, Affiliation, Institution, Series, TaggedTopic]
    return {model.__name__: model.objects.count() for model in models}
