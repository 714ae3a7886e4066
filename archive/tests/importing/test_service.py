"""The import service, through the `import_articles` command."""

import datetime
import re

import pytest
from django.core.management.base import CommandError
from reversion.models import Version

from archive.models import (
    Article,
    ArticleType,
    VocabularyAlias,
)
from archive.tests.factories import (
    RegionFactory,
    SeriesFactory,
    ThemeFactory,
    TopicFactory,
)
from archive.tests.importing.dumps import (
    BODY,
    counts,
    make_dump,
    run_import,
    write,
)
from authors.models import Author, Institution
from authors.tests.factories import AffiliationFactory, AuthorFactory, InstitutionFactory

pytestmark = pytest.mark.django_db


def test_importing_creates_a_draft_with_byline_topics_regions_and_affiliations(tmp_path, types):
    topic = TopicFactory(name="Naval cooperation")
    VocabularyAlias.objects.create(text="port calls", topic=topic)
    quad = TopicFactory(name="Quad", theme=ThemeFactory(name="Indo-Pacific"))
    india, _ = RegionFactory(name="India"), RegionFactory(name="Pakistan")
    note = "The author is a Senior Fellow at Gateway House, Mumbai."
    output = run_import(write(tmp_path, "a.txt", make_dump(note=note)))

    article = Article.objects.with_bylines().get()
    assert article.status == Article.Status.DRAFT
    assert article.title == "Quad Ministers Chart a Course in Tokyo"
    assert article.published_at == datetime.datetime(2020, 3, 15, 12, tzinfo=datetime.UTC)
    assert article.article_type.name == "Viewpoint"
    assert article.byline_names() == ["Dr. Asha Rao"]
    assert set(article.topics.all()) == {topic, quad}
    assert list(article.regions.all()) == [india]
    (affiliation,) = Author.objects.get(name="Asha Rao").affiliations.all()
    assert (affiliation.role, affiliation.institution.name) == ("Senior Fellow", "Gateway House")
    assert affiliation.institution.city == "Mumbai"
    for label in ["title", "date", "authors", "type", "series", "length", "topics", "regions"]:
        assert re.search(rf"^  {label} ", output, re.M), label
    assert "created, draft" in output and "1 created, 0 updated" in output


def test_several_authors_go_on_the_byline_in_order_with_their_honorifics(tmp_path, types):
    path = write(
        tmp_path, "a.txt", make_dump(byline="Prof. Harsh V. Pant, Dr Asha Rao and Ravi Das")
    )
    run_import(path)
    article = Article.objects.with_bylines().get()
    assert article.byline_names() == ["Prof. Harsh V. Pant", "Dr. Asha Rao", "Ravi Das"]
    assert Author.objects.get(slug="harsh-v-pant").honorific == "Prof."

    path.write_text(make_dump(byline="Ravi Das and Prof. Harsh V. Pant"))
    run_import(path)
    article = Article.objects.with_bylines().get()
    assert article.byline_names() == ["Ravi Das", "Prof. Harsh V. Pant"]
    assert [a.position for a in article.authorships.all()] == [1, 2]
    assert Author.objects.count() == 3, "the dropped author is kept, only the byline changes"


def test_publish_publishes_on_the_dumps_date(tmp_path, types):
    run_import(write(tmp_path, "a.txt", make_dump()), "--publish")
    article = Article.objects.get()
    assert article.status == Article.Status.PUBLISHED
    assert article.published_at.date() == datetime.date(2020, 3, 15)


def test_publishing_a_dump_without_a_date_saves_nothing(tmp_path, types):
    good = write(tmp_path, "a.txt", make_dump())
    undated = write(tmp_path, "b.txt", make_dump(title="Another Title Here", date=None))
    with pytest.raises(CommandError, match=r"b.txt:1: no date found: cannot --publish"):
        run_import(good, undated, "--publish")
    assert Article.objects.count() == 0


def test_a_dry_run_reports_but_changes_nothing(tmp_path, types):
    before = counts()
    note = "The author is a Fellow at Gateway House, Mumbai."
    output = run_import(write(tmp_path, "a.txt", make_dump(note=note)), "--dry-run")
    assert counts() == before
    assert "Quad Ministers Chart a Course in Tokyo" in output
    assert "Gateway House" in output
    assert "dry run: nothing was saved" in output


def test_reimporting_updates_the_article_instead_of_duplicating_it(tmp_path, types):
    path = write(tmp_path, "a.txt", make_dump(note="The author is a Fellow at Gateway House."))
    run_import(path)
    article = Article.objects.get()
    article.status = Article.Status.PUBLISHED
    article.save()
    before = counts()

    path.write_text(make_dump(body=BODY + "\nA new closing paragraph was added later.\n",
                              note="The author is a Fellow at Gateway House."))  # fmt: skip
    output = run_import(path)

    assert counts() == before
    article.refresh_from_db()
    assert "A new closing paragraph" in article.body
    assert article.status == Article.Status.PUBLISHED, "a re-import does not unpublish"
    assert "updated, published" in output and "0 created, 1 updated" in output


