"""The editorial workflow: draft → in review → scheduled / published → archived.

Every transition checks the person's permission on the server, refuses a move
the piece's state does not allow, and records one ``ArticleEvent``. The admin's
buttons call exactly these functions and hold no rules of their own.

Who may do what (docs/architecture.md, "Contracts other code relies on"):
- Contributors (``articles.change_article`` without ``publish_article``) write
  and submit their own drafts, and nothing else. Beyond them they see only
  what the public sees (``visible_pieces``) and change only photos that no
  piece but their own drafts uses (``can_change_photo``).
- Editors (``articles.publish_article``) and superusers do everything.
"""

import datetime
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.html import strip_tags

from articles import related
from articles.models import (
    Article,
    ArticleEvent,
    ArticleQuerySet,
    ArticleSlug,
    Correction,
    Photo,
    PreviewLink,
    State,
)
from articles.models.article import SLUG_HELD_MESSAGE

User = AbstractBaseUser | AnonymousUser
Action = ArticleEvent.Action


# -- who may do what ---------------------------------------------------------


def is_editor(user: User) -> bool:
    return user.is_active and user.has_perm("articles.publish_article")


def is_own(user: User, article: Article) -> bool:
    return article.created_by_id is not None and article.created_by_id == user.pk


def can_edit(user: User, article: Article) -> bool:
    """Editors edit every piece; a contributor edits their own piece while it is a draft."""
    if is_editor(user):
        return True
    return (
        user.is_active
        and user.has_perm("articles.change_article")
        and is_own(user, article)
        and article.status == Article.Status.DRAFT
    )


def can_submit(user: User, article: Article) -> bool:
    return is_editor(user) or (
        user.is_active and user.has_perm("articles.change_article") and is_own(user, article)
    )


def visible_pieces(user: User, pieces: ArticleQuerySet | None = None) -> ArticleQuerySet:
    """The pieces whose existence and title this person may learn anywhere in the admin.

    Editors see every piece; a contributor sees what the public sees and their
    own pieces, never another writer's unpublished work ("used by" lists,
    "Further reading" choices, tag suggestions).
    """
    pieces = Article.objects.all() if pieces is None else pieces
    if is_editor(user):
        return pieces
    return pieces.live() | pieces.filter(created_by_id=user.pk)


def can_change_photo(user: User, photo: Photo) -> bool:
    """Editors change any photo; a contributor one that only their own drafts use.

    A photo's file, caption, credit and rights show at once on every piece
    using it, with no review: changing one under a live piece, a piece under
    review or someone else's piece would change that piece behind its editor.
    """
    if is_editor(user):
        return True
    if not (user.is_active and user.has_perm("articles.change_photo")):
        return False
    beyond_own_drafts = photo.lead_articles.exclude(
        created_by_id=user.pk, status=Article.Status.DRAFT
    )
    return not beyond_own_drafts.exists()


def available_actions(user: User, article: Article) -> list[str]:
    """The buttons to show this person for this piece now (the functions check again)."""
    state = article.state
    actions = []
    if state == State.DRAFT and can_submit(user, article):
        actions.append("submit")
    if not is_editor(user):
        return actions
    if state == State.IN_REVIEW:
        actions.append("request_changes")
    if state in {State.DRAFT, State.IN_REVIEW, State.SCHEDULED, State.ARCHIVED}:
        actions += ["publish", "schedule"]
    if state in {State.PUBLISHED, State.SCHEDULED}:
        actions.append("unpublish")
    if state != State.ARCHIVED:
        actions.append("archive")
    return actions


# -- ready to publish --------------------------------------------------------


@dataclass(frozen=True)
class Requirement:
    """One thing a piece needs to go live, and the form field a person fills to meet it."""

    label: str
    field: str  # an ArticleForm field, or "authors" for the byline inline
    met: bool


