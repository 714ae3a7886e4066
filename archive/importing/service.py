"""The import service: `import_dumps` saves parsed dumps, every file or none.

Rules that are guesses rather than facts, so that editors know what to check:

- The article type is inferred: a series item with no named author is an "Explainer";
  a named author with an author note is a "Viewpoint"; anything else gets `--type` or
  settings.ARCHIVE_IMPORT_DEFAULT_TYPE ("analysis").
- Re-importing finds the article by its slug, made from the repaired title, so the same
  dump always updates the same article. An article whose slug an editor has changed is
  no longer found, and a re-import creates a new one.
- On re-import the dump wins for what it states (title, body, date, byline, type,
  series); topics and regions are only added to, never removed, since editors prune
  suggestions; and the status is kept unless --publish, so a re-import never unpublishes.
"""

from dataclasses import dataclass, field

import reversion
from django.conf import settings
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.text import slugify

from archive import publishing
from archive.models import Article, ArticleType, Authorship, Series
from authors.models import Affiliation, Author, Institution

from .decode import decode_dump
from .errors import DumpError, Problem
from .institutions import match_institution
from .parse import parse_dump
from .parsed import ParsedArticle
from .vocabulary import Vocabulary


def _unique_slug(model, base, max_length=200):
    base = (base or "item")[:max_length]
    slug, number = base, 2
    while model.objects.filter(slug=slug).exists():
        suffix = f"-{number}"
        slug = base[: max_length - len(suffix)] + suffix
        number += 1
    return slug


@dataclass
class ImportResult:
    parsed: ParsedArticle
    article: Article
    action: str
    article_type: ArticleType
    type_reason: str
    series: Series | None = None
    series_note: str = ""
    authors: list = field(default_factory=list)
    affiliations: list = field(default_factory=list)
    topics: list = field(default_factory=list)
    themes: list = field(default_factory=list)
    regions: list = field(default_factory=list)


class ImportRun:
    """One run: options, the vocabulary and the institutions, shared across its files."""

    def __init__(self, *, publish, series_slug, type_slug, user=None, left_out=None):
        self.publish = publish
        self.user = user
        self.left_out = left_out or {}
        self.vocabulary = Vocabulary()
        self.institutions = list(Institution.objects.all())
        self.forced_series = self._lookup(Series, series_slug, "--series") if series_slug else None
        self.forced_type = self._lookup(ArticleType, type_slug, "--type") if type_slug else None

    @staticmethod
    def _lookup(model, value, option):
        found = model.objects.filter(Q(slug=value) | Q(name__iexact=value)).first()
        if found is None:
            label = model._meta.verbose_name
            raise DumpError.at(option, None, f"no {label} with the slug or name “{value}”")
        return found

    def _article_type(self, parsed):
        if self.forced_type:
            return self.forced_type, "from --type"
        name, reason = parsed.inferred_type()
        if name:
            found = ArticleType.objects.filter(Q(name__iexact=name) | Q(slug=slugify(name))).first()
            if found:
                return found, f"inferred: {reason}"
            reason = f"no “{name}” type in the archive"
        default = getattr(settings, "ARCHIVE_IMPORT_DEFAULT_TYPE", "analysis")
        found = ArticleType.objects.filter(Q(slug=default) | Q(name__iexact=default)).first()
        if found is None:
            raise DumpError.at(
                parsed.source,
                parsed.title_line,
                f"cannot choose an article type ({reason}, and no default type “{default}”): "
                "pass --type with one of the archive's types, or add the type in the admin "
                "(Archive → Article types)",
            )
        return found, f"default ({reason})"

    def _series(self, parsed):
        if self.forced_series:
            return self.forced_series, "from --series"
        if parsed.series:
            name = parsed.series.name
            found = Series.objects.filter(Q(name__iexact=name) | Q(slug=slugify(name))).first()
            if found:
                return found, "existing"
            series = Series.objects.create(
                name=name,
                slug=_unique_slug(Series, slugify(name)),
                description=parsed.series.description,
            )
            return series, "new"
        if parsed.kicker:
            found = Series.objects.filter(name__iexact=parsed.kicker).first()
            if found:
                return found, "existing, from the category line"
        return None, ""

    def _author(self, parsed_author):
        slug = slugify(parsed_author.name)
        author = Author.objects.filter(Q(slug=slug) | Q(name__iexact=parsed_author.name)).first()
        if author is None:
            author = Author.objects.create(
                honorific=parsed_author.honorific,
                name=parsed_author.name,
                slug=_unique_slug(Author, slug),
            )
            return author, "new"
        if parsed_author.honorific and not author.honorific:
            author.honorific = parsed_author.honorific
            author.save(update_fields=["honorific"])
            return author, "existing, honorific added"
        return author, "existing"

    def _institution(self, parsed):
        institution = match_institution(parsed, self.institutions)
        if institution:
            return institution, "existing"
        institution = Institution.objects.create(
            name=parsed.institution[:200],
            short_name=parsed.short_name,
            slug=_unique_slug(Institution, slugify(parsed.institution)),
            city=parsed.city,
            country=parsed.country,
        )
        self.institutions.append(institution)
        return institution, "new"

    def _affiliation(self, author, parsed, source):
        institution, institution_note = self._institution(parsed)
        affiliation = author.affiliations.filter(
            institution=institution, role__iexact=parsed.role
        ).first()
        status = "existing"
        if affiliation is None:
            affiliation = Affiliation(author=author, institution=institution, role=parsed.role)
            status = "new"
        for name in ["department", "start_year", "end_year"]:
            if getattr(affiliation, name) in ("", None) and getattr(parsed, name) not in ("", None):
                setattr(affiliation, name, getattr(parsed, name))
                status = "updated" if status == "existing" else status
        try:
            affiliation.full_clean()
        except ValidationError as error:
            raise DumpError.at(source, None, f"affiliation “{affiliation}”: {error}") from error
        if status != "existing":
            affiliation.save()
        return affiliation, status, institution_note

    def save(self, parsed):
        """Save one dump as one revision, logged under the user, so an editor can revert it."""
        with reversion.create_revision(atomic=False):
            result = self._save(parsed)
            comment = f"{result.action.capitalize()} by the importer from {parsed.source}."
            reversion.set_comment(comment)
            if self.user is not None:
                reversion.set_user(self.user)
        if self.user is not None:
            flag = ADDITION if result.action == "created" else CHANGE
            LogEntry.objects.log_actions(
                self.user.pk,
                [result.article],
                flag,
                change_message=comment,
                single_object=True,
            )
        return result

    def _save(self, parsed):
        article_type, type_reason = self._article_type(parsed)
        series, series_note = self._series(parsed)
        article, action = self._save_article(parsed, article_type, series)
        result = ImportResult(parsed, article, action, article_type, type_reason)
        result.series, result.series_note = series, series_note
        authors = self._save_byline(article, parsed, result)
        for position, parsed_affiliation in enumerate(parsed.affiliations):
            if position in self.left_out.get(parsed.source, ()):
                continue
            author = authors[parsed_affiliation.author_index]
            result.affiliations.append(self._affiliation(author, parsed_affiliation, parsed.source))
        topics, themes, regions = self.vocabulary.suggest(f"{parsed.title}\n{parsed.plain_text}")
        if action == "created":
            article.topics.set(topics)
            article.regions.set(regions)
        else:
            article.topics.add(*topics)
            article.regions.add(*regions)
        result.topics, result.themes, result.regions = topics, themes, regions
        return result

    def _save_article(self, parsed, article_type, series):
        article = (
            Article.objects.filter(slug=parsed.slug).first()
            or Article.objects.filter(redirects__old_slug=parsed.slug).first()
        )
        action = "updated" if article else "created"
        check_may_import(self.user, parsed, article, publish=self.publish)
        if article is None:
            article = Article(slug=parsed.slug, status=Article.Status.DRAFT, created_by=self.user)
        article.title = parsed.title
        article.body = parsed.body
        article.article_type = article_type
        article.series = series or article.series
        if parsed.deck:
            article.deck = parsed.deck[:400]
        if parsed.published_at:
            article.published_at = parsed.published_at
        if self.publish:
            if article.published_at is None:
                raise DumpError.at(
                    parsed.source, parsed.title_line, "no date found: cannot --publish"
                )
            article.status = Article.Status.PUBLISHED
        try:
            article.full_clean()
        except ValidationError as error:
            messages_ = "; ".join(f"{k}: {' '.join(v)}" for k, v in error.message_dict.items())
            raise DumpError.at(parsed.source, parsed.title_line, messages_) from error
        article.save()
        return article, action

    def _save_byline(self, article, parsed, result):
        authors = []
        for parsed_author in parsed.authors:
            author, note = self._author(parsed_author)
            authors.append(author)
            result.authors.append((author, note))
        for position, author in enumerate(authors, 1):
            Authorship.objects.update_or_create(
                article=article,
                author=author,
                defaults={"position": position, "role": Authorship.Role.AUTHOR},
            )
        article.authorships.filter(role=Authorship.Role.AUTHOR).exclude(author__in=authors).delete()
        article.renumber_authorships()
        return authors


