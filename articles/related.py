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
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import (
    Case,
    Count,
    IntegerField,
    OuterRef,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
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


@dataclass(frozen=True)
class Further:
    """What an article page's "Further reading" shows, and what could change it."""

    pieces: list  # live, in order, ``FURTHER_READING`` at most
    waiting: list[int]  # candidates not live now: publishing one may add it
    next_go_live: datetime | None  # when a scheduled candidate goes live


def further_reading(article: Article, limit: int = FURTHER_READING) -> Further:
    """Hand-picked pieces (newest first), then stored suggestions (in order), live ones only.

    Two plain queries: the candidates' ids with their rank, then those pieces
    with their series and lead photo, whatever their state (the caller
    prefetches the cards' authors). Picks and stored suggestions are bounded,
    so every candidate is read, and those not live are reported too.
    """
    picked = Article.further_reading.through.objects.filter(from_article_id=article.pk)
    suggested = SuggestedReading.objects.filter(article_id=article.pk).order_by()
    ranked = picked.values_list("to_article_id", Value(-1)).union(
        suggested.values_list("suggestion_id", "position"), all=True
    )
    rank: dict[int, int] = {}
    for pk, position in ranked:
        if pk != article.pk:
            rank[pk] = min(position, rank.get(pk, position))  # a pick outranks a suggestion
    candidates = Article.objects.filter(pk__in=rank).select_related("series", "lead_photo")
    now = timezone.now()
    live, waiting = [], []
    for piece in candidates.defer("body"):
        is_live = piece.status == Article.Status.PUBLISHED and piece.published_at <= now
        (live if is_live else waiting).append(piece)
    live.sort(key=lambda p: (rank[p.pk], -p.published_at.timestamp(), -p.pk))
    scheduled = [p.published_at for p in waiting if p.status == Article.Status.PUBLISHED]
    return Further(
        pieces=live[:limit],
        waiting=[p.pk for p in waiting],
        next_go_live=min(scheduled, default=None),
    )