def test_existing_authors_and_institutions_are_reused(tmp_path, types):
    author = AuthorFactory(name="Asha Rao", slug="asha-rao", honorific="")
    gateway = InstitutionFactory(name="Gateway House: Indian Council on Global Relations")
    AffiliationFactory(author=author, institution=gateway, role="Senior Fellow")
    note = "The author is a Senior Fellow at Gateway House Indian Council on Global Relations."
    run_import(write(tmp_path, "a.txt", make_dump(note=note)))
    assert Author.objects.count() == 1
    assert Institution.objects.count() == 1
    assert author.affiliations.count() == 1
    author.refresh_from_db()
    assert author.honorific == "Dr.", "a missing honorific is filled in from the byline"


def test_series_and_type_options_override_the_dump(tmp_path, types):
    series = SeriesFactory(name="Quad Watch")
    run_import(
        write(tmp_path, "a.txt", make_dump()), "--series", series.slug, "--type", "commentary"
    )
    article = Article.objects.get()
    assert article.series == series
    assert article.article_type.name == "Commentary"


def test_an_unknown_series_option_is_an_error(tmp_path, types):
    with pytest.raises(CommandError, match="--series: no series with the slug or name “nope”"):
        run_import(write(tmp_path, "a.txt", make_dump()), "--series", "nope")


def test_without_a_rule_the_default_type_applies(tmp_path, types, settings):
    settings.ARCHIVE_IMPORT_DEFAULT_TYPE = "commentary"
    run_import(write(tmp_path, "a.txt", make_dump(byline=None)))
    assert Article.objects.get().article_type.name == "Commentary"


def test_without_any_usable_type_the_file_is_named(tmp_path):
    ArticleType.objects.all().delete()
    with pytest.raises(CommandError, match=r"a.txt:1: cannot choose an article type"):
        run_import(write(tmp_path, "a.txt", make_dump(byline=None)))


def test_a_directory_imports_its_txt_files_only(tmp_path, types):
    write(tmp_path, "one.txt", make_dump())
    write(tmp_path, "two.txt", make_dump(title="A Second Article on the Quad"))
    write(tmp_path, "README.md", "# Not an article\n")
    run_import(tmp_path)
    assert Article.objects.count() == 2


def test_two_files_with_the_same_title_are_refused(tmp_path, types):
    write(tmp_path, "one.txt", make_dump())
    write(tmp_path, "two.txt", make_dump())
    with pytest.raises(CommandError, match=r"two.txt:1: same title as .*one.txt"):
        run_import(tmp_path)
    assert Article.objects.count() == 0


def test_a_missing_path_is_named(tmp_path):
    with pytest.raises(CommandError, match=r"nowhere.txt: no such file"):
        run_import(tmp_path / "nowhere.txt")


@pytest.mark.parametrize(
    ("content", "line", "message"),
    [
        (b"", 1, "the file is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", 3, "binary data"),
        (make_dump(body="Caf\u00e9 diplomacy returns.\n").encode("latin-1"), 7, "not UTF-8"),
        (b"15 March 2020\n\n" + BODY.encode(), 1, "no recognisable title"),
    ],
    ids=["empty", "binary", "latin-1", "no-title"],
)
def test_a_bad_file_names_file_and_line_and_the_run_saves_nothing(
    tmp_path, types, content, line, message
):
    good = write(tmp_path, "good.txt", make_dump(note="The author is a Fellow at Gateway House."))
    bad = write(tmp_path, "bad.txt", content)
    before = counts()
    with pytest.raises(CommandError) as caught:
        run_import(good, bad)
    assert f"{bad}:{line}: {message}" in str(caught.value)
    assert counts() == before


def test_re_importing_after_an_editor_renamed_the_slug_updates_the_same_article(tmp_path, types):
    path = write(tmp_path, "quad.txt", make_dump())
    run_import(path)
    article = Article.objects.get()
    article.slug = "quad-tokyo-2020"
    article.save()
    run_import(path)
    assert Article.objects.get().pk == article.pk
    assert Article.objects.get().slug == "quad-tokyo-2020"


def test_the_command_records_who_imported_and_refuses_what_they_may_not_change(
    tmp_path, types, contributor
):
    path = write(tmp_path, "quad.txt", make_dump())
    run_import(path, "--user", "contributor")
    article = Article.objects.get()
    assert Version.objects.get_for_object(article).get().revision.user == contributor
    article.status = Article.Status.PUBLISHED
    article.save()
    write(tmp_path, "quad.txt", make_dump(body="A replacement text for the published article.\n"))
    with pytest.raises(CommandError, match=r"quad\.txt:1: not imported"):
        run_import(path, "--user", "contributor")
    assert "Quad foreign ministers" in Article.objects.get().body
    with pytest.raises(CommandError, match="no user “nobody”"):
        run_import(path, "--user", "nobody")