def check_may_import(user, parsed, article, *, publish):
    """Refuse, naming the file, an import the user could not make in the change form.

    A contributor may create drafts and update their own drafts; changing anyone else's
    article, or a published one, or publishing, is an editor's decision.
    """
    if user is None:
        return
    if publish and not publishing.can_publish(user):
        reason = "only an editor may publish"
    elif article is None and not publishing.may(user, "add"):
        reason = "you may not add articles"
    elif article is not None and not publishing.can_change_article(user, article):
        state = article.get_status_display().lower()
        reason = (
            f"it would update “{article.title}” ({state}), which you may not change: "
            "ask an editor to import it"
        )
    else:
        return
    raise DumpError.at(parsed.source, parsed.title_line, f"not imported: {reason}")


def parse_documents(documents):
    """Parse every document first, so one bad file stops the run before anything is saved."""
    parsed, problems, slugs = [], [], {}
    for document in documents:
        try:
            article = parse_dump(decode_dump(document.data, document.source), document.source)
        except DumpError as error:
            problems.extend(error.problems)
            continue
        if article.slug in slugs:
            message = f"same title as {slugs[article.slug]}: “{article.title}”"
            problems.append(Problem(document.source, article.title_line, message))
            continue
        slugs[article.slug] = document.source
        parsed.append(article)
    if problems:
        raise DumpError(problems)
    return parsed


def import_dumps(
    *,
    documents,
    publish=False,
    series_slug="",
    type_slug="",
    dry_run=False,
    user=None,
    left_out_affiliations=None,
):
    """Parse and save every document in one transaction; a dry run rolls it back.

    A dry run goes through exactly the same saving code, so what it reports (new or
    existing authors, created or updated articles, refusals) is what a real run would do.
    `user` is who acts: the permission table decides what they may create or update, and
    history records them. The command passes none: whoever runs it administers the site.
    `left_out_affiliations` ({source: {position in the note's affiliations}}) are the ones
    an editor unticked in the preview.
    """
    parsed = parse_documents(documents)
    with transaction.atomic():
        importer = ImportRun(
            publish=publish,
            series_slug=series_slug,
            type_slug=type_slug,
            user=user,
            left_out=left_out_affiliations,
        )
        results = [importer.save(article) for article in parsed]
        if dry_run:
            transaction.set_rollback(True)
    return results
