"""Keep each published article's formatted citations beside it, made when it is saved.

Saving an article, its byline or its topics formats its citations once the transaction
commits, so the first reader of a new or edited article does not wait for citeproc-py.
Changes that reach an article's record from elsewhere (an author or a series renamed)
leave the stored entries behind: their digest no longer matches, and the page formats
the citations itself until the article is saved again or `format_citations` runs.
"""

import logging
import threading
from functools import partial

from django.db import DatabaseError
from django.db.models.signals import post_delete, post_save
from django.db.transaction import on_commit
from django.dispatch import receiver

from ..models import Article, Authorship, TaggedTopic
from .citations import for_storing, store_citations

logger = logging.getLogger(__name__)
_pending = threading.local()


@receiver(post_save, sender=Article)
def article_saved(sender, instance, using, raw=False, **kwargs):
    if not raw:
        store_on_commit(instance.pk, using)


@receiver(post_save, sender=Authorship)
@receiver(post_delete, sender=Authorship)
@receiver(post_save, sender=TaggedTopic)
@receiver(post_delete, sender=TaggedTopic)
def byline_or_topics_changed(sender, instance, using, raw=False, **kwargs):
    if not raw:
        store_on_commit(
            instance.article_id if sender is Authorship else instance.content_object_id, using
        )


def store_on_commit(article_id, using):
    _pending.__dict__.setdefault(using, set()).add(article_id)
    on_commit(partial(store_pending, using), using=using)


def store_pending(using="default"):
    """After the commit: a failure here loses nothing, the page formats them itself."""
    ids = _pending.__dict__.pop(using, set())
    if not ids:
        return
    articles = Article.objects.using(using).published_or_scheduled().filter(pk__in=ids)
    try:
        store_citations(for_storing(articles), using=using)
    except DatabaseError:
        logger.warning("Citations of articles %s not stored", sorted(ids), exc_info=True)
