"""Keep derived state current when content changes: the search index, a piece's
"Further reading" suggestions and the public page cache (by tag, see
``articles.page_tags``).

Signals rather than a process module because every path that saves content
(admin, workflow, seed_demo, shell) must keep these in step, and none
changes what is stored about the content itself.
"""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver
from taggit.models import Tag, TaggedItem

from articles import page_tags, related
from articles.models import Article, ArticleAuthor, Correction, Photo, Program, Series
from articles.renditions import delete_files
from articles.search import update_search_vector
from authors.models import Author
from newsroom import page_cache


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


# --- The page cache: each change drops the tags of what it changes (articles.page_tags).

LISTED_STATE = ("status", "published_at", "series_id", "series__program_id")


def _drop(*tags: str) -> None:
    # Pages drawn from the whole site change with anything.
    page_cache.drop(*tags, *page_tags.BROAD)


@receiver(pre_save, sender=Article)
def _remember_listed_state(sender, instance, raw=False, **kwargs):
    """What decides which lists show the piece, as stored before this save."""
    if not raw and instance.pk is not None:
        instance._listed_before = (
            Article.objects.filter(pk=instance.pk).values_list(*LISTED_STATE).first()
        )


def _listing_tags(article: Article, *states) -> list[str]:
    """The lists a piece in any of ``states`` (``LISTED_STATE`` rows) was or is on."""
    tags = [page_tags.LATEST]
    for _status, _published_at, series_id, program_id in states:
        if series_id:
            tags.append(page_tags.pieces_of("series", series_id))
        if program_id:
            tags.append(page_tags.pieces_of("program", program_id))
    authors = ArticleAuthor.objects.filter(article_id=article.pk).values_list(
        "author_id", flat=True
    )
    tags += [page_tags.pieces_of("author", pk) for pk in authors]
    tags += [page_tags.pieces_of("tag", pk) for pk in article.tags.values_list("pk", flat=True)]
    return tags


@receiver(post_save, sender=Article)
def _article_saved(sender, instance, raw=False, **kwargs):
    """A piece's page and cards change with any save; the lists it is on only
    when it enters or leaves them (published, scheduled, taken down, moved)."""
    if raw:
        return
    before = getattr(instance, "_listed_before", None)
    program_id = instance.series.program_id if instance.series_id else None
    after = (instance.status, instance.published_at, instance.series_id, program_id)
    published = Article.Status.PUBLISHED
    tags = [page_tags.of("article", instance.pk)]
    if before != after and published in (after[0], before and before[0]):
        tags += _listing_tags(instance, *filter(None, (before, after)))
    _drop(*tags)


@receiver(post_delete, sender=Article)
def _article_deleted(sender, instance, **kwargs):
    program_id = instance.series.program_id if instance.series_id else None
    state = (instance.status, instance.published_at, instance.series_id, program_id)
    _drop(page_tags.of("article", instance.pk), *_listing_tags(instance, state))


@receiver([post_save, post_delete], sender=ArticleAuthor)
def _byline_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        _drop(
            page_tags.of("article", instance.article_id),
            page_tags.pieces_of("author", instance.author_id),
        )


@receiver([post_save, post_delete], sender=Correction)
def _correction_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        _drop(page_tags.of("article", instance.article_id))


@receiver([post_save, post_delete], sender=Photo)
def _photo_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        _drop(page_tags.of("photo", instance.pk))


@receiver([post_save, post_delete], sender=Series)
def _series_changed(sender, instance, raw=False, **kwargs):
    # A program's page lists its series.
    if not raw:
        _drop(page_tags.of("series", instance.pk), page_tags.of("program", instance.program_id))


@receiver([post_save, post_delete], sender=Program)
@receiver([post_save, post_delete], sender=Author)
@receiver([post_save, post_delete], sender=Tag)
def _shown_object_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        _drop(page_tags.of(sender._meta.model_name, instance.pk))


@receiver(post_delete, sender=TaggedItem)
def _tagging_deleted(sender, instance, **kwargs):
    # Deleting a tag or a piece deletes its taggings row by row.
    _drop(page_tags.of("article", instance.object_id), page_tags.pieces_of("tag", instance.tag_id))


@receiver(m2m_changed, sender=TaggedItem)
def _retagged(sender, instance, action, pk_set, **kwargs):
    if not isinstance(instance, Article):
        return
    if action == "pre_clear":
        pk_set = set(instance.tags.values_list("pk", flat=True))
    elif action not in {"post_add", "post_remove"}:
        return
    _drop(
        page_tags.of("article", instance.pk),
        *(page_tags.pieces_of("tag", pk) for pk in pk_set or ()),
    )


@receiver(m2m_changed, sender=Article.further_reading.through)
def _hand_picked(sender, instance, action, pk_set, **kwargs):
    if action.startswith("post_"):
        pages = [instance.pk] if isinstance(instance, Article) else []
        if kwargs.get("reverse"):
            pages = list(pk_set or ())
        _drop(*(page_tags.of("article", pk) for pk in pages))


@receiver(m2m_changed, sender=Program.experts.through)
def _experts_changed(sender, instance, action, pk_set, reverse, **kwargs):
    """A program's experts show on the program's page and on each expert's."""
    if action == "pre_clear":
        related = (instance.programs if reverse else instance.experts).values_list("pk", flat=True)
        pk_set = set(related)
    elif action not in {"post_add", "post_remove"}:
        return
    if reverse:  # instance is an author, pk_set programs
        tags = [
            page_tags.of("author", instance.pk),
            *(page_tags.of("program", pk) for pk in pk_set),
        ]
    else:
        tags = [
            page_tags.of("program", instance.pk),
            *(page_tags.of("author", pk) for pk in pk_set),
        ]
    _drop(*tags)
