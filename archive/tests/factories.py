import datetime

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone
from django.utils.text import slugify

from archive.models import Article, ArticleType, Authorship, Region, Series, Theme, Topic
from authors.tests.factories import AuthorFactory


class ArticleTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ArticleType
        django_get_or_create = ["name"]

    name = "Analysis"
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


class SeriesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Series

    name = factory.Sequence(lambda n: f"Series {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme

    name = factory.Sequence(lambda n: f"Theme {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic

    name = factory.Sequence(lambda n: f"Topic {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    theme = factory.SubFactory(ThemeFactory)


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region

    name = factory.Sequence(lambda n: f"Region {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


class ArticleFactory(factory.django.DjangoModelFactory):
    """A published article by default; pass status/published_at for other states."""

    class Meta:
        model = Article
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Maritime cooperation in the Indian Ocean, part {n}")
    slug = factory.Sequence(lambda n: f"article-{n}")
    deck = factory.Faker("sentence")
    summary = factory.Faker("paragraph")
    body = factory.Faker("paragraph", nb_sentences=12)
    article_type = factory.SubFactory(ArticleTypeFactory)
    status = Article.Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))

    @factory.post_generation
    def authors(self, create, extracted, **kwargs):
        """`authors=[a, b]` puts them on the byline in that order."""
        if create and extracted:
            for position, author in enumerate(extracted, 1):
                Authorship.objects.create(article=self, author=author, position=position)

    @factory.post_generation
    def topics(self, create, extracted, **kwargs):
        if create and extracted:
            self.topics.set(extracted)


class AuthorshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Authorship

    article = factory.SubFactory(ArticleFactory)
    author = factory.SubFactory(AuthorFactory)
    position = 1


def user_in_group(group, username, password="a-long-password-1"):
    """A staff user whose only rights come from one of the role groups the migrations made."""
    user = get_user_model().objects.create_user(username, password=password, is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user
