from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS

from archive import freshness
from archive.backups import BackupError, restore_backup
from archive.search.changes import rebuild_everywhere


class Command(BaseCommand):
    help = (
        "Replace the whole archive (database and media) with a backup made by `backup`; "
        "then drop cached pages and rebuild the search index."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)
        parser.add_argument("--noinput", "--no-input", action="store_false", dest="interactive")

    def handle(self, *args, path, database, interactive, **options):
        if interactive:
            answer = input(f"This replaces every article, user and file with {path}. Type 'yes': ")
            if answer != "yes":
                raise CommandError("Restore cancelled; nothing changed.")
        try:
            manifest = restore_backup(path, using=database)
        except (BackupError, OSError) as error:
            raise CommandError(f"{error} Nothing was changed.") from error
        rebuild_everywhere(database)  # the other servers' indexes, at their next search
        call_command("rebuild_search_index", database=database, stdout=self.stdout)
        freshness.renew(database)  # no worker may serve a page cached before the restore
        self.stdout.write(f"Restored the archive from {path} (made {manifest['created']}).")
