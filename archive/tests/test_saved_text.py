"""What editors save: control characters cleaned, websites only http(s), a real secret key."""

import os
import subprocess
import sys

import feedparser
import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse

from archive.models import Article
from archive.tests.factories import ArticleFactory, ArticleTypeFactory
from authors.tests.factories import AffiliationFactory, AuthorFactory, InstitutionFactory

pytestmark = pytest.mark.django_db


def test_a_pasted_vertical_tab_is_a_space_in_a_title_and_a_line_break_in_a_body(client):
    article = ArticleFactory.build(
        title="Line one\x0bline two\x01",
        body="First\x0bsecond",
        summary="Bell\x07",
        article_type=ArticleTypeFactory(),
    )
    article.full_clean(exclude=["slug"])
    assert article.title == "Line one line two"
    article.save()
    article.refresh_from_db()
    assert (article.title, article.body, article.summary) == (
        "Line one line two",
        "First\nsecond",
        "Bell",
    )
    parsed = feedparser.parse(client.get(reverse("archive:feed")).content)
    assert not parsed.bozo
    assert parsed.entries[0].title == "Line one line two"


def test_saving_without_a_form_cleans_too():
    author = AuthorFactory(name="Rhea\x0b Menon\x00", bio="A\x0cB\tC")
    author.refresh_from_db()
    assert (author.name, author.bio) == ("Rhea  Menon", "A\nB\tC")
    article = ArticleFactory(title="Tab\there")
    assert Article.objects.get(pk=article.pk).title == "Tab here"


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "ftp://files.example.org/", "data:text/html,hi"]
)
def test_a_website_must_be_a_web_address(url):
    for model in (AuthorFactory.build(website=url), InstitutionFactory.build(website=url)):
        with pytest.raises(ValidationError, match="http:// or https://"):
            model.full_clean(exclude=["slug"])


def test_a_stored_website_of_another_scheme_is_not_linked(client):
    author = AuthorFactory(website="javascript:alert(1)")
    institution = InstitutionFactory(website="https://icwa.example.org/")

    AffiliationFactory(author=author, institution=institution)
    ArticleFactory(authors=[author])
    assert "javascript:" not in client.get(author.get_absolute_url()).content.decode()
    page = client.get(institution.get_absolute_url()).content.decode()
    assert 'href="https://icwa.example.org/"' in page


def run_settings(**env):
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_settings_refuse_to_start_without_a_secret_key():
    result = run_settings(DEBUG="0")
    assert result.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY is not set" in result.stderr


def test_a_key_or_debug_lets_the_site_start():
    assert run_settings(DEBUG="0", SECRET_KEY="x" * 50).returncode == 0
    assert run_settings(DEBUG="1").returncode == 0
