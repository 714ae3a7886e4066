"""Citations formatted when an article is saved, so that its readers never wait for them."""

import pytest
from django.core.management import call_command

from archive.models import Article, StoredCitations
from archive.outputs import citations
from archive.tests.factories import ArticleFactory, TopicFactory
from authors.tests.factories import AuthorFactory

pytestmark = pytest.mark.django_db


def cite_block(client, article, **headers):
    page = client.get(article.get_absolute_url(), **headers).content.decode()
    return page[page.index("Cite this") :]


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """The test's transaction never commits: `with committed():` runs what a commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def refuse_formatting(monkeypatch):
    """From now on, fail any page that formats a citation instead of reading it stored."""

    def refuse(record, style_name):
        raise AssertionError(f"formatted {style_name} on the reader's request")

    monkeypatch.setattr(citations, "format_record", refuse)


def test_a_saved_article_s_page_shows_its_citations_without_formatting_them(
    client, committed, monkeypatch
):
    with committed():
        article = ArticleFactory(authors=[AuthorFactory(name="Ravi Menon")])
    refuse_formatting(monkeypatch)
    block = cite_block(client, article)
    for label in ["APA", "Chicago (author-date)", "MLA"]:
        assert f"<dt>{label}</dt>" in block
    assert "Menon, R. (" in block


def test_saving_stores_the_entries_the_page_would_have_formatted(committed):
    with committed():
        article = ArticleFactory(authors=[AuthorFactory(name="Ravi Menon")])
    stored = StoredCitations.objects.get(article=article)
    expected = [
        (label, citations.format_record(citations._stored_record(article), name))
        for name, label in citations.STYLES
    ]
    assert [tuple(entry) for entry in stored.entries] == expected
    assert "Menon, R. (" in stored.entries[0][1]


def test_every_host_name_of_the_site_cites_its_own_address(
    client, settings, committed, monkeypatch
):
    settings.ALLOWED_HOSTS = ["archive.example.org", "mirror.example.net"]
    with committed():
        article = ArticleFactory()
    refuse_formatting(monkeypatch)
    for host in settings.ALLOWED_HOSTS:
        block = cite_block(client, article, HTTP_HOST=host)
        assert f"http://{host}{article.get_absolute_url()}" in block
        assert citations.CITATION_ORIGIN not in block


def test_a_renamed_author_is_cited_by_the_new_name_before_the_article_is_saved_again(
    client, committed
):
    author = AuthorFactory(name="Ravi Menon")
    with committed():
        article = ArticleFactory(authors=[author])
        author.name = "Ravi Menon-Iyer"
        author.save()
    block = cite_block(client, article)
    assert "Menon-Iyer, R. (" in block
    assert "Menon, R. (" not in block


def test_format_citations_fills_what_a_bulk_load_left_and_what_a_rename_made_stale(
    client, committed, monkeypatch
):
    author = AuthorFactory(name="Ravi Menon")
    with committed():
        fresh, stale = ArticleFactory(authors=[author]), ArticleFactory(authors=[author])
        draft = ArticleFactory(status=Article.Status.DRAFT, published_at=None)
    StoredCitations.objects.filter(article=fresh).delete()
    Article.objects.filter(pk=stale.pk).update(title="Retitled around the models")
    call_command("format_citations", verbosity=0)
    assert set(StoredCitations.objects.values_list("article", flat=True)) == {fresh.pk, stale.pk}
    assert draft.pk not in StoredCitations.objects.values_list("article", flat=True)
    refuse_formatting(monkeypatch)
    assert "Retitled around the models" in cite_block(client, Article.objects.get(pk=stale.pk))
    assert "Menon, R. (" in cite_block(client, fresh)


def test_a_draft_gets_no_stored_citations(committed):
    with committed():
        ArticleFactory(status=Article.Status.DRAFT, published_at=None)
    assert not StoredCitations.objects.exists()


def test_new_topics_reach_the_stored_citations(client, committed, monkeypatch):
    """Topics are the record's keywords: the page must not find the stored entries stale."""
    with committed():
        article = ArticleFactory()
    with committed():
        article.topics.set([TopicFactory(name="Undersea cables")])
    refuse_formatting(monkeypatch)
    cite_block(client, article)
    stored = StoredCitations.objects.get(article=article)
    assert stored.digest == citations.record_digest(citations._stored_record(article))


def test_an_edit_that_leaves_the_record_as_it_was_formats_nothing(committed, monkeypatch):
    with committed():
        article = ArticleFactory(title="Undersea cables")
    refuse_formatting(monkeypatch)
    with committed():
        article.body = "A rewritten body, which no citation shows."
        article.save()


def test_a_new_title_is_stored_with_the_save(committed):
    with committed():
        article = ArticleFactory(title="Undersea cables")
    with committed():
        article.title = "Undersea cables are the new chokepoints"
        article.save()
    (apa, *_) = StoredCitations.objects.get(article=article).entries
    assert "Undersea cables are the new chokepoints" in apa[1]
