"""`manage.py import_articles FILE_OR_DIR... [--dry-run] [--publish] [--series SLUG] [--type SLUG]
[--user USERNAME]`.

All the rules live in the archive.importing package; this only maps options and errors.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from archive.importing.decode import read_paths
from archive.importing.errors import DumpError
from archive.importing.report import format_report
from archive.importing.service import import_dumps
from archive.importing.vocabulary import missing_vocabulary_note


class Command(BaseCommand):
    help = (
        "Import articles from plain-text dumps (files, or the .txt files in directories). "
        "Every file is saved or none is; imported articles are drafts unless --publish."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="FILE_OR_DIR")
        parser.add_argument(
            "--dry-run", action="store_true", help="Show what would be imported; save nothing."
        )
        parser.add_argument(
            "--publish", action="store_true", help="Publish the articles on their dump's date."
        )
        parser.add_argument(
            "--series", metavar="SLUG", default="", help="Put every article in this series."
        )
        parser.add_argument(
            "--type",
            metavar="SLUG",
            default="",
            dest="article_type",
            help="Give every article this type instead of inferring it.",
        )
        parser.add_argument(
            "--user",
            metavar="USERNAME",
            default="",
            help="Import as this user: their rights apply, and history names them.",
        )

    def handle(self, *args, paths, dry_run, publish, series, article_type, user, **options):
        acting = None
        if user:
            acting = get_user_model().objects.filter(**{get_user_model().USERNAME_FIELD: user})
            acting = acting.first()
            if acting is None:
                raise CommandError(f"Nothing was imported: no user “{user}”.")
        try:
            results = import_dumps(
                documents=read_paths(paths),
                publish=publish,
                series_slug=series,
                type_slug=article_type,
                dry_run=dry_run,
                user=acting,
            )
        except DumpError as error:
            raise CommandError(f"Nothing was imported.\n{error}") from error
        if options["verbosity"] > 0:
            self.stdout.write(format_report(results, dry_run=dry_run))
            if note := missing_vocabulary_note():
                self.stdout.write(self.style.WARNING(note))
