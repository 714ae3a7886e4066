"""The three roles, as groups: Contributors, Editors and Administrators.

Contributors write and submit their own drafts (the admin limits them to their
own articles); Editors edit anything and publish; Administrators also manage
users. Permissions are created first so this works on a brand-new database.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CRUD = ("add", "change", "delete", "view")

CONTRIBUTOR_PERMISSIONS = [
    ("archive", "add_article"),
    ("archive", "change_article"),
    ("archive", "view_article"),
    *[("archive", f"{action}_authorship") for action in CRUD],
    *[
        ("archive", f"view_{model}")
        for model in [
            "topic",
            "theme",
            "region",
            "series",
            "articletype",
            "taggedtopic",
            "correction",
        ]
    ],
    ("authors", "add_author"),
    ("authors", "view_author"),
    ("authors", "view_institution"),
    ("authors", "view_affiliation"),
]
EDITOR_MODELS = {
    "archive": [
        "article",
        "authorship",
        "articletype",
        "series",
        "theme",
        "topic",
        "taggedtopic",
        "region",
        "correction",
        "articleredirect",
        "vocabularyalias",
    ],
    "authors": ["author", "institution", "affiliation"],
}
EDITOR_PERMISSIONS = [
    (app_label, f"{action}_{model}")
    for app_label, models in EDITOR_MODELS.items()
    for model in models
    for action in CRUD
] + [("archive", "publish_article")]
ADMINISTRATOR_PERMISSIONS = EDITOR_PERMISSIONS + [
    ("auth", f"{action}_{model}") for model in ["user", "group"] for action in CRUD
]
ROLES = {
    "Contributors": CONTRIBUTOR_PERMISSIONS,
    "Editors": EDITOR_PERMISSIONS,
    "Administrators": ADMINISTRATOR_PERMISSIONS,
}


def create_roles(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, wanted in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(
            [
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
                for app_label, codename in wanted
            ]
        )


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(
        name__in=["Contributors", "Administrators"]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0006_editorial_workflow"),
        ("authors", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
