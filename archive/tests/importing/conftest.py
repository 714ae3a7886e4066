"""Fixtures for the importer's tests: article types, the seeds, the sample vocabulary."""

import json

import pytest
from django.core.management import call_command

from archive.tests.factories import ArticleTypeFactory
from archive.tests.importing.dumps import FIXTURE, SEEDS

VOCABULARY_MODELS = {
    "archive.theme",
    "archive.topic",
    "archive.articletype",
    "archive.series",
    "archive.region",
    "archive.vocabularyalias",
    "authors.institution",
}


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
    """The sample fixture's vocabulary, with its aliases, and institutions."""
    path = tmp_path / "vocabulary.json"
    path.write_text(json.dumps([o for o in fixture_objects if o["model"] in VOCABULARY_MODELS]))
    call_command("loaddata", str(path), verbosity=0)
