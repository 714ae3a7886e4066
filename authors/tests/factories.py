import factory
from django.utils.text import slugify

from authors.models import Affiliation, Author, Institution


class InstitutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Institution

    name = factory.Sequence(lambda n: f"Institute for Strategic Studies {n}")
    short_name = factory.Sequence(lambda n: f"ISS{n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    city = "New Delhi"
    country = "India"


class AuthorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Author

    name = factory.Faker("name")
    slug = factory.Sequence(lambda n: f"author-{n}")
    bio = factory.Faker("sentence")


class AffiliationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Affiliation

    author = factory.SubFactory(AuthorFactory)
    institution = factory.SubFactory(InstitutionFactory)
    role = "Research Fellow"
