import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from authors.models import (
    OPEN_END,
    OPEN_START,
    Affiliation,
    Author,
    Institution,
    held_in,
    validate_orcid_checksum,
    years_cover,
)
from authors.tests.factories import AffiliationFactory, AuthorFactory, InstitutionFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "orcid", ["0000-0002-1825-0097", "0000-0001-5109-3700", "0000-0002-1694-233X"]
)
def test_a_real_orcid_passes_full_validation(orcid):
    author = AuthorFactory.build(orcid=orcid)
    author.full_clean()


def test_a_mistyped_orcid_is_refused_naming_the_expected_check_digit():
    with pytest.raises(ValidationError) as error:
        validate_orcid_checksum("0000-0002-1825-0098")
    assert "should be 7" in str(error.value)


def test_a_malformed_orcid_is_refused_by_the_form_validation():
    author = AuthorFactory.build(orcid="0000-0002-1825")
    with pytest.raises(ValidationError) as error:
        author.full_clean()
    assert "orcid" in error.value.message_dict


def test_the_database_itself_refuses_a_malformed_orcid():
    with pytest.raises(IntegrityError):
        AuthorFactory(orcid="orcid:1825-0097")


def test_two_authors_cannot_share_an_orcid_but_many_may_have_none():
    AuthorFactory(orcid="0000-0002-1825-0097")
    AuthorFactory(orcid="")
    AuthorFactory(orcid="")
    with pytest.raises(IntegrityError):
        AuthorFactory(orcid="0000-0002-1825-0097")


def test_author_slugs_are_unique_in_the_database():
    AuthorFactory(slug="vivek-mishra")
    with pytest.raises(IntegrityError):
        AuthorFactory(slug="vivek-mishra")


def test_institution_names_are_unique_in_the_database():
    InstitutionFactory(name="Indian Council of World Affairs")
    with pytest.raises(IntegrityError):
        Institution.objects.create(name="Indian Council of World Affairs", slug="icwa-2")


def test_the_database_refuses_an_affiliation_that_ends_before_it_starts():
    with pytest.raises(IntegrityError):
        AffiliationFactory(start_year=2016, end_year=2015)


def test_an_affiliation_may_start_and_end_in_the_same_year():
    affiliation = AffiliationFactory(start_year=2016, end_year=2016)
    assert affiliation.years == "2016"


def test_display_name_carries_the_honorific():
    assert AuthorFactory.build(honorific="Dr.", name="Vivek Mishra").display_name == (
        "Dr. Vivek Mishra"
    )
    assert AuthorFactory.build(honorific="", name="Jane Roe").display_name == "Jane Roe"


@pytest.mark.parametrize(
    ("start", "end", "held_in_2020"),
    [
        (None, None, True),
        (2018, None, True),
        (2021, None, False),
        (2015, 2016, False),
        (2019, 2020, True),
        (None, 2019, False),
    ],
)
def test_held_in_year_agrees_between_database_and_python(start, end, held_in_2020):
    affiliation = AffiliationFactory(start_year=start, end_year=end)
    in_database = Affiliation.objects.filter(held_in(2020), pk=affiliation.pk).exists()
    assert in_database is held_in_2020
    assert affiliation.was_held_in(2020) is held_in_2020
    first = OPEN_START if start is None else start
    last = OPEN_END if end is None else end
    assert years_cover(first, last, 2020) is held_in_2020


def test_current_and_past_affiliations_are_told_apart():
    author = AuthorFactory()
    current = AffiliationFactory(author=author, start_year=2019)
    past = AffiliationFactory(author=author, start_year=2015, end_year=2016)
    assert list(author.affiliations.current()) == [current]
    assert list(author.affiliations.exclude(end_year=None)) == [past]
    assert list(Author.objects.get(pk=author.pk).affiliations.all()) == [current, past]
