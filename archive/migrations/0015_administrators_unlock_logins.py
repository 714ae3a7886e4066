"""Administrators see login lockouts (django-axes) and lift them by deleting the attempt."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

LOCKOUT_PERMISSIONS = [
    "view_accessattempt",
    "delete_accessattempt",
    "view_accesslog",
    "view_accessfailurelog",
]


def grant(apps, schema_editor):
    axes = apps.get_app_config("axes")
    axes.models_module = True
    create_permissions(axes, apps=apps, verbosity=0)
    axes.models_module = None
    Permission = apps.get_model("auth", "Permission")
    administrators = apps.get_model("auth", "Group").objects.filter(name="Administrators").first()
    if administrators is not None:
        administrators.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="axes", codename__in=LOCKOUT_PERMISSIONS
            )
        )


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    for group in apps.get_model("auth", "Group").objects.filter(name="Administrators"):
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="axes", codename__in=LOCKOUT_PERMISSIONS
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0014_generic_article_types"),
        ("axes", "0010_accessattemptexpiration"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
