"""Versions of a piece: a JSON snapshot after every save, readable diffs, restore,
and what a form opened at an older version is merged against (articles/merging.py).

Why a small model of ours and not django-reversion / django-simple-history: what
an editor compares is the byline *in order*, the tag names and the lead photo,
which live in a through model and taggit's tables. Both libraries version rows
one model at a time, so the ordered byline and the tags would need following
and reassembling; a snapshot of exactly the fields a person reads is one row,
one query, and is restored by the same code that saves it.
"""

import difflib
import re
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.html import strip_tags

from articles import workflow
from articles.models import Article, ArticleAuthor, ArticleEvent, ArticleRevision, Photo, Series

FIELDS = [
    ("title", "title"),
    ("slug", "slug"),
    ("dek", "dek"),
    ("body", "body"),
    ("authors", "authors"),
    ("tags", "tags"),
    ("lead_photo", "lead photo"),
    ("lead_photo_caption", "caption"),
    ("series", "series"),
    ("further_reading", "further reading"),
    ("seo_description", "SEO description"),
    ("canonical_url", "canonical URL"),
]
LABELS = dict(FIELDS)


def labelled(obj) -> dict | None:
    """How a snapshot holds a chosen row: its id, and the name a person reads."""
    return {"id": obj.pk, "label": str(obj)} if obj is not None else None


def snapshot(article: Article) -> dict:
    """Every field the article form edits, as plain JSON.

    Snapshots saved before a field was added lack its key; readers treat a
    missing key as "unknown", never as empty.
    """
    links = ArticleAuthor.objects.filter(article=article).select_related("author")
    further = article.further_reading.order_by("pk").only("pk", "title")
    return {
        "title": article.title,
        "slug": article.slug,
        "dek": article.dek,
        "body": article.body,
        "authors": [{"id": link.author_id, "name": link.author.name} for link in links],
        "tags": sorted(article.tags.names()),
        "lead_photo": (
            {"id": article.lead_photo_id, "label": str(article.lead_photo)}
            if article.lead_photo_id
            else None
        ),
        "lead_photo_caption": article.lead_photo_caption,
        "series": (
            {"id": article.series_id, "label": str(article.series)} if article.series_id else None
        ),
        "further_reading": [labelled(piece) for piece in further],
        "seo_description": article.seo_description,
        "canonical_url": article.canonical_url,
    }


def save_revision(*, article: Article, by, note: str = "") -> ArticleRevision:
    """Bump the piece's version and keep what it now says. Call after authors and tags are saved."""
    Article.objects.filter(pk=article.pk).update(version=F("version") + 1)
    article.version = Article.objects.values_list("version", flat=True).get(pk=article.pk)
    return ArticleRevision.objects.create(
        article=article,
        number=article.version,
        created_by=by if by.is_authenticated else None,
        note=note,
        snapshot=snapshot(article),
    )


# -- reading the difference --------------------------------------------------


def as_lines(field: str, value) -> list[str]:
    """A field's value as the lines a person compares."""
    if value is None:
        return []
    if field == "body":
        # One line per paragraph or heading, without markup.
        blocks = re.split(r"</(?:p|h\d|li|blockquote)>", value)
        return [text for b in blocks if (text := " ".join(strip_tags(b).split()))]
    if field == "authors":
        return [f"{i}. {a['name']}" for i, a in enumerate(value, start=1)]
    if field == "tags":
        return list(value)
    if field == "further_reading":
        return [piece["label"] for piece in value]
    if isinstance(value, dict):
        return [value["label"]]
    return [str(value)] if str(value) else []


@dataclass
class FieldDiff:
    field: str
    label: str
    lines: list[tuple[str, str]]  # ("+" | "-" | " ", text)


def diff(old: dict, new: dict) -> list[FieldDiff]:
    """The fields that differ between two snapshots, each as removed / added / kept lines."""
    changes = []
    for field, label in FIELDS:
        before, after = as_lines(field, old.get(field)), as_lines(field, new.get(field))
        if before == after:
            continue
        lines = []
        for line in difflib.ndiff(before, after):
            if line[0] in "+- ":
                lines.append((line[0], line[2:]))
        changes.append(FieldDiff(field, label, lines))
    return changes


