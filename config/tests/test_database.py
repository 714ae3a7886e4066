"""How the site talks to its production database."""

import pytest
from django.db import connection

from archive.models import Article
from archive.tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's prepared statements")
def test_a_statement_a_worker_runs_again_is_planned_once():
    """A page's queries keep their shape from request to request; PostgreSQL plans each
    shape once per connection rather than at every request."""
    article = ArticleFactory(title="Ports of the Indian Ocean")

    def prepared():
        with connection.cursor() as cursor:
            cursor.execute("SELECT statement FROM pg_prepared_statements")
            return [row[0] for row in cursor.fetchall()]

    for _ in range(3):
        assert Article.objects.published().get(slug=article.slug) == article
    assert any('"archive_article"."slug" = $' in statement for statement in prepared())
