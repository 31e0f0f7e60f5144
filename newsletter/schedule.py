"""When editions are due, and composing them from the newsletter's series.

A newsletter's slots are its weekdays at its local send time in its own time
zone, converted to UTC one day at a time with ``zoneinfo``, so "Tuesday
09:00 New York" is 14:00 UTC in winter and 13:00 UTC in summer. A local time
that does not exist on a spring-forward day (02:30) is read with the offset
in force before the change, i.e. it happens an hour later by the wall clock.

``tick`` (``manage.py newsletter_tick``, every minute) deals with the latest
slot that has passed, if it is less than ``NEWSLETTER_CATCH_UP_HOURS`` old
and not dealt with before: a ``SlotRun`` row, unique per (newsletter, slot),
makes a missed slot caught up once and never twice, even with two ticks
running at once.
"""

import logging
import zoneinfo
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from articles.models import Article
from newsletter import sending
from newsletter.models import Edition, EditionArticle, Newsletter, SlotRun

logger = logging.getLogger(__name__)

# With no earlier edition, the first one covers this much of the series.
FIRST_EDITION_LOOKBACK = timedelta(days=7)


def slots(newsletter: Newsletter, *, after: datetime, until: datetime) -> list[datetime]:
    """The newsletter's slots in (after, until], as aware UTC datetimes, oldest first."""
    tz = zoneinfo.ZoneInfo(newsletter.time_zone)
    weekdays = set(newsletter.weekdays())
    day = after.astimezone(tz).date()
    last_day = until.astimezone(tz).date()
    found = []
    while day <= last_day:
        if day.isoweekday() in weekdays:
            moment = datetime.combine(day, newsletter.send_time, tzinfo=tz).astimezone(UTC)
            if after < moment <= until:
                found.append(moment)
        day += timedelta(days=1)
    return found


def due_slot(newsletter: Newsletter, *, now: datetime) -> datetime | None:
    """The latest passed slot still to deal with, or None."""
    window = timedelta(hours=settings.NEWSLETTER_CATCH_UP_HOURS)
    earliest = max(now - window, newsletter.created_at)
    passed = slots(newsletter, after=earliest, until=now)
    if not passed:
        return None
    latest = passed[-1]
    if SlotRun.objects.filter(newsletter=newsletter, slot=latest).exists():
        return None
    return latest


def pieces_for(newsletter: Newsletter, *, until: datetime):
    """Live pieces of the series published since the previous edition, oldest first."""
    previous = (
        newsletter.editions.exclude(status=Edition.Status.CANCELLED)
        .filter(Q(slot__lt=until) | Q(slot__isnull=True, created_at__lt=until))
        .order_by()
    )
    cutoffs = [e.slot or e.created_at for e in previous.only("slot", "created_at")]
    since = max(cutoffs) if cutoffs else until - FIRST_EDITION_LOOKBACK
    return (
        Article.objects.live()
        .filter(series_id=newsletter.series_id, published_at__gt=since, published_at__lte=until)
        # A piece already in an edition of this newsletter is not news again.
        .exclude(edition_links__edition__newsletter=newsletter)
        .order_by("published_at", "pk")
    )


def compose(*, newsletter: Newsletter, slot: datetime) -> Edition | None:
    """Deal with one slot: make its edition (and start it if auto-send), or note "nothing new".

    Returns None if there was nothing new or another tick took the slot first.
    """
    try:
        with transaction.atomic():
            run = SlotRun.objects.create(newsletter=newsletter, slot=slot)
            edition = _compose_in(run, newsletter, slot)
    except IntegrityError:
        logger.info("Slot %s of %s was already dealt with", slot, newsletter)
        return None
    return edition


def _compose_in(run: SlotRun, newsletter: Newsletter, slot: datetime) -> Edition | None:
    pieces = list(pieces_for(newsletter, until=slot))
    if not pieces:
        run.note = "Nothing new in the series; no edition."
        run.save(update_fields=["note"])
        logger.info("%s: nothing new for the slot of %s; no edition", newsletter, slot)
        return None
    local = slot.astimezone(zoneinfo.ZoneInfo(newsletter.time_zone))
    edition = Edition.objects.create(
        newsletter=newsletter,
        subject=f"{newsletter.name}: {pieces[-1].title}"[:200],
        preheader=f"{newsletter.name} for {local:%A, %B} {local.day}"[:200],
        slot=slot,
        scheduled_for=slot,
    )
    EditionArticle.objects.bulk_create(
        EditionArticle(edition=edition, article=article, position=position)
        for position, article in enumerate(reversed(pieces))
    )
    run.edition = edition
    run.note = f"{len(pieces)} pieces"
    run.save(update_fields=["edition", "note"])
    if newsletter.send_mode == Newsletter.SendMode.AUTO:
        try:
            sending.start_send(edition=edition)
        except ValidationError as error:
            # Left as it is, the slot would be composed and refused again every minute.
            sending.fail(edition_id=edition.pk, reason=" ".join(error.messages))
    logger.info("%s: composed edition %s with %s pieces", newsletter, edition.pk, len(pieces))
    return edition


def tick(*, now: datetime | None = None, dry_run: bool = False) -> dict[str, list]:
    """Everything the clock says is due: compose slots, start scheduled sends, revive stuck ones."""
    now = now or timezone.now()
    report = {"composed": [], "started": [], "failed": [], "revived": [], "due_slots": []}
    for newsletter in Newsletter.objects.active():
        slot = due_slot(newsletter, now=now)
        if slot is None:
            continue
        report["due_slots"].append((newsletter, slot))
        if not dry_run and (edition := compose(newsletter=newsletter, slot=slot)):
            report["composed"].append(edition)
    if dry_run:
        return report
    for edition in Edition.objects.filter(status=Edition.Status.SCHEDULED, scheduled_for__lte=now):
        try:
            report["started"].append(sending.start_send(edition=edition))
        except ValidationError as error:
            # Nothing in the edition changes by itself between ticks: it fails
            # once, with the reason, instead of being refused every minute.
            # (If it stopped being scheduled meanwhile, fail() leaves it be.)
            if sending.fail(edition_id=edition.pk, reason=" ".join(error.messages)):
                edition.refresh_from_db(fields=["status", "failure_reason"])
                report["failed"].append(edition)
    # A send whose workers have said nothing for a lease: crashed, or its task
    # was lost between commit and enqueue. Enqueueing again is always safe.
    for edition in Edition.objects.silent(now):
        sending.enqueue(edition_id=edition.pk)
        report["revived"].append(edition)
    return report
