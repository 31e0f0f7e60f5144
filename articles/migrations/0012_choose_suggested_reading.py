"""Choose the "Further reading" suggestions of every live or scheduled piece.

The rule of ``articles.related.choose`` as it stood when suggestions became
stored data, written against this migration's models (a migration must not
run today's code on yesterday's tables). Pieces are read by keyset in batches
and their suggestions written a batch at a time, so memory stays flat however
large the archive.
"""

from django.db import migrations
from django.db.models import Case, Count, IntegerField, OuterRef, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

SUGGESTIONS = 8
CANDIDATES_PER_SOURCE = 100
BATCH = 500


def choose(Article, TaggedItem, article, now):
    live = Article.objects.filter(status="published", published_at__lte=now)
    tagged = TaggedItem.objects.filter(
        content_type__app_label="articles", content_type__model="article"
    )
    tag_ids = list(tagged.filter(object_id=article.pk).values_list("tag_id", flat=True))
    newest = live.exclude(pk=article.pk).order_by("-published_at", "-pk").values("pk")
    slices = [
        newest.filter(pk__in=tagged.filter(tag_id=tag_id).values("object_id")) for tag_id in tag_ids
    ]
    if article.series_id:
        slices.append(newest.filter(series_id=article.series_id))
    if not slices:
        return []
    sources = [
        Article.objects.filter(pk__in=s[:CANDIDATES_PER_SOURCE]).values("pk") for s in slices
    ]
    candidates = sources[0].union(*sources[1:], all=True) if len(sources) > 1 else sources[0]
    shared_tags = (
        tagged.filter(object_id=OuterRef("pk"), tag_id__in=tag_ids)
        .order_by()
        .values("object_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return list(
        live.filter(pk__in=candidates)
        .annotate(
            shared=Coalesce(Subquery(shared_tags, output_field=IntegerField()), Value(0)),
            same_series=Case(
                When(series_id=article.series_id, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            ),
        )
        .order_by("-shared", "-same_series", "-published_at", "-pk")
        .values_list("pk", flat=True)[:SUGGESTIONS]
    )


def choose_all(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    SuggestedReading = apps.get_model("articles", "SuggestedReading")
    TaggedItem = apps.get_model("taggit", "TaggedItem")
    now = timezone.now()
    pieces = Article.objects.filter(status="published").order_by("pk").only("pk", "series_id")
    last = 0
    while batch := list(pieces.filter(pk__gt=last)[:BATCH]):
        rows = [
            SuggestedReading(article_id=article.pk, suggestion_id=pk, position=position)
            for article in batch
            for position, pk in enumerate(choose(Article, TaggedItem, article, now))
        ]
        SuggestedReading.objects.bulk_create(rows, ignore_conflicts=True)
        last = batch[-1].pk


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0011_suggested_reading"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(choose_all, migrations.RunPython.noop)]