def changed_labels(old: dict, new: dict) -> list[str]:
    return [change.label for change in diff(old, new)]


# -- restore -----------------------------------------------------------------


@transaction.atomic
def restore(*, article: Article, by, revision: ArticleRevision) -> ArticleRevision:
    """Put an older version's words, byline, tags and photo back; that is itself a new version.

    The slug is kept: restoring text must not move a live URL.
    """
    if not workflow.can_edit(by, article):
        raise PermissionDenied("You cannot edit this piece, so you cannot restore a version of it.")
    if revision.article_id != article.pk:
        raise ValidationError("That version belongs to another piece.")
    article = Article.objects.select_for_update().get(pk=article.pk)
    data = revision.snapshot
    article.title, article.dek, article.body = data["title"], data["dek"], data["body"]
    article.lead_photo_caption = data["lead_photo_caption"]
    photo = data["lead_photo"] and Photo.objects.filter(pk=data["lead_photo"]["id"]).first()
    series = data["series"] and Series.objects.filter(pk=data["series"]["id"]).first()
    article.lead_photo, article.series = photo or None, series or None
    # Snapshots older than these fields do not hold them: those keep today's values.
    for name in ("seo_description", "canonical_url"):
        if name in data:
            setattr(article, name, data[name])
    article.full_clean(exclude=["slug"])
    article.save()
    set_byline(article=article, author_ids=[a["id"] for a in data["authors"]])
    article.tags.set(data["tags"])
    if "further_reading" in data:
        # A hand-picked piece deleted since is simply left out.
        picked = Article.objects.filter(pk__in=[p["id"] for p in data["further_reading"]])
        article.further_reading.set(picked)
    new = save_revision(article=article, by=by, note=f"Restored version {revision.number}")
    ArticleEvent.objects.create(
        article=article,
        action=ArticleEvent.Action.RESTORED,
        actor=by,
        from_state=article.state,
        to_state=article.state,
        comment=f"Version {revision.number} restored as version {new.number}.",
    )
    return new


def set_byline(*, article: Article, author_ids: list[int]) -> None:
    """Make the byline exactly these authors, in this order."""
    ArticleAuthor.objects.filter(article=article).delete()
    ArticleAuthor.objects.bulk_create(
        ArticleAuthor(article=article, author_id=author_id, position=i)
        for i, author_id in enumerate(author_ids)
    )


# -- forms opened at an older version ----------------------------------------


@dataclass
class SinceOpened:
    """What a save from a form opened at ``opened`` is merged against."""

    opened: int
    current: int
    base: dict | None  # the snapshot of the opened version; None when there is none
    theirs: dict  # the piece as it stands now
    newer: list[tuple[str, dict]]  # (who saved, snapshot) of each version since, oldest first


def person(user) -> str:
    return (user.get_full_name() or user.get_username()) if user else "Someone"


def since_opened(*, article: Article, opened_version: int) -> SinceOpened | None:
    """What others saved after a form was opened at ``opened_version``; None if nobody did.

    Locks the row for the rest of the transaction (the admin's save is one), so
    nobody can save between this read and the save that follows it.
    """
    current = (
        Article.objects.select_for_update().values_list("version", flat=True).get(pk=article.pk)
    )
    if current == opened_version:
        return None
    revisions = {
        r.number: r
        for r in ArticleRevision.objects.filter(
            article_id=article.pk, number__gte=opened_version
        ).select_related("created_by")
    }
    base = revisions.get(opened_version)
    newer = [
        (person(revisions[number].created_by), revisions[number].snapshot)
        for number in sorted(revisions)
        if number > opened_version
    ]
    return SinceOpened(
        opened=opened_version,
        current=current,
        base=base.snapshot if base else None,
        theirs=snapshot(Article.objects.get(pk=article.pk)),
        newer=newer,
    )