def publication_checklist(
    article: Article, at: datetime.datetime, *, has_author: bool | None = None
) -> list[Requirement]:
    """Every requirement for going live at ``at``, met or not, in words an editor understands.

    ``has_author`` stands in for the stored byline when the piece's values come
    from a form that is not saved yet (the checklist shown while writing).
    """
    if has_author is None:
        has_author = article.pk is not None and article.article_authors.exists()
    items = [
        Requirement("a title", "title", bool(article.title.strip())),
        Requirement("a dek (the standfirst)", "dek", bool(article.dek.strip())),
        Requirement("body text", "body", bool(strip_tags(article.body).strip())),
        Requirement("at least one author", "authors", has_author),
        # The series gives a piece its disclaimer, its feed and its newsletter.
        Requirement("a series", "series", article.series_id is not None),
    ]
    photo = article.lead_photo
    items.append(Requirement("a lead photo", "lead_photo", photo is not None))
    if photo is not None:
        day = timezone.localdate(at)
        rights = f"a lead photo whose rights last until {day:%B %-d, %Y}"
        if not photo.rights_valid_on(day):
            rights += f" (they expire on {photo.rights_expire_on:%B %-d, %Y})"
        items += [
            Requirement("a credit for the lead photo", "lead_photo", bool(photo.credit.strip())),
            Requirement("alt text for the lead photo", "lead_photo", bool(photo.alt_text.strip())),
            Requirement(rights, "lead_photo", photo.rights_valid_on(day)),
        ]
    return items


# The form fields the checklist reads, for marking them on the form.
PUBLICATION_FIELDS = ("title", "dek", "body", "lead_photo", "series")


def missing_for_publication(article: Article, at: datetime.datetime) -> list[str]:
    """Everything a piece lacks to go live at ``at``, in words an editor understands."""
    return [item.label for item in publication_checklist(article, at) if not item.met]


def check_ready(article: Article, at: datetime.datetime) -> None:
    missing = missing_for_publication(article, at)
    if missing:
        raise ValidationError("Not ready to publish. Missing: " + "; ".join(missing) + ".")


# -- transitions -------------------------------------------------------------


def _locked(article: Article) -> Article:
    """Re-read the row under a lock: two editors pressing buttons at once see each other."""
    return (
        Article.objects.select_for_update(of=("self",))
        .select_related("lead_photo")
        .get(pk=article.pk)
    )


PUBLIC_STATES = {State.PUBLISHED, State.SCHEDULED}


def takes_down(from_state: str, to_state: str) -> bool:
    """Whether a move withdraws a piece: out of published or scheduled, or into the archive.

    A takedown ends every shared preview link of the piece.
    """
    return to_state == State.ARCHIVED or (
        from_state in PUBLIC_STATES and to_state not in PUBLIC_STATES
    )


