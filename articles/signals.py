"""Keep derived state current when content changes: the search index, a piece's
"Further reading" suggestions and the public page cache.

Signals rather than a process module because every path that saves content
(admin, workflow, seed_demo, shell) must keep these in step, and none
changes what is stored about the content itself.
"""

from functools import partial

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from taggit.models import Tag, TaggedItem

from articles import related
from articles.models import Article, ArticleAuthor, Correction, Photo, Program, Series
from articles.renditions import delete_files
from articles.search import update_search_vector
from authors.models import Author
from newsroom import http_cache


@receiver(post_save, sender=Article)
def _index_article(sender, instance, raw=False, **kwargs):
    if not raw:
        update_search_vector(instance.pk)


@receiver(m2m_changed, sender=TaggedItem)
def _index_article_tags(sender, instance, action, **kwargs):
    if isinstance(instance, Article) and action in {"post_add", "post_remove", "post_clear"}:
        update_search_vector(instance.pk)


@receiver(m2m_changed, sender=TaggedItem)
def _choose_further_reading(sender, instance, action, **kwargs):
    # Whichever path retags a piece (admin, shell, seed_demo), its suggestions
    # follow its tags; a save through the admin or a publish chooses again too.
    if isinstance(instance, Article) and action in {"post_add", "post_remove", "post_clear"}:
        related.refresh(instance)


@receiver(post_delete, sender=Photo)
def _delete_photo_files(sender, instance, **kwargs):
    """A deleted photo's files go too, once the deletion is committed (a rolled-back
    delete keeps them). Photos in use cannot be deleted: articles protect them."""
    image_name, renditions = instance.image.name, instance.renditions
    storage = instance.image.storage
    transaction.on_commit(
        lambda: delete_files(image_name=image_name, renditions=renditions, storage=storage)
    )


def _content_changed(sender=None, **kwargs):
    # A piece's own edit changes only its version, which the stored parts of
    # its page are keyed by; anything else may show on many pieces' pages.
    drop = partial(http_cache.invalidate, parts=sender is not Article)
    # Now, so this request's own later reads see fresh pages; and again after
    # commit, because a reader may have cached the old page in between.
    drop()
    transaction.on_commit(drop)


for model in (
    Article,
    ArticleAuthor,
    Correction,
    Photo,
    Series,
    Program,
    Author,
    Tag,
    TaggedItem,
):
    post_save.connect(_content_changed, sender=model, dispatch_uid=f"public-cache-save-{model}")
    post_delete.connect(_content_changed, sender=model, dispatch_uid=f"public-cache-del-{model}")
for through in (Article.further_reading.through, Program.experts.through, TaggedItem):
    m2m_changed.connect(
        _content_changed, sender=through, dispatch_uid=f"public-cache-m2m-{through}"
    )


def next_go_live():
    """When the next scheduled piece goes live, so cached pages expire at that moment."""
    return (
        Article.objects.scheduled().order_by("published_at").values_list("published_at", flat=True)
    ).first()
