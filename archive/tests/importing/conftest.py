"""Fixtures for the importer's tests: article types, the seeds, the sample vocabulary."""

import json

import pytest
from django.core.management import call_command

from archive.tests.factories import ArticleTypeFactory
from archive.tests.importing.dumps import FIXTURE, SEEDS

SAMPLE_VOCABULARY_MODELS = {"archive.series", "authors.institution"}


@pytest.fixture
def types():
    for name in ["Analysis", "Viewpoint", "Explainer", "Commentary"]:
        ArticleTypeFactory(name=name)


@pytest.fixture
def seeds():
    """The two seed dumps the project ships (fixtures/dumps/)."""
    return SEEDS


@pytest.fixture
def fixture_objects():
    return json.loads(FIXTURE.read_text())


@pytest.fixture
def vocabulary(tmp_path, fixture_objects):
    """The vocabulary fixture, with its aliases, and the sample's institutions and series."""
    path = tmp_path / "institutions.json"
    path.write_text(
        json.dumps([o for o in fixture_objects if o["model"] in SAMPLE_VOCABULARY_MODELS])
    )
    call_command("loaddata", "vocabulary", str(path), verbosity=0)
