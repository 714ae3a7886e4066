"""`manage.py load_sample_if_empty [--no-sample]`: what `make run` loads on every start.

The vocabulary fixture goes only into an archive with no themes, topics, regions or
aliases, and the sample only into one with no articles, authors, institutions or series:
loaddata writes rows by id, so loading over an editor's work would silently undo it.
"""

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.core.serializers.base import DeserializationError
from django.db import IntegrityError, transaction

from archive.models import Article, Region, Series, Theme, Topic, VocabularyAlias
from archive.outputs.citations import store_missing_citations
from archive.search import index
from authors.models import Author, Institution

VOCABULARY_MODELS = [Theme, Topic, Region, VocabularyAlias]
SAMPLE_MODELS = [Article, Author, Institution, Series]


def first_nonempty(models):
    return next((model for model in models if model.objects.exists()), None)


class Command(BaseCommand):
    help = (
        "Load fixtures/vocabulary.json and fixtures/sample.json into an empty archive; "
        "leave an archive that has content as it is."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-sample", action="store_true", help="Load the vocabulary only, never the sample."
        )

    def handle(self, *args, no_sample, **options):
        self.load("vocabulary", VOCABULARY_MODELS)
        if no_sample:
            self.stdout.write("Sample articles not loaded (--no-sample).")
        elif self.load("sample", SAMPLE_MODELS):
            index.rebuild()  # exactly the new archive's articles, whatever an old index held
            store_missing_citations(Article.objects.published_or_scheduled())  # loaddata: raw

    def load(self, fixture, guarded_models):
        found = first_nonempty(guarded_models)
        if found is not None:
            plural = found._meta.verbose_name_plural
            self.stdout.write(f"Not loading the {fixture}: the archive already has {plural}.")
            return False
        try:
            with transaction.atomic():
                call_command("loaddata", fixture, verbosity=0)
        except (DeserializationError, IntegrityError) as error:
            self.stderr.write(f"Could not load the {fixture}, so nothing of it was: {error}")
            return False
        self.stdout.write(f"Loaded the {fixture} (fixtures/{fixture}.json).")
        return True
