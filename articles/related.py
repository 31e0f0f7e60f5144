"""The "Further reading" listed under an article.

An editor's hand-picks (``Article.further_reading``) come first; the rest are
the site's own suggestions (``SuggestedReading``), chosen by ``choose`` and
stored as data when the piece is saved through the admin, published or
scheduled (``articles.workflow``), or retagged (``articles.signals``), so a
page read never scores anything. A piece published later enters an older
piece's suggestions when that one is chosen again: ``refresh_many``, run
daily by ``manage.py refresh_further_reading``.
"""

from collections.abc import Callable

from django.db import transaction
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from taggit.models import TaggedItem

from articles import page_tags
from articles.models import Article, ArticleQuerySet, SuggestedReading
from newsroom import page_cache

# Pieces shown under an article.
FURTHER_READING = 4
# Suggestions stored per piece: more than are shown, so one taken offline, or
# one an editor also picked, leaves its place to the next.
SUGGESTIONS = 2 * FURTHER_READING
# Choosing scores at most this many newest pieces per shared tag and for the series.
CANDIDATES_PER_SOURCE = 100
# Rows of ``refresh_many`` read and written per transaction.
BATCH = 500


def choose(article: Article, limit: int = SUGGESTIONS) -> list[int]:
    """The ids of the live pieces sharing most tags with ``article``, then
    those of its series, newest first.

    Only a bounded set is scored: the newest ``CANDIDATES_PER_SOURCE`` live
    pieces of each of the piece's tags and of its series (each an
    index-ordered ``LIMIT``), so a tag on a fifth of the archive costs the
    same as a rare one. One query for the tags and one for the choice.
    """
    tag_ids = list(
        TaggedItem.objects.filter(
            content_type__app_label="articles",
            content_type__model="article",
            object_id=article.pk,
        ).values_list("tag_id", flat=True)
    )
    newest = Article.objects.live().exclude(pk=article.pk).order_by("-published_at", "-pk")
    newest = newest.values("pk")
    slices = [newest.filter(tags__id=tag_id) for tag_id in tag_ids]
    if article.series_id:
        slices.append(newest.filter(series_id=article.series_id))
    if not slices:
        return []
    # Each LIMITed slice sits inside its own IN: compound statements may not
    # hold LIMIT directly on every backend (SQLite).
    sources = [
        Article.objects.filter(pk__in=s[:CANDIDATES_PER_SOURCE]).values("pk") for s in slices
    ]
    candidates = sources[0].union(*sources[1:], all=True) if len(sources) > 1 else sources[0]
    shared_tags = (
        TaggedItem.objects.filter(
            content_type__app_label="articles",
            content_type__model="article",
            object_id=OuterRef("pk"),
            tag_id__in=tag_ids,
        )
        .order_by()
        .values("object_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return list(
        Article.objects.live()
        .filter(pk__in=candidates)
        .annotate(
            shared=Coalesce(Subquery(shared_tags, output_field=IntegerField()), Value(0)),
            same_series=Case(
                When(series_id=article.series_id, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            ),
        )
        .order_by("-shared", "-same_series", "-published_at", "-pk")
        .values_list("pk", flat=True)[:limit]
    )


def stored(article: Article) -> list[int]:
    return list(article.suggestions.order_by("position").values_list("suggestion_id", flat=True))


@transaction.atomic
def refresh(article: Article) -> bool:
    """Choose ``article``'s suggestions again and store them; whether they changed."""
    # Two choosers of one piece at once (a publish and the daily command) take
    # turns, or the second one's rows would collide with the first one's.
    Article.objects.select_for_update().filter(pk=article.pk).exists()
    chosen = choose(article)
    if chosen == stored(article):
        return False
    article.suggestions.all().delete()
    SuggestedReading.objects.bulk_create(
        SuggestedReading(article=article, suggestion_id=pk, position=position)
        for position, pk in enumerate(chosen)
    )
    page_cache.drop(page_tags.of("article", article.pk))
    return True


def refresh_many(
    pieces: ArticleQuerySet,
    *,
    dry_run: bool = False,
    on_batch: Callable[[int, int], None] | None = None,
) -> tuple[int, int]:
    """Choose the suggestions of ``pieces`` again, a batch at a time; (looked at, changed).

    Reads ids by keyset in batches of ``BATCH`` (memory stays flat at any
    size of archive), each batch in its own transaction so a long run holds
    no lock for long. With ``dry_run`` nothing is written and ``changed``
    counts what would change. Each piece whose choice changed has its page
    dropped from the page cache (``refresh``).
    """
    seen = changed = 0
    last = 0
    pieces = pieces.order_by("pk")
    while True:
        batch = list(pieces.filter(pk__gt=last).only("pk", "series_id")[:BATCH])
        if not batch:
            break
        with transaction.atomic():
            for article in batch:
                if dry_run:
                    changed += choose(article) != stored(article)
                else:
                    changed += refresh(article)
        seen += len(batch)
        last = batch[-1].pk
        if on_batch is not None:
            on_batch(seen, changed)
    return seen, changed


def further_reading(article: Article, limit: int = FURTHER_READING) -> list:
    """What the page lists: live hand-picked pieces, then live suggestions, ``limit`` at most.

    One query, with each piece's series and lead photo (its card's authors
    are for the caller to prefetch), however many are stored.
    """
    picked = Article.further_reading.through.objects.filter(from_article_id=article.pk)
    suggested = SuggestedReading.objects.filter(article_id=article.pk)
    position = suggested.filter(suggestion_id=OuterRef("pk")).values("position")
    ids = picked.values("to_article_id").union(suggested.values("suggestion_id"), all=True)
    return list(
        Article.objects.live()
        .exclude(pk=article.pk)
        .filter(pk__in=ids)
        .annotate(
            picked=Exists(picked.filter(to_article_id=OuterRef("pk"))),
            position=Subquery(position),
        )
        .select_related("series", "lead_photo")
        .order_by(
            F("picked").desc(),
            F("position").asc(nulls_last=True),
            "-published_at",
            "-pk",
        )[:limit]
    )
