"""Keep the search index current on every save: nobody has to remember a command.

An article's indexed text includes its authors' names and its topics, so
changes to those re-index the articles that carry them.
"""

from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save
from django.dispatch import receiver

from authors.models import Author

from .models import Article, Authorship, TaggedTopic, Topic
from .search.engine import index_articles, prune_index, remove_articles


@receiver(post_save, sender=Article)
def index_saved_article(sender, instance, using, **kwargs):
    index_articles([instance.pk], using=using)


@receiver(post_delete, sender=Article)
def unindex_deleted_article(sender, instance, using, **kwargs):
    remove_articles([instance.pk], using=using)


@receiver(post_save, sender=Authorship)
@receiver(post_delete, sender=Authorship)
def reindex_byline(sender, instance, using, **kwargs):
    if Article.objects.using(using).filter(pk=instance.article_id).exists():
        index_articles([instance.article_id], using=using)


@receiver(post_save, sender=TaggedTopic)
@receiver(post_delete, sender=TaggedTopic)
def reindex_tagged_article(sender, instance, using, **kwargs):
    if Article.objects.using(using).filter(pk=instance.content_object_id).exists():
        index_articles([instance.content_object_id], using=using)


@receiver(m2m_changed, sender=TaggedTopic)
def reindex_retagged_article(sender, instance, action, using, **kwargs):
    """taggit's add/remove/clear announce themselves here (clear bulk-deletes)."""
    if action in {"post_add", "post_remove", "post_clear"} and isinstance(instance, Article):
        index_articles([instance.pk], using=using)


@receiver(post_save, sender=Author)
def reindex_authors_articles(sender, instance, using, raw, **kwargs):
    if not raw:
        ids = Authorship.objects.using(using).filter(author=instance).values_list("article_id")
        index_articles([pk for (pk,) in ids], using=using)


@receiver(post_save, sender=Topic)
def reindex_topics_articles(sender, instance, using, raw, **kwargs):
    if not raw:
        ids = TaggedTopic.objects.using(using).filter(tag=instance).values_list("content_object")
        index_articles([pk for (pk,) in ids], using=using)


@receiver(post_migrate)
def prune_search_index(sender, using, **kwargs):
    """`flush` (run between transactional tests too) empties tables without signals."""
    if sender.name == "archive":
        prune_index(using=using)
