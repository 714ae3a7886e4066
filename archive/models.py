"""Articles, their bylines and the taxonomy readers browse them by."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import ExtractYear
from django.utils import timezone
from reversion import register as register_revisions
from taggit.managers import TaggableManager

from authors.models import Author, held_in

from .cards import CardIterable

# The importer keeps its staging tables beside its code; importing them here registers them.
from .importing.staging import StagedDump, StagedImport  # noqa: F401
from .links import slug_url
from .markup import reading_time_minutes, render_markdown
from .plain_text import PlainTextMixin

# The vocabulary's models live in taxonomy.py; importing them here registers them.
from .taxonomy import (  # noqa: F401
    ArticleType,
    Region,
    Series,
    TaggedTopic,
    Theme,
    Topic,
    VocabularyAlias,
)


def held_at_publication():
    """Bylines joined to the affiliations their author held in the article's year."""
    return held_in(ExtractYear("article__published_at"), prefix="author__affiliations__")


# What a card shows of an article (`for_cards`): the home page's lead adds its summary.
CARD_FIELDS = (
    "title",
    "slug",
    "deck",
    "summary",
    "published_at",
    "reading_time",
    "article_type__name",
    "article_type__slug",
    "series__name",
    "series__slug",
)

# What a feed item shows of an article (`for_feeds`).
FEED_FIELDS = (
    "title",
    "slug",
    "deck",
    "summary",
    "body_html",
    "published_at",
    "updated_at",
    "modified_at",
)


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """The one rule for what readers may see.

        Published status and a publication time that has arrived: a scheduled
        article appears by itself when its time comes, with no job to run, and
        drafts, articles in review, withdrawn and retracted ones never appear.
        """
        return self.published_or_scheduled().filter(published_at__lte=timezone.now())

    def scheduled(self):
        return self.published_or_scheduled().filter(published_at__gt=timezone.now())

    def published_or_scheduled(self):
        """Published status whatever the time: what the search index holds, each article
        with its time, so that a scheduled one is found by itself when its time comes."""
        return self.filter(status=Article.Status.PUBLISHED)

    def gone(self):
        """Withdrawn or retracted after publication: public notices, and OAI deletions."""
        return self.filter(status__in=Article.GONE_STATUSES, published_at__lte=timezone.now())

    # The listings readers follow: the same rows for a page, its feed and its facet.
    def in_theme(self, theme):
        return self.filter(
            pk__in=TaggedTopic.objects.filter(tag__theme=theme).values("content_object")
        )

    def in_topic(self, topic):
        return self.filter(pk__in=TaggedTopic.objects.filter(tag=topic).values("content_object"))

    def by_author(self, author):
        return self.filter(authors=author)

    def by_institution(self, institution):
        """Articles by people who belonged to the institution when the article came out."""
        bylines = Authorship.objects.filter(
            held_at_publication(),
            role=Authorship.Role.AUTHOR,
            author__affiliations__institution=institution,
        )
        return self.filter(pk__in=bylines.values("article"))

    def in_series(self, series):
        return self.filter(series=series)

    def with_topics(self):
        """Prefetch topics with their themes in one query (see `Article.topic_list`)."""
        return self.prefetch_related(
            models.Prefetch("topic_links", TaggedTopic.objects.select_related("tag__theme"))
        )

    def for_cards(self, *also):
        """Cards (cards.py): the columns a card shows (and `also`) with its authors' names.
        The bodies (600 kB for twenty results) and the columns no card shows are left."""
        cards = self.only(*CARD_FIELDS, *also)
        cards._iterable_class = CardIterable  # plain values (cards.py), not ninety models
        return cards

    def for_feeds(self):
        """What a feed item shows: the HTML body, the dates, and its authors' and topics'
        names. A feed of fifty items built about 740 model instances, with every author's
        bio and every topic's and theme's description."""
        return self.only(*FEED_FIELDS).prefetch_related(
            bylines_naming("honorific", "name"),
            models.Prefetch(
                "topic_links",
                TaggedTopic.objects.select_related("tag").only("content_object", "tag__name"),
            ),
        )

    def with_bylines(self):
        """Prefetch authors in byline order, so a list shows bylines in fixed queries."""
        return self.select_related("article_type", "series").prefetch_related(
            models.Prefetch("authorships", queryset=in_byline_order())
        )


