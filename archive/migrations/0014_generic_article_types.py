"""The generic kinds of publication every think tank uses, present in every new archive.

Without them a fresh archive could not import a single dump. Matched by slug or name,
so an archive that already has a type (from a fixture, or an editor) keeps it as it is;
reversing leaves them, since articles may use them.
"""

from django.db import migrations
from django.db.models import Q

ARTICLE_TYPES = [
    ("Analysis", "Analyses", "analysis", "In-depth analysis of a policy question."),
    ("Commentary", "Commentaries", "commentary", "Short, timely opinion on current events."),
    ("Viewpoint", "Viewpoints", "viewpoint", "An expert's argued view on a development."),
    (
        "Op-Ed",
        "Op-Eds",
        "op-ed",
        "An opinion piece first published in, or written for, a newspaper.",
    ),
    (
        "Explainer",
        "Explainers",
        "explainer",
        "Background that sets out what a reader needs to know.",
    ),
    ("Interview", "Interviews", "interview", "A conversation with an expert, edited for reading."),
    ("Issue Brief", "Issue Briefs", "issue-brief", "A concise brief on one policy issue."),
    (
        "Policy Brief",
        "Policy Briefs",
        "policy-brief",
        "Findings and recommendations for policymakers.",
    ),
    ("Report", "Reports", "report", "Long-form research."),
    (
        "Working Paper",
        "Working Papers",
        "working-paper",
        "Research in progress, shared for comment.",
    ),
]


def add_article_types(apps, schema_editor):
    ArticleType = apps.get_model("archive", "ArticleType")
    for name, plural_name, slug, description in ARTICLE_TYPES:
        if not ArticleType.objects.filter(Q(slug=slug) | Q(name__iexact=name)).exists():
            ArticleType.objects.create(
                name=name, plural_name=plural_name, slug=slug, description=description
            )


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0013_topic_articles_index"),
    ]

    operations = [
        migrations.RunPython(add_article_types, migrations.RunPython.noop),
    ]
