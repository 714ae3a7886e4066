from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = 'Create a local "editor" account (password "editor") in the Editors group.'

    def add_arguments(self, parser):
        parser.add_argument("--username", default="editor")
        parser.add_argument("--password", default="editor")

    def handle(self, *args, username, password, **options):
        if not settings.DEBUG:
            raise CommandError(
                "Refusing to create a demo account with a known password: DEBUG is off."
            )
        user, created = get_user_model().objects.get_or_create(
            username=username, defaults={"is_staff": True, "email": f"{username}@example.org"}
        )
        if created:
            user.set_password(password)
            user.save()
        user.groups.add(Group.objects.get(name="Editors"))
        verb = "Created" if created else "Found"
        self.stdout.write(f"{verb} the demo editor account {username!r} (Editors group).")
