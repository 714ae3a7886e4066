"""Create the "Editors" group with what an editor needs to publish.

Permissions are normally created after migrations run; creating them here
first means the group is complete on a brand-new database too.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

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
    ],
    "authors": ["author", "institution", "affiliation"],
}
EXTRA_PERMISSIONS = [("archive", "publish_article")]


def create_editors_group(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors, _ = Group.objects.get_or_create(name="Editors")
    wanted = [
        (app_label, f"{action}_{model}")
        for app_label, models in EDITOR_MODELS.items()
        for model in models
        for action in ("add", "change", "delete", "view")
    ] + EXTRA_PERMISSIONS
    for app_label, codename in wanted:
        editors.permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )


def remove_editors_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Editors").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0001_initial"),
        ("authors", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_editors_group, remove_editors_group)]
