"""The admin upload page: preview, confirm, permissions."""

import datetime

import pytest
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from archive.importing.errors import Document, DumpError
from archive.importing.service import import_dumps
from archive.importing.staging import StagedImport
from archive.models import (
    Article,
)
from archive.tests.factories import (
    ArticleFactory,
    ArticleTypeFactory,
    SeriesFactory,
    TopicFactory,
    user_in_group,
)
from archive.tests.importing.dumps import (
    BODY,
    make_dump,
)
from authors.models import Affiliation, Institution

pytestmark = pytest.mark.django_db


@pytest.fixture
def types():
    for name in ["Analysis", "Viewpoint", "Explainer", "Commentary"]:
        ArticleTypeFactory(name=name)


def upload(client, *files, **fields):
    return client.post(
        reverse("admin:archive_article_import"),
        {"files": [SimpleUploadedFile(name, content) for name, content in files], **fields},
    )


def test_the_article_list_links_to_the_import_page(editor_client):
    response = editor_client.get(reverse("admin:archive_article_changelist"))
    assert reverse("admin:archive_article_import") in response.content.decode()


def test_the_admin_upload_previews_then_saves_on_confirmation(editor_client, types):
    note = "The author is a Fellow at Gateway House, Mumbai."
    response = upload(editor_client, ("a.txt", make_dump(note=note).encode()))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Nothing has been saved yet" in page
    assert "Quad Ministers Chart a Course in Tokyo" in page and "Gateway House" in page
    assert Article.objects.count() == 0 and Institution.objects.count() == 0

    response = editor_client.post(
        reverse("admin:archive_article_import"), {"staged": response.context["staged"].key}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:archive_article_changelist")
    article = Article.objects.get()
    assert article.status == Article.Status.DRAFT
    assert article.byline_names() == ["Dr. Asha Rao"]


def test_the_admin_upload_can_publish_and_set_the_series(editor_client, types):
    series = SeriesFactory(name="Quad Watch")
    response = upload(
        editor_client, ("a.txt", make_dump().encode()), publish="on", series=series.slug
    )
    editor_client.post(
        reverse("admin:archive_article_import"), {"staged": response.context["staged"].key}
    )
    article = Article.objects.get()
    assert (article.status, article.series) == (Article.Status.PUBLISHED, series)


def test_a_bad_upload_is_shown_with_its_file_and_line(editor_client, types):
    response = upload(
        editor_client, ("good.txt", make_dump().encode()), ("bad.txt", "Caf\u00e9".encode("cp1252"))
    )
    assert "bad.txt:1: not UTF-8" in response.content.decode()
    assert "staged" not in response.context
    assert Article.objects.count() == 0


@pytest.mark.parametrize("key", ["not-a-key", "00000000-0000-0000-0000-000000000000", ""])
def test_a_confirmation_of_an_unknown_upload_saves_nothing(editor_client, types, key):
    upload(editor_client, ("a.txt", make_dump().encode()))
    response = editor_client.post(reverse("admin:archive_article_import"), {"staged": key})
    assert response.status_code == 302
    assert Article.objects.count() == 0


def test_only_the_uploader_can_confirm_their_preview(client, editor, types):
    other = user_in_group("Editors", "other-editor")
    client.force_login(editor)
    key = upload(client, ("a.txt", make_dump().encode())).context["staged"].key
    client.force_login(other)
    client.post(reverse("admin:archive_article_import"), {"staged": key})
    assert Article.objects.count() == 0


def test_an_expired_preview_saves_nothing_and_says_so(editor_client, types):
    response = upload(editor_client, ("a.txt", make_dump().encode()))
    StagedImport.objects.update(created_at=timezone.now() - datetime.timedelta(hours=2))
    response = confirm(editor_client, response)
    assert Article.objects.count() == 0
    follow = editor_client.get(response["Location"])
    assert "The preview has expired" in follow.content.decode()


@pytest.mark.parametrize("files", [6, 20])
def test_the_most_files_of_the_largest_size_preview_and_save(editor_client, types, settings, files):
    """Nothing is posted back: the confirmation is as small with many large files as one."""
    settings.ARCHIVE_IMPORT_MAX_BYTES = 40_000
    settings.ARCHIVE_IMPORT_MAX_FILES = files
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100_000  # below what the files add up to
    dumps = []
    for number in range(files):
        body = f"Paragraph {number} on maritime domain awareness in the Indian Ocean.\n\n"
        text = make_dump(title=f"Quad Ministers Meet in Tokyo, Round {number}", body="")
        text += body * ((40_000 - len(text)) // len(body))
        dumps.append((f"dump{number}.txt", text.encode()))
        assert 39_000 < len(dumps[-1][1]) <= 40_000
    response = upload(editor_client, *dumps)
    assert response.status_code == 200 and len(response.context["results"]) == files
    assert confirm(editor_client, response).status_code == 302
    assert Article.objects.count() == files
    assert StagedImport.objects.count() == 0


def test_too_many_or_too_large_files_are_refused_before_reading(editor_client, types, settings):
    settings.ARCHIVE_IMPORT_MAX_BYTES = 10_000
    settings.ARCHIVE_IMPORT_MAX_FILES = 2
    page = upload(editor_client, ("big.txt", b"x" * 10_001)).content.decode()
    assert "big.txt: larger than 10,000 bytes" in page
    dumps = [(f"d{n}.txt", make_dump(title=f"Title number {n} here").encode()) for n in range(3)]
    page = upload(editor_client, *dumps).content.decode()
    assert "3 files: upload at most 2 at a time." in page
    assert StagedImport.objects.count() == 0 and Article.objects.count() == 0


def test_the_import_page_needs_the_right_to_add_articles(client, django_user_model):
    user = django_user_model.objects.create_user("reader", password="a-long-password-1")
    user.is_staff = True
    user.save()
    client.force_login(user)
    assert client.get(reverse("admin:archive_article_import")).status_code == 403


def test_aliases_are_edited_on_the_topic_page(admin_client):
    topic = TopicFactory(name="COMCASA")
    url = reverse("admin:archive_topic_change", args=[topic.pk])
    page = admin_client.get(url).content.decode()
    assert "Aliases" in page
    data = {
        "name": topic.name,
        "slug": topic.slug,
        "theme": topic.theme_id,
        "description": "",
        "aliases-TOTAL_FORMS": "1",
        "aliases-INITIAL_FORMS": "0",
        "aliases-MIN_NUM_FORMS": "0",
        "aliases-MAX_NUM_FORMS": "1000",
        "aliases-0-text": "Communications Compatibility and Security Agreement",
    }
    assert admin_client.post(url, data).status_code == 302
    assert topic.aliases.get().text == "Communications Compatibility and Security Agreement"


def test_articles_imported_in_the_admin_belong_to_the_importing_user(types, contributor):
    import_dumps(documents=[Document("quad.txt", make_dump().encode())], user=contributor)
    assert Article.objects.get().created_by == contributor


def test_a_user_without_the_right_to_add_articles_imports_nothing(types, django_user_model):
    user = django_user_model.objects.create_user("reader", password="a-long-password-1")
    with pytest.raises(DumpError, match=r"quad\.txt:1: not imported: you may not add articles"):
        import_dumps(documents=[Document("quad.txt", make_dump().encode())], user=user)
    assert Article.objects.count() == 0


# ----------------------------------------------------------------------- who may import what


def confirm(client, response):
    return client.post(
        reverse("admin:archive_article_import"), {"staged": response.context["staged"].key}
    )


def test_a_contributor_cannot_overwrite_a_published_article(contributor_client, types):
    published = ArticleFactory(
        title="Quad Ministers Chart a Course in Tokyo",
        slug="quad-ministers-chart-a-course-in-tokyo",
        body="The published text.",
    )
    response = upload(contributor_client, ("quad.txt", make_dump().encode()))
    page = response.content.decode()
    assert "quad.txt:1: not imported" in page and "ask an editor" in page
    assert "staged" not in response.context
    published.refresh_from_db()
    assert published.body == "The published text."


def test_a_contributor_cannot_overwrite_someone_elses_draft(contributor_client, editor, types):
    draft = ArticleFactory(
        slug="quad-ministers-chart-a-course-in-tokyo",
        status=Article.Status.DRAFT,
        created_by=editor,
        body="The editor's draft.",
    )
    response = upload(contributor_client, ("quad.txt", make_dump().encode()))
    assert "quad.txt:1: not imported" in response.content.decode()
    draft.refresh_from_db()
    assert draft.body == "The editor's draft."


def test_a_contributor_imports_and_reimports_their_own_draft(contributor_client, types):
    confirm(contributor_client, upload(contributor_client, ("quad.txt", make_dump().encode())))
    article = Article.objects.get()
    assert article.status == Article.Status.DRAFT
    changed = make_dump(body=BODY + "\nA third paragraph the author added later.\n")
    response = upload(contributor_client, ("quad.txt", changed.encode()))
    assert confirm(contributor_client, response).status_code == 302
    assert "A third paragraph" in Article.objects.get(pk=article.pk).body


def test_a_contributor_cannot_publish_through_the_service(contributor, types):
    with pytest.raises(DumpError, match="only an editor may publish"):
        import_dumps(
            documents=[Document("quad.txt", make_dump().encode())], publish=True, user=contributor
        )
    assert Article.objects.count() == 0


def test_an_import_is_in_the_history_with_its_user_and_an_editor_can_revert_it(
    editor_client, editor, types
):
    confirm(editor_client, upload(editor_client, ("quad.txt", make_dump().encode())))
    article = Article.objects.get()
    changed = make_dump(body="An overwritten text that replaces the original body entirely.\n")
    confirm(editor_client, upload(editor_client, ("quad.txt", changed.encode())))
    versions = Version.objects.get_for_object(article)
    assert versions.count() == 2
    latest, first = versions[0], versions[1]
    assert latest.revision.user == editor
    assert "updated by the importer from quad.txt" in latest.revision.comment.lower()
    entries = LogEntry.objects.filter(object_id=str(article.pk)).order_by("action_time")
    assert [(e.user, e.action_flag) for e in entries] == [(editor, ADDITION), (editor, CHANGE)]
    history = editor_client.get(reverse("admin:archive_article_history", args=[article.pk]))
    assert "Updated by the importer from quad.txt" in history.content.decode()

    first.revision.revert()
    assert "Quad foreign ministers" in Article.objects.get(pk=article.pk).body


def test_the_preview_lists_affiliations_per_author_and_an_unticked_one_is_not_saved(
    editor_client, types
):
    note = (
        "Dr. Asha Rao is a Fellow at Gateway House, Mumbai, and was previously a Research "
        "Associate at the Observer Research Foundation, New Delhi (2015-2018)."
    )
    response = upload(editor_client, ("a.txt", make_dump(note=note).encode()))
    page = response.content.decode()
    assert "<strong>Dr. Asha Rao</strong>" in page
    assert page.count('name="affiliation" value="0:') == 2
    assert "Gateway House" in page and "Observer Research Foundation" in page
    response = editor_client.post(
        reverse("admin:archive_article_import"),
        {
            "staged": response.context["staged"].key,
            "affiliation_shown": ["0:0", "0:1"],
            "affiliation": ["0:0"],
        },
    )
    assert response.status_code == 302
    assert [a.institution.name for a in Affiliation.objects.all()] == ["Gateway House"]
    assert Article.objects.get().byline_names() == ["Dr. Asha Rao"]


def test_the_preview_says_how_to_load_a_missing_vocabulary(editor_client, types):
    page = upload(editor_client, ("a.txt", make_dump().encode())).content.decode()
    assert "loaddata vocabulary" in page

    TopicFactory(name="Quad")
    page = upload(editor_client, ("a.txt", make_dump().encode())).content.decode()
    assert "loaddata vocabulary" not in page
