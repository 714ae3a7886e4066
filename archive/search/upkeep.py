"""Keep the search engine's index current: each change re-reads the articles it touches.

Each change is logged (changes.py) and this server's index applies the log when the
change's transaction commits, before the editor's request returns; articles touched
within one transaction are written in one index commit. An article readers must stop
seeing (unpublished, scheduled for later, withdrawn, retracted, deleted) is also taken
out of this server's index at once, inside the transaction: removing early never shows
anything hidden, and the re-read on commit puts back whatever the database still
publishes (after a rollback, at this process's next commit).
"""

import threading
from functools import partial

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.db.transaction import on_commit
from django.dispatch import receiver

from authors.models import Affiliation, Author

from ..models import Article, Authorship, TaggedTopic, Topic
from .changes import apply, record
from .index import current_generation, index_home, remove

_pending = threading.local()


def touch(article_ids, using="default"):
    """Log these articles as changed, and apply the log when the transaction commits (now,
    outside one): this server's index before the editor's request returns, the others'
    at their next search."""
    ids = {pk for pk in article_ids if pk is not None}
    if not ids:
        return
    record(ids, using)
    _pending.__dict__.setdefault(using, set()).update(ids)
    on_commit(partial(flush, using), using=using)


def flush(using="default"):
    """Apply the log, and read again what this process touched: a rolled-back transaction
    left no rows, but may have taken a published article out of this index."""
    pending = _pending.__dict__.pop(using, None)
    if pending:
        apply(using, also=pending)


@receiver(post_save, sender=Article)
def article_saved(sender, instance, using, **kwargs):
    indexed = current_generation(index_home(using)) is not None
    if indexed and not Article.objects.using(using).published().filter(pk=instance.pk).exists():
        remove([instance.pk], using)
    touch([instance.pk], using)


@receiver(post_delete, sender=Article)
def article_deleted(sender, instance, using, **kwargs):
    remove([instance.pk], using)
    touch([instance.pk], using)


@receiver(post_save, sender=Authorship)
@receiver(post_delete, sender=Authorship)
def byline_changed(sender, instance, using, **kwargs):
    touch([instance.article_id], using)


@receiver(post_save, sender=TaggedTopic)
@receiver(post_delete, sender=TaggedTopic)
def tagging_changed(sender, instance, using, **kwargs):
    touch([instance.content_object_id], using)


@receiver(m2m_changed, sender=TaggedTopic)
@receiver(m2m_changed, sender=Article.regions.through)
def links_changed(sender, instance, action, pk_set, using, **kwargs):
    """taggit's add/remove/clear and an article's regions, from either side."""
    if not action.startswith("post_"):
        return
    if isinstance(instance, Article):
        touch([instance.pk], using)
    elif pk_set:
        touch(pk_set, using)
    elif action == "post_clear":
        touch(_articles_of(sender, instance, using), using)


def _articles_of(through, instance, using):
    if through is TaggedTopic:
        return (
            TaggedTopic.objects.using(using)
            .filter(tag=instance)
            .values_list("content_object", flat=True)
        )
    return through.objects.using(using).filter(region=instance).values_list("article", flat=True)


@receiver(post_save, sender=Author)
def author_renamed(sender, instance, using, raw, **kwargs):
    if not raw:
        touch(_bylined(instance.pk, using), using)


@receiver(post_save, sender=Affiliation)
@receiver(post_delete, sender=Affiliation)
def affiliation_changed(sender, instance, using, raw=False, **kwargs):
    """An article's institutions are its authors' affiliations in its year."""
    if not raw:
        touch(_bylined(instance.author_id, using), using)


@receiver(post_save, sender=Topic)
def topic_changed(sender, instance, using, raw, **kwargs):
    """A topic's name and description are searched; its theme is a facet."""
    if not raw:
        tagged = TaggedTopic.objects.using(using).filter(tag=instance)
        touch(tagged.values_list("content_object", flat=True), using)


def _bylined(author_id, using):
    return (
        Authorship.objects.using(using).filter(author=author_id).values_list("article", flat=True)
    )
