"""Authors with honorifics, some ORCID iDs and one to three dated affiliations each."""

import itertools

from django.utils.text import slugify

from authors.models import Affiliation, Author, orcid_check_digit

from . import vocabulary as V
from .words import Zipf, weighted


def invent_authors(rng, count):
    """Unsaved authors with unique slugs; about four in ten have a (unique, valid) ORCID iD."""
    authors, seen_slugs, orcids = [], set(), set()
    for _ in range(count):
        name = f"{rng.choice(V.GIVEN_NAMES)} {rng.choice(V.SURNAMES)}"
        slug = base = slugify(name)
        serial = itertools.count(2)
        while slug in seen_slugs:
            slug = f"{base}-{next(serial)}"
        seen_slugs.add(slug)
        orcid = ""
        if rng.random() < 0.4:
            orcid = random_orcid(rng)
            if orcid in orcids:
                orcid = ""
            orcids.add(orcid)
        authors.append(
            Author(name=name, slug=slug, honorific=weighted(rng, V.HONORIFICS), orcid=orcid)
        )
    return authors


def invent_affiliations(rng, authors, institutions, topics):
    """Consecutive spells at Zipf-chosen institutions; most authors' last one is current.

    Also writes each author's bio from their latest position.
    """
    affiliations = []
    institution_z = Zipf(institutions, s=0.9, offset=3)
    for author in authors:
        year = rng.randint(1988, 2022)
        spells = rng.choices((1, 2, 3), weights=(50, 35, 15))[0]
        places = institution_z.distinct(rng, spells)
        for i, institution in enumerate(places):
            year = min(year, 2025)
            last = i == len(places) - 1
            end = None if last and rng.random() < 0.8 else min(year + rng.randint(1, 9), 2026)
            start = None if i == 0 and rng.random() < 0.05 else year
            affiliations.append(
                Affiliation(
                    author=author,
                    institution=institution,
                    role=rng.choice(V.ROLES),
                    department=rng.choice(V.DEPARTMENTS),
                    start_year=start,
                    end_year=end,
                )
            )
            author.bio = (
                f"{author.name} is a {affiliations[-1].role} at {institution.name}. "
                f"Their work covers {rng.choice(topics).name} and related questions."
            )
            year = (end or year) + rng.randint(0, 2)
    return affiliations


def random_orcid(rng):
    """A random ORCID iD with the check digit the Author form requires."""
    digits = "".join(str(rng.randrange(10)) for _ in range(15))
    full = digits + orcid_check_digit(digits)
    return "-".join(full[i : i + 4] for i in range(0, 16, 4))