def _move(
    article: Article,
    locked: Article,
    *,
    by: User,
    action: str,
    from_state: str,
    comment: str = "",
    publish_at: datetime.datetime | None = None,
) -> Article:
    locked.save(update_fields=["status", "published_at", "updated_at"])
    if takes_down(from_state, locked.state):
        # Here, where every transition writes, so no takedown can forget it.
        # Unpublishing leaves a draft, which a link would show again: the
        # state alone cannot tell that draft from one never published.
        PreviewLink.objects.filter(article=locked, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
    ArticleEvent.objects.create(
        article=locked,
        action=action,
        actor=by if by.is_authenticated else None,
        from_state=from_state,
        to_state=locked.state,
        comment=comment,
        publish_at=publish_at,
    )
    # The caller's object reflects the new state too.
    article.status, article.published_at = locked.status, locked.published_at
    article.updated_at = locked.updated_at
    return article


def _refuse(article: Article, what: str) -> None:
    raise ValidationError(
        f"“{article.title}” is {article.get_state_display().lower()}: it cannot be {what}."
    )


@transaction.atomic
def submit(article: Article, by: User, *, comment: str = "") -> Article:
    """Send a draft to the editors for review."""
    if not can_submit(by, article):
        raise PermissionDenied("Only the piece's writer or an editor can submit it for review.")
    locked = _locked(article)
    before = locked.state
    if before != State.DRAFT:
        _refuse(locked, "submitted for review (only drafts can)")
    locked.status = Article.Status.IN_REVIEW
    return _move(
        article, locked, by=by, action=Action.SUBMITTED, from_state=before, comment=comment
    )


@transaction.atomic
def request_changes(article: Article, by: User, comment: str) -> Article:
    """Send a piece in review back to its writer as a draft, saying what to change."""
    if not is_editor(by):
        raise PermissionDenied("Only editors can request changes.")
    if not (comment or "").strip():
        raise ValidationError("Say what needs to change: the comment is required.")
    locked = _locked(article)
    before = locked.state
    if before != State.IN_REVIEW:
        _refuse(locked, "sent back for changes (only pieces in review can)")
    locked.status = Article.Status.DRAFT
    return _move(
        article,
        locked,
        by=by,
        action=Action.CHANGES_REQUESTED,
        from_state=before,
        comment=comment.strip(),
    )


@transaction.atomic
def publish(article: Article, by: User, at: datetime.datetime | None = None) -> Article:
    """Publish now (``at=None``) or schedule for a future time.

    A scheduled piece is simply published with a future ``published_at``:
    ``Article.objects.live()`` shows it from that moment, with no job running.
    """
    if not is_editor(by):
        raise PermissionDenied("Only editors can publish or schedule a piece.")
    now = timezone.now()
    if at is not None and at <= now:
        raise ValidationError("Pick a time in the future to schedule, or publish now.")
    locked = _locked(article)
    before = locked.state
    if before == State.PUBLISHED:
        _refuse(locked, "published again (it is already live; unpublish it first)")
    when = at or now
    check_ready(locked, when)
    locked.status = Article.Status.PUBLISHED
    locked.published_at = when
    action = Action.SCHEDULED if at else Action.PUBLISHED
    _move(article, locked, by=by, action=action, from_state=before, publish_at=when)
    # Chosen now, from what is live now, so the page has it from its first view.
    related.refresh(locked)
    return article


@transaction.atomic
def unpublish(article: Article, by: User) -> Article:
    """Take a live or scheduled piece off the site; it becomes a draft again."""
    if not is_editor(by):
        raise PermissionDenied("Only editors can unpublish a piece.")
    locked = _locked(article)
    before = locked.state
    if before not in {State.PUBLISHED, State.SCHEDULED}:
        _refuse(locked, "unpublished (only live or scheduled pieces can)")
    locked.status = Article.Status.DRAFT
    locked.published_at = None
    return _move(article, locked, by=by, action=Action.UNPUBLISHED, from_state=before)


@transaction.atomic
def archive(article: Article, by: User) -> Article:
    """Retire a piece: it leaves the site and every list, and keeps its history."""
    if not is_editor(by):
        raise PermissionDenied("Only editors can archive a piece.")
    locked = _locked(article)
    before = locked.state
    if before == State.ARCHIVED:
        _refuse(locked, "archived again")
    locked.status = Article.Status.ARCHIVED
    return _move(article, locked, by=by, action=Action.ARCHIVED, from_state=before)


# -- corrections and slugs ---------------------------------------------------


@transaction.atomic
def add_correction(
    *, article: Article, by: User, note: str, kind: str = Correction.Kind.CORRECTION
) -> Correction:
    """Attach a dated correction or update to a live piece; it moves the "updated" date."""
    if not is_editor(by):
        raise PermissionDenied("Only editors can add corrections or updates.")
    if not (note or "").strip():
        raise ValidationError("Write the correction or update: the note is required.")
    locked = _locked(article)
    if locked.state != State.PUBLISHED:
        raise ValidationError("Corrections and updates go on live pieces only.")
    correction = Correction(article=locked, kind=kind, note=note.strip(), created_by=by)
    correction.full_clean()
    correction.save()
    locked.last_updated = article.last_updated = correction.created_at
    locked.save(update_fields=["last_updated"])
    ArticleEvent.objects.create(
        article=locked,
        action=Action.CORRECTED,
        actor=by,
        from_state=locked.state,
        to_state=locked.state,
        comment=f"{correction.get_kind_display()}: {correction.note}",
    )
    return correction


def was_ever_live(article: Article) -> bool:
    if article.is_live:
        return True
    return article.events.filter(
        action__in=[Action.PUBLISHED, Action.SCHEDULED], publish_at__lte=timezone.now()
    ).exists()


def record_slug_change(*, article: Article, old_slug: str | None) -> None:
    """Keep an old slug answering (with a 301) once the piece has been live under it.

    Call it in the transaction that saved the new slug: a slug that is another
    piece's old address is refused (``ValidationError``) and the save goes
    back with it, so that piece's redirect survives even a caller that skipped
    ``full_clean()``.
    """
    if article.slug_held_by_another():
        raise ValidationError({"slug": SLUG_HELD_MESSAGE}, code="slug_held")
    # The piece's own slug never redirects, even when it is an old one taken back.
    ArticleSlug.objects.filter(slug=article.slug, article=article).delete()
    if old_slug and old_slug != article.slug and was_ever_live(article):
        ArticleSlug.objects.update_or_create(slug=old_slug, defaults={"article": article})
