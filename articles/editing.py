"""Editing together: who has a piece open right now, and each person's unsaved form.

Presence follows Wagtail's concurrent-editing notifications: the open change
form pings every ``EDITING_PING_SECONDS``; a person counts as editing while
their last ping is younger than ``EDITING_PRESENCE_TIMEOUT``, so a crashed
browser drops out by itself, and a tab that closes normally says so at once.

A draft is what one person's open form held at their last autosave. It is
theirs alone (every function takes the person and reads only their row), it is
never the article, never public and never a revision; a successful save of the
form deletes it. It keeps the version the form was opened at, so a restored
draft is merged against the version it was typed on, not against today's.
"""

import datetime
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from articles import workflow
from articles.models import Article, ArticleDraft, EditingPresence


def presence_timeout() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.EDITING_PRESENCE_TIMEOUT)


def local_time(moment: datetime.datetime) -> str:
    """A time of day as the newsroom reads it (settings.TIME_ZONE), like 10:02."""
    return f"{moment.astimezone(ZoneInfo(settings.TIME_ZONE)):%H:%M}"


def display_name(user) -> str:
    return user.get_full_name().strip() or user.get_username()


@dataclass(frozen=True)
class Editor:
    """Someone who has a piece open now."""

    name: str
    since: datetime.datetime

    @property
    def since_local(self) -> str:
        return local_time(self.since)

    @property
    def notice(self) -> str:
        return f"{self.name} is editing this piece (since {self.since_local})"


def check_may_edit(user, article: Article) -> None:
    if not workflow.can_edit(user, article):
        raise PermissionDenied("You cannot change this piece.")


# -- presence ----------------------------------------------------------------


def heartbeat(*, article: Article, user, now: datetime.datetime) -> EditingPresence:
    """Record that ``user`` has ``article`` open at ``now``.

    A ping after the person had aged out starts a new session: "since" is when
    they came back, not when they first opened the piece days ago.
    """
    check_may_edit(user, article)
    presence, created = EditingPresence.objects.get_or_create(
        article=article, user=user, defaults={"first_seen": now, "last_seen": now}
    )
    if not created:
        if presence.last_seen < now - presence_timeout():
            presence.first_seen = now
        presence.last_seen = now
        presence.save(update_fields=["first_seen", "last_seen"])
    return presence


def leave(*, article: Article, user) -> None:
    """The person closed the piece: others stop seeing them at once, not after the timeout."""
    EditingPresence.objects.filter(article=article, user=user).delete()


def who_else_is_editing(*, article: Article, user, now: datetime.datetime) -> list[Editor]:
    """The other people with ``article`` open now, longest first."""
    present = (
        EditingPresence.objects.filter(article=article, last_seen__gte=now - presence_timeout())
        .exclude(user=user)
        .select_related("user")
        .order_by("first_seen", "pk")
    )
    return [Editor(name=display_name(p.user), since=p.first_seen) for p in present]


def editing_now(*, articles, now: datetime.datetime) -> dict[int, list[Editor]]:
    """For the editor's desk: who has which of ``articles`` open now, by article id."""
    present = (
        EditingPresence.objects.filter(
            article__in=articles, last_seen__gte=now - presence_timeout()
        )
        .select_related("user")
        .order_by("first_seen", "pk")
    )
    found: dict[int, list[Editor]] = {}
    for p in present:
        found.setdefault(p.article_id, []).append(
            Editor(name=display_name(p.user), since=p.first_seen)
        )
    return found


# -- drafts ------------------------------------------------------------------


def draft_size(data: Mapping[str, Sequence[str]]) -> int:
    return len(json.dumps(data, ensure_ascii=False).encode())


def save_draft(
    *,
    article: Article,
    user,
    data: Mapping[str, Sequence[str]],
    allowed: Callable[[str], bool],
    now: datetime.datetime,
) -> ArticleDraft:
    """Keep the person's current form values as their draft of ``article``.

    ``data`` is the form as posted (name → values); only names ``allowed``
    accepts (the article form's own fields) are kept, so a draft can never
    carry a status, an owner or anything else the form does not edit.
    ``opened_version`` must be a version the piece has had.
    """
    check_may_edit(user, article)
    kept = {
        name: [str(value) for value in data[name]]
        for name in data
        if name != "opened_version" and allowed(name)
    }
    if not kept:
        raise ValidationError("The draft holds none of the article form's fields.", code="empty")
    if draft_size(kept) > settings.EDITING_DRAFT_MAX_BYTES:
        raise ValidationError("The draft is too large to keep.", code="too_large")
    opened = (list(data.get("opened_version") or []) or [""])[0]
    if not str(opened).isdigit() or int(opened) > article.version:
        raise ValidationError("The draft names a version this piece never had.", code="version")
    draft, _ = ArticleDraft.objects.update_or_create(
        article=article,
        user=user,
        defaults={"data": kept, "opened_version": int(opened), "saved_at": now},
    )
    return draft


def draft_for(*, article: Article, user) -> ArticleDraft | None:
    """This person's draft of ``article``; never anyone else's."""
    if not user.is_authenticated:
        return None
    return ArticleDraft.objects.filter(article=article, user=user).first()


def discard_draft(*, article: Article, user) -> bool:
    """Delete this person's draft of ``article`` (after a save, or when they choose to)."""
    if not user.is_authenticated:
        return False
    deleted, _ = ArticleDraft.objects.filter(article=article, user=user).delete()
    return bool(deleted)


@transaction.atomic
def prune(*, now: datetime.datetime) -> tuple[int, int]:
    """Delete aged-out presence rows and drafts nobody came back to; returns both counts."""
    presences, _ = EditingPresence.objects.filter(last_seen__lt=now - presence_timeout()).delete()
    drafts, _ = ArticleDraft.objects.filter(
        saved_at__lt=now - datetime.timedelta(days=settings.EDITING_DRAFT_KEEP_DAYS)
    ).delete()
    return presences, drafts
