"""Matching institutions and the vocabulary (topics, themes, regions, aliases)."""

import pytest
from django.db import IntegrityError, transaction

from archive.importing.institutions import institution_similarity, match_institution
from archive.importing.parsed import ParsedAffiliation
from archive.importing.vocabulary import Vocabulary, find_terms, terms_for
from archive.models import (
    VocabularyAlias,
)
from archive.tests.factories import (
    RegionFactory,
    ThemeFactory,
    TopicFactory,
)
from authors.tests.factories import InstitutionFactory

pytestmark = pytest.mark.django_db


def test_institutions_match_by_name_short_name_or_a_close_name():
    icwa = InstitutionFactory(name="Indian Council of World Affairs", short_name="ICWA")
    siwps = InstitutionFactory(
        name="Saltzman Institute of War and Peace Studies, Columbia University", short_name="SIWPS"
    )
    known = [icwa, siwps, InstitutionFactory(name="Columbia Business School", short_name="CBS")]

    def match(name, short_name=""):
        return match_institution(ParsedAffiliation(0, "Fellow", name, short_name=short_name), known)

    assert match("indian council of world affairs") == icwa
    assert match("ICWA") == icwa
    assert match("The Council", short_name="ICWA") == icwa
    assert match("Saltzman Institute of War and Peace, Columbia University") == siwps
    assert match("Saltzman Institute of War & Peace") == siwps
    assert match("Columbia University") is None
    assert match("Indian Council of Social Science Research") is None
    assert institution_similarity("Saltzman Institute of War & and Peace", siwps.name) >= 0.75


def test_institutions_match_by_an_alias_an_editor_recorded():
    orf = InstitutionFactory(
        name="Observer Research Foundation", aliases="ORF Delhi\n  Observer Research Fdn.  \n"
    )
    known = [orf, InstitutionFactory(name="Observer Group")]

    def match(name):
        return match_institution(ParsedAffiliation(0, "Fellow", name), known)

    assert match("Observer Research Fdn.") == orf
    assert match("orf delhi") == orf
    assert match("Research Foundation for Science") is None


def test_vocabulary_matches_whole_words_in_any_case_and_acronyms_only_in_capitals():
    quad, us, mda = object(), object(), object()
    entries = [
        (quad, terms_for("Quad", "quad", [])),
        (us, terms_for("United States", "united-states", ["US"])),
        (mda, terms_for("Maritime Domain Awareness", "maritime-domain-awareness", ["MDA"])),
    ]
    assert set(find_terms("The QUAD met; the quadrilateral did not.", entries)) == {quad}
    assert set(find_terms("Let us meet in Quadrilateral talks.", entries)) == set()
    assert set(find_terms("US-India ties and maritime-domain awareness", entries)) == {us, mda}
    assert find_terms("MDA, the MDA and maritime domain awareness", entries)[mda] == 3


def test_topic_slugs_are_terms_when_they_say_something_the_name_does_not():
    assert terms_for("2+2 Ministerial Dialogue", "2-plus-2-ministerial-dialogue", ["2+2"]) == [
        "2+2 Ministerial Dialogue",
        "2 plus 2 ministerial dialogue",
        "2+2",
    ]
    assert terms_for("South China Sea", "south-china-sea", []) == ["South China Sea"]


def test_suggestions_use_aliases_and_roll_topics_up_to_their_themes():
    defence = ThemeFactory(name="Defence trade and technology")
    comcasa = TopicFactory(name="COMCASA", theme=defence)
    VocabularyAlias.objects.create(
        text="Communications Compatibility and Security Agreement", topic=comcasa
    )
    maritime = ThemeFactory(name="Maritime domain awareness")
    mda = TopicFactory(name="Maritime Domain Awareness", theme=maritime)
    VocabularyAlias.objects.create(text="MDA", topic=mda)
    space = ThemeFactory(name="Space security")
    VocabularyAlias.objects.create(text="security in orbit", theme=space)
    us = RegionFactory(name="United States")
    VocabularyAlias.objects.create(text="US", region=us)
    TopicFactory(name="LEMOA", theme=defence)

    topics, themes, regions = Vocabulary().suggest(
        "Both signed the communications compatibility and security agreement, shared MDA "
        "data and discussed security in orbit. Let us see."
    )
    assert topics == [comcasa, mda]
    assert themes == [defence, maritime, space]
    assert regions == []
    assert Vocabulary().suggest("The US and India")[2] == [us]


def test_an_alias_names_exactly_one_topic_theme_or_region():
    topic, region = TopicFactory(), RegionFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        VocabularyAlias.objects.create(text="Both", topic=topic, region=region)
    with pytest.raises(IntegrityError), transaction.atomic():
        VocabularyAlias.objects.create(text="Neither")
    VocabularyAlias.objects.create(text="MDA", topic=topic)
    with pytest.raises(IntegrityError), transaction.atomic():
        VocabularyAlias.objects.create(text="mda", region=region)
    assert str(VocabularyAlias.objects.get()) == f"MDA → {topic}"
