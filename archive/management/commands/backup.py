from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS

from archive.backups import BackupError, create_backup


class Command(BaseCommand):
    help = "Back up the database (revision history included) and the media to one file."

    def add_arguments(self, parser):
        parser.add_argument("path", help="the file to write, e.g. archive-2026-11-30.tar.gz")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, path, database, **options):
        try:
            files = create_backup(path, using=database)
        except (BackupError, OSError) as error:
            raise CommandError(str(error)) from error
        media = sum(name.startswith("media/") for name in files)
        self.stdout.write(f"Backed up the database and {media} media file(s) to {path}.")