def in_byline_order():
    """Bylines with their authors, in the order they are printed."""
    return Authorship.objects.select_related("author").order_by("position", "pk")


def bylines_naming(*author_fields):
    """The bylines' prefetch for a list that shows only these fields of each author."""
    names = in_byline_order().only(
        "article", "position", "role", *(f"author__{field}" for field in author_fields)
    )
    return models.Prefetch("authorships", names)


class Article(PlainTextMixin, models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        REVIEW = "review", "In review"
        PUBLISHED = "published", "Published"
        WITHDRAWN = "withdrawn", "Withdrawn"
        RETRACTED = "retracted", "Retracted"

    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=300, unique=True)
    deck = models.CharField(
        max_length=400, blank=True, help_text="The standfirst shown under the title."
    )
    summary = models.TextField(blank=True, help_text="Plain text for listings, feeds and search.")
    body = models.TextField(blank=True, help_text="Markdown. Raw HTML is sanitised.")
    body_html = models.TextField(editable=False, blank=True)
    reading_time = models.PositiveSmallIntegerField(
        editable=False, default=0, help_text="Minutes, derived from the body."
    )
    article_type = models.ForeignKey(
        ArticleType, on_delete=models.PROTECT, related_name="articles", verbose_name="type"
    )
    series = models.ForeignKey(
        Series, null=True, blank=True, on_delete=models.SET_NULL, related_name="articles"
    )
    status = models.CharField(max_length=10, choices=Status, default=Status.DRAFT, db_index=True)
    published_at = models.DateTimeField(
        "publication date",
        null=True,
        blank=True,
        db_index=True,
        help_text="A future time schedules the article; it appears by itself at that time.",
    )
    updated_at = models.DateTimeField(
        "last updated",
        null=True,
        blank=True,
        help_text="Shown to readers when the article changed in substance after publication.",
    )
    language = models.CharField(max_length=10, choices=settings.LANGUAGES, default="en")
    source_url = models.URLField("source URL", blank=True, max_length=500)
    authors = models.ManyToManyField(Author, through="Authorship", related_name="articles")
    topics = TaggableManager(through=TaggedTopic, blank=True, verbose_name="topics")
    regions = models.ManyToManyField(Region, blank=True, related_name="articles")
    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True)
    notice = models.TextField(
        "public notice",
        blank=True,
        help_text="For a withdrawn or retracted article: why. Shown at its URL instead of the "
        "text.",
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Optimistic locking: renewed on every save, so a form opened before someone else's
    # save no longer matches and is refused. Random rather than a counter, so no two
    # versions of an article ever share one.
    version = models.UUIDField(default=uuid.uuid4, editable=False)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = [models.F("published_at").desc(nulls_last=True), "-pk"]
        permissions = [("publish_article", "Can publish and unpublish articles")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["draft", "review"]) | Q(published_at__isnull=False),
                name="article_published_has_date",
                violation_error_message="A published, withdrawn or retracted article needs a "
                "publication date.",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "published_at"], name="article_visible_idx"),
            # Feed freshness (max modified, max published, count) from the index alone.
            models.Index(
                fields=["status", "published_at", "modified_at"], name="article_freshness_idx"
            ),
            # The search index's build lists published articles' ids from this index alone
            # (on PostgreSQL an index-only scan; SQLite's indexes hold the id anyway).
            # The id is not a key: sorted by it, the index would satisfy the archive's
            # ordering, and SQLite without statistics would then drive an author's
            # page from all articles instead of from the author's bylines.
            models.Index(
                fields=["status", "published_at", "id", "article_type", "series"],
                name="article_facets_idx",
            ),
            # A series' previous and next articles.
            models.Index(fields=["series", "published_at"], name="article_series_date_idx"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.body_html = render_markdown(self.body)
        self.reading_time = reading_time_minutes(self.body)
        if not kwargs.get("update_fields"):
            self.version = uuid.uuid4()
        if self.status in self.GONE_STATUSES and self.withdrawn_at is None:
            self.withdrawn_at = timezone.now()
        elif self.status not in self.GONE_STATUSES:
            self.withdrawn_at = None
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "body" in update_fields:
            kwargs["update_fields"] = {*update_fields, "body_html", "reading_time"}
        super().save(*args, **kwargs)
        self._remember_old_slug()

    def get_absolute_url(self):
        return slug_url("archive:article", self.slug)

    @classmethod
    def from_db(cls, db, field_names, values):
        article = super().from_db(db, field_names, values)
        article._saved_slug = article.__dict__.get("slug")
        return article

    def _remember_old_slug(self):
        """Keep old links alive: a changed slug leaves a redirect behind."""
        old = getattr(self, "_saved_slug", None)
        if old and old != self.slug:
            ArticleRedirect.objects.update_or_create(old_slug=old, defaults={"article": self})
        ArticleRedirect.objects.filter(old_slug=self.slug).delete()
        self._saved_slug = self.slug

    @property
    def is_published(self):
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def is_scheduled(self):
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at > timezone.now()
        )

    GONE_STATUSES = ("withdrawn", "retracted")

    @property
    def is_gone(self):
        """Withdrawn or retracted after publication: its URL shows the public notice."""
        return (
            self.status in self.GONE_STATUSES
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    def refresh_updated_at(self):
        """The public "updated" date follows the latest correction."""
        latest = self.corrections.aggregate(latest=models.Max("published_on"))["latest"]
        if latest and (self.updated_at is None or latest > self.updated_at):
            Article.objects.filter(pk=self.pk).update(updated_at=latest)
            self.updated_at = latest

    @property
    def state_label(self):
        """The status an editor thinks in: "Scheduled" is published-in-the-future."""
        return "Scheduled" if self.is_scheduled else self.get_status_display()

    def renumber_authorships(self):
        """Close gaps and ties in byline positions (1, 2, 3...) keeping their order."""
        for position, authorship in enumerate(self.authorships.order_by("position", "pk"), 1):
            if authorship.position != position:
                authorship.position = position
                authorship.save(update_fields=["position"])

    def series_neighbours(self):
        """The (previous, next) published articles in this one's series, in one query.

        None for either end, and no query at all for an article in no series.
        """
        if not self.series_id or self.published_at is None:
            return None, None
        when = self.published_at
        siblings = (
            Article.objects.published()
            .filter(series=self.series_id)
            .only("slug", "title", "published_at", "series")
        )
        earlier = siblings.filter(published_at__lt=when).order_by("-published_at", "-pk")
        later = siblings.filter(published_at__gt=when).order_by("published_at", "pk")
        nearest = [models.Subquery(q.values("pk")[:1]) for q in (earlier, later)]
        found = list(siblings.filter(pk__in=nearest))
        previous = next((a for a in found if a.published_at < when), None)
        following = next((a for a in found if a.published_at > when), None)
        return previous, following

    def topic_list(self):
        """Topics with their themes, from `prefetch_related("topic_links__tag__theme")`.

        taggit's manager cannot take a custom prefetch queryset, so pages that
        show topics prefetch the links instead.
        """
        return sorted((link.tag for link in self.topic_links.all()), key=lambda t: t.name.lower())

    def byline(self):
        """Authorships in byline order; uses the prefetch from `with_bylines()`."""
        return [a for a in self.authorships.all() if a.role == Authorship.Role.AUTHOR]

    def byline_names(self):
        return [authorship.author.display_name for authorship in self.byline()]


class Authorship(models.Model):
    """An author's place on one article's byline: ordered, with a role."""

    class Role(models.TextChoices):
        AUTHOR = "author", "Author"
        EDITOR = "editor", "Editor"
        CONTRIBUTOR = "contributor", "Contributor"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="authorships")
    author = models.ForeignKey(Author, on_delete=models.PROTECT, related_name="authorships")
    position = models.PositiveSmallIntegerField(default=1)
    role = models.CharField(max_length=12, choices=Role, default=Role.AUTHOR)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "author"],
                name="one_authorship_per_author_per_article",
                violation_error_message="This author is already on the article's byline.",
            ),
        ]

    def __str__(self):
        return f"{self.author} on “{self.article}” (#{self.position})"

    def affiliations_at_publication(self):
        """The affiliations the author held when the article came out.

        Works on prefetched affiliations so a byline costs no extra query per author.
        """
        affiliations = self.author.affiliations.all()
        if self.article.published_at is None:
            return [a for a in affiliations if a.is_current]
        year = self.article.published_at.year
        return [a for a in affiliations if a.was_held_in(year)]


class ArticleRedirect(models.Model):
    """An article's former slug, answered with a 301 to where it lives now."""

    old_slug = models.SlugField(max_length=300, unique=True)
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="redirects")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"/articles/{self.old_slug}/ → {self.article.slug}"


class Correction(PlainTextMixin, models.Model):
    """A dated note of what changed after publication, shown at the end of the article."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="corrections")
    published_on = models.DateTimeField("date", default=timezone.now)
    text = models.TextField(help_text="What was wrong and what it now says.")

    class Meta:
        ordering = ["published_on", "pk"]

    def __str__(self):
        return f"Correction to “{self.article}” on {self.published_on:%Y-%m-%d}"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self.article.refresh_updated_at()


class ContentVersion(models.Model):
    """One row whose token is renewed by every change to the archive.

    Read and renewed only through freshness.py: every worker's page cache, feeds and
    facet labels key on it, so reading it tells any process whether a save anywhere
    has made its copy stale. A token rather than a counter: a rolled-back change must
    never leave a version that a page or an index built inside it could still claim.
    """

    token = models.UUIDField(default=uuid.uuid4)
    changed_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return str(self.token)

    @classmethod
    def current(cls, using="default"):
        return cls.objects.using(using).order_by("pk").values_list("token", flat=True).first()

    @classmethod
    def renew(cls, using="default"):
        if not cls.objects.using(using).update(token=uuid.uuid4(), changed_at=timezone.now()):
            cls.objects.using(using).create()


class SearchChange(models.Model):
    """An article whose search document must be read again: the change log that every
    server's index follows in order (archive/search_changes.py), so that a server with
    its own index directory catches up by itself."""

    article_id = models.BigIntegerField()  # not a key: the log outlives a deleted article
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self):
        return f"{self.pk}: article {self.article_id}"


class StoredCitations(models.Model):
    """An article's APA, Chicago and MLA entries, formatted when it is saved: citeproc-py
    takes about 17 ms an article, most of what a first view of it costs. The digest of the
    CSL record they were made from tells whether they still stand (outputs/citations.py)."""

    article = models.OneToOneField(
        Article, on_delete=models.CASCADE, primary_key=True, related_name="stored_citations"
    )
    digest = models.CharField(max_length=64)
    entries = models.JSONField()

    def __str__(self):
        return f"citations of article {self.article_id}"


register_revisions(Authorship)
register_revisions(TaggedTopic)
register_revisions(Correction)
# The version token is kept: a revert restores that revision's token, which only a form
# opened on exactly that content carries, so the revert form saves and no edit is lost.
register_revisions(Article, follow=["authorships", "topic_links", "corrections"])
