"""Sending an edition: the delivery ledger, worked through by any number of worker processes.

1. ``start_send``, in one transaction: lock the edition, render it once
   (``emails.render_edition``), write one queued ``Delivery`` per audience
   member (``create_ledger``), mark it ``sending``. Workers are enqueued only
   on commit; if that enqueue is lost, ``newsletter_tick`` finds a ``sending``
   edition whose workers are silent and enqueues it again.
2. ``claim_batch``: a worker takes up to ``NEWSLETTER_BATCH_SIZE`` rows that
   are queued and due, or ``sending`` with an expired lease (their worker
   died), with ``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL so parallel
   workers never take the same row. The UPDATE that marks them repeats the
   "claimable" condition, so on SQLite (no row locks) a second worker that
   read the same ids claims nothing.
3. ``send_batch``: through Django's mail backend (``mailers["default"]``:
   SMTP, anymail's ESPs, file, console), one message per reader, or one
   batch-API call per claim where the ESP merges per-reader fields
   (``emails.batch_merge_field``). Each row is marked ``sent`` the moment its
   message is accepted, so after a crash only rows in flight can go twice.
   Outcomes: a temporary failure (4xx, a timeout, an ESP's 5xx or 429) waits
   ``NEWSLETTER_RETRY_BACKOFF * 2**(attempt-1)`` and is retried at that time;
   a permanent one (5xx to the reader's address, an ESP rejecting it) fails
   the row and suppresses the address; a reader no longer subscribed when
   the batch is claimed is ``skipped``.
4. ``finish_if_done``: the edition becomes ``sent`` only when no row is queued
   or sending, with counters frozen from the ledger: audience = sent + failed
   + skipped (a database constraint checks it).

A send that no retry can cure stops with ``fail``: the edition becomes
``failed`` with its reason, rows in flight go back to the queue, the approving
editor is mailed, and the tick leaves it alone. The causes: a header that
cannot be written (``emails.header_problem``), no live piece left, a mail
server or ESP refusing us rather than a reader (``SendStopped``), and any
error the backend raises that is about no one reader. ``resume`` carries on
from the ledger once the cause is fixed.

A worker keeps at its edition until it is finished, paused, cancelled or
failed, sleeping until the next row is due, or handing a long wait to a task
deferred until then (``HAND_OFF_AFTER``). A lost database connection is
closed and the step retried (``_retrying``); a sent row whose mark could not
be written is marked once the database answers again, so it is not sent twice.
"""

import logging
import smtplib
import time
import uuid
from datetime import timedelta

from anymail.exceptions import (
    AnymailAPIError,
    AnymailError,
    AnymailInvalidAddress,
    AnymailRecipientsRefused,
)
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.core.exceptions import ValidationError
from django.core.mail import mailers
from django.db import InterfaceError, OperationalError, connection, transaction
from django.db.models import DateTimeField, Exists, F, OuterRef, Q, Value
from django.db.models.functions import Greatest
from django.urls import reverse
from django.utils import timezone

from newsletter import emails, subscriptions
from newsletter.models import Delivery, Edition, Subscription

logger = logging.getLogger(__name__)

State = Delivery.State
Status = Edition.Status
# A row no worker holds any more.
UNCLAIMED = {"claim": None, "lease_until": None}


class SendStopped(Exception):
    """The send cannot go on until someone fixes our side (the message says what)."""


# --- Starting, pausing, resuming, cancelling, failing -------------------------


def start_send(*, edition: Edition, by=None, in_process: bool = False) -> Edition:
    """Freeze the audience into the ledger and start sending ``edition`` now.

    Raises ``ValidationError`` unless the edition is a draft or scheduled (or
    failed before it started), has something live in it and headers that can
    be written. The edition row is locked and its status checked inside the
    transaction, so a double click starts one send. With ``in_process`` no
    worker is enqueued: the caller works the ledger with ``run`` itself.
    """
    with transaction.atomic():
        edition = (
            Edition.objects.select_for_update(of=("self",))
            .select_related("newsletter")
            .get(pk=edition.pk)
        )
        never_started = edition.status == Status.FAILED and edition.started_at is None
        if edition.status not in (Status.DRAFT, Status.SCHEDULED) and not never_started:
            raise ValidationError(
                f"This edition is {edition.get_status_display().lower()}; "
                "only a draft or scheduled edition can be sent."
            )
        has_pieces = edition.edition_articles.exists()
        if not edition.intro and not has_pieces:
            raise ValidationError("This edition has no introduction and no articles.")
        # Checked again now, not only when the pieces were added: a piece
        # unpublished or archived since is left out, and an edition made of
        # such pieces alone is not sent at all.
        if has_pieces and not emails.live_links(edition).exists():
            raise ValidationError(
                "None of this edition's pieces is live any more (unpublished, archived or "
                "not yet published): there is nothing to send."
            )
        emails.fill_rendering(edition)
        if problem := emails.header_problem(edition):
            raise ValidationError(problem)
        edition.audience_count = create_ledger(edition)
        edition.status = Status.SENDING
        edition.started_at = timezone.now()
        edition.last_activity_at = None
        edition.failure_reason = ""
        edition.approved_by = by if by is not None and by.pk else None
        edition.save()
        if not in_process:
            transaction.on_commit(lambda: enqueue(edition_id=edition.pk))
    logger.info("Edition %s: sending to %s subscribers", edition.pk, edition.audience_count)
    return edition


def create_ledger(edition: Edition) -> int:
    """One queued row per audience member, in one ``INSERT … SELECT``; returns the count.

    The audience is the newsletter's active subscriptions, one per subscriber
    (``Subscriber`` holds one row per address). A suppressed address has none:
    ``subscriptions.suppress`` ends them, and sign-up and import refuse it.
    The rows never pass through Python, so memory stays flat at any audience.
    """
    given = {
        "edition": Value(edition.pk),
        "subscriber": F("subscriber_id"),
        "next_attempt_at": Value(timezone.now(), output_field=DateTimeField()),
    }
    fields = [f for f in Delivery._meta.concrete_fields if not f.primary_key]
    values = {
        f"ledger_{f.column}": given.get(f.name, Value(f.get_default(), output_field=f))
        for f in fields
    }
    audience = (
        Subscription.objects.active()
        .filter(newsletter_id=edition.newsletter_id)
        .order_by()
        .annotate(**values)
        .values_list(*values)
    )
    select, params = audience.query.sql_with_params()
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {Delivery._meta.db_table} ({columns}) {select}", params)
        if connection.vendor == "postgresql":
            # Statistics that know the rows just written. Without them the
            # planner may take this edition for one with few waiting rows and
            # plan each claim as "fetch them all, then sort", which is right
            # for a handful and ruinous for a million. ANALYZE reads a
            # fixed-size sample, so it costs the same at any audience.
            cursor.execute(f"ANALYZE {Delivery._meta.db_table}")
    return edition.deliveries.count()


def enqueue(*, edition_id: int) -> None:
    """Hand the send to ``NEWSLETTER_PARALLEL_TASKS`` workers; a lost enqueue is the tick's.

    Each worker claims its own batches, so several (on several machines)
    work one edition at once without ever sending a row twice.
    """
    from newsletter.tasks import deliver_edition

    try:
        for _ in range(max(settings.NEWSLETTER_PARALLEL_TASKS, 1)):
            deliver_edition.enqueue(edition_id)
    except Exception:
        logger.exception("Could not enqueue edition %s; newsletter_tick will retry", edition_id)


def pause(*, edition: Edition) -> bool:
    """Stop claiming new batches; rows already in flight finish. True if it paused."""
    return bool(
        Edition.objects.filter(pk=edition.pk, status=Status.SENDING).update(status=Status.PAUSED)
    )


def resume(*, edition: Edition) -> bool:
    """Carry on a paused send, or a failed one whose cause was fixed. True if it resumed."""
    with transaction.atomic():
        resumable = Q(status=Status.PAUSED) | Q(status=Status.FAILED, started_at__isnull=False)
        resumed = Edition.objects.filter(resumable, pk=edition.pk).update(
            status=Status.SENDING, last_activity_at=None, failure_reason="", finished_at=None
        )
        if resumed:
            transaction.on_commit(lambda: enqueue(edition_id=edition.pk))
    return bool(resumed)


@transaction.atomic
def cancel(*, edition: Edition) -> bool:
    """Stop for good: every row not yet sent becomes skipped, none is left ``sending``.

    A message a live worker has on the wire may still go out; its worker then
    marks the row sent (a mark overrides any state but sent) and refreshes
    the counters (``finish_if_done``).
    """
    cancelled = Edition.objects.filter(
        pk=edition.pk,
        status__in=[Status.DRAFT, Status.SCHEDULED, Status.SENDING, Status.PAUSED, Status.FAILED],
    ).update(status=Status.CANCELLED, finished_at=timezone.now())
    if cancelled:
        edition.deliveries.filter(state__in=[State.QUEUED, State.SENDING]).update(
            state=State.SKIPPED, error="Edition cancelled", **UNCLAIMED
        )
        _freeze_counters(Edition.objects.get(pk=edition.pk))
    return bool(cancelled)


def fail(*, edition_id: int, reason: str) -> bool:
    """Stop a send for a reason no retry can cure; True if this call stopped it.

    Only an edition not yet sent, cancelled or failed can fail, so a race with
    a cancel or the last batch changes nothing. Rows in flight go back to the
    queue, that attempt not counted; a worker still sending one marks it sent.
    """
    reason = reason[:500]
    with transaction.atomic():
        failed = Edition.objects.filter(
            pk=edition_id,
            status__in=[Status.DRAFT, Status.SCHEDULED, Status.SENDING, Status.PAUSED],
        ).update(status=Status.FAILED, failure_reason=reason, finished_at=timezone.now())
        if not failed:
            return False
        Delivery.objects.filter(edition_id=edition_id, state=State.SENDING).update(
            state=State.QUEUED,
            attempts=Greatest(F("attempts") - 1, 0),
            next_attempt_at=timezone.now(),
            error=reason,
            **UNCLAIMED,
        )
        edition = Edition.objects.select_related("approved_by").get(pk=edition_id)
        _freeze_counters(edition)
        transaction.on_commit(lambda: _tell_the_approver(edition))
    logger.error("Edition %s failed and stopped: %s", edition_id, reason)
    return True


def _tell_the_approver(edition: Edition) -> None:
    """Best effort: the mail server may be the very thing that failed."""
    user = edition.approved_by
    if user is None or not user.email:
        return
    admin_url = reverse("admin:newsletter_edition_change", args=[edition.pk])
    context = {"edition": edition, "admin_url": settings.SITE_URL + admin_url}
    try:
        emails.build_email("edition_failed", context, to=[user.email]).send()
    except Exception:
        logger.exception("Could not tell %s that edition %s failed", user.email, edition.pk)


# --- Working the ledger --------------------------------------------------------


def _due(now) -> tuple[Q, Q]:
    """Rows a worker may take: those a dead worker left (lease run out), and waiting ones."""
    return Q(state=State.SENDING, lease_until__lt=now), Q(
        state=State.QUEUED, next_attempt_at__lte=now
    )


def claim_batch(*, edition_id: int, size: int | None = None) -> tuple[uuid.UUID, list[Delivery]]:
    """Take up to ``size`` due rows of a ``sending`` edition for this worker.

    Returns the claim token and the rows, each annotated with ``subscribed``
    (the subscription is still active right now). No rows when nothing is
    due or the edition is not sending.
    """
    size = size or settings.NEWSLETTER_BATCH_SIZE
    now = timezone.now()
    token = uuid.uuid4()
    with transaction.atomic():
        newsletter_id = (
            Edition.objects.filter(pk=edition_id, status=Status.SENDING)
            .values_list("newsletter_id", flat=True)
            .first()
        )
        if newsletter_id is None:
            return token, []
        ids = []
        # Rows a dead worker left first (by lease), then waiting rows by when
        # they came due: each order is an index's own (``newsletter_delivery_leased``,
        # ``newsletter_delivery_claim``), so a claim reads about ``size`` entries
        # however much of the edition has gone. Ordered by id, PostgreSQL walked
        # the primary key past every row already sent, a claim slower with each
        # batch (bench/mail.py, 1M recipients).
        for due, order in zip(_due(now), ["lease_until", "next_attempt_at"], strict=True):
            candidates = Delivery.objects.filter(due, edition_id=edition_id)
            if connection.features.has_select_for_update_skip_locked:
                candidates = candidates.select_for_update(skip_locked=True)
            ids += candidates.order_by(order).values_list("pk", flat=True)[: size - len(ids)]
            if len(ids) >= size:
                break
        if not ids:
            return token, []
        expired, waiting = _due(now)
        Delivery.objects.filter(expired | waiting, pk__in=ids).update(
            state=State.SENDING,
            claim=token,
            lease_until=now + timedelta(seconds=settings.NEWSLETTER_LEASE_SECONDS),
            attempts=F("attempts") + 1,
        )
    still_subscribed = Subscription.objects.active().filter(
        subscriber_id=OuterRef("subscriber_id"), newsletter_id=newsletter_id
    )
    rows = (
        Delivery.objects.filter(claim=token, state=State.SENDING)
        .select_related("subscriber")
        .annotate(subscribed=Exists(still_subscribed))
        .order_by("pk")
    )
    return token, list(rows)


def finish_if_done(*, edition_id: int) -> bool:
    """Mark the edition ``sent`` if nothing is queued or sending. True if it is over."""
    with transaction.atomic():
        edition = Edition.objects.select_for_update().get(pk=edition_id)
        if edition.status == Status.CANCELLED:
            # Rows that were on the wire when it was cancelled may have been marked sent since.
            _freeze_counters(edition)
        if edition.status != Status.SENDING:
            return edition.status in (Status.SENT, Status.CANCELLED)
        counts = edition.ledger_counts()
        if counts[State.QUEUED] or counts[State.SENDING]:
            return False
        edition.status = Status.SENT
        edition.finished_at = timezone.now()
        _freeze_counters(edition, counts)
    logger.info("Edition %s sent: %s", edition_id, counts)
    return True


def _freeze_counters(edition: Edition, counts: dict | None = None) -> None:
    counts = counts or edition.ledger_counts()
    edition.sent_count = counts[State.SENT]
    edition.failed_count = counts[State.FAILED]
    edition.skipped_count = counts[State.SKIPPED]
    edition.audience_count = sum(counts.values())
    edition.save()


# A worker with nothing due for longer than this hands the send to a task that
# starts when something is (``hand_off``) instead of sleeping on it, so one
# long retry backoff does not keep a task worker from sign-ups and renditions.
HAND_OFF_AFTER = 30


def run(*, edition_id: int, on_batch=None, hand_off=None) -> bool:
    """Work the edition's ledger until it is over; True when it finished (sent or cancelled).

    Returns False when it was paused or failed, or was handed off. Between
    batches it sleeps until the next row is due (a retry's backoff, a dead
    worker's lease); if that is over ``HAND_OFF_AFTER`` seconds away and
    ``hand_off`` is given, it calls ``hand_off(moment)`` to have a worker come
    back then, and returns. ``on_batch`` is called with each batch's outcome.
    """
    pacer = Pacer(settings.NEWSLETTER_SEND_RATE)
    edition = _retrying(lambda: Edition.objects.select_related("newsletter").get(pk=edition_id))
    # Checked by start_send, and again here: the newsletter's sender may have
    # changed since, and a header that cannot be written fails every message.
    if edition.status == Status.SENDING and (problem := emails.header_problem(edition)):
        fail(edition_id=edition_id, reason=problem)
        return False
    while True:
        token, rows = _retrying(lambda: claim_batch(edition_id=edition_id))
        if rows:
            try:
                outcome = send_batch(edition=edition, token=token, rows=rows, pacer=pacer)
            except SendStopped as stop:
                reason = str(stop)
            except (OperationalError, InterfaceError):
                raise  # the database stayed away (see _retrying)
            except Exception as error:
                # Whatever it is, it would come back every time the tick
                # revives the send: stop once, saying what, instead.
                logger.exception("Edition %s: sending raised", edition_id)
                reason = f"Sending stopped on an unexpected error: {type(error).__name__}: {error}"
            else:
                if on_batch:
                    on_batch(outcome)
                continue
            _retrying(lambda: fail(edition_id=edition_id, reason=reason))  # noqa: B023
            return False
        if _retrying(lambda: finish_if_done(edition_id=edition_id)):
            return True
        due = _retrying(lambda: _next_due(edition_id))
        back_at = (
            due if hand_off and due > timezone.now() + timedelta(seconds=HAND_OFF_AFTER) else None
        )
        # Still alive (or, handing off, back at ``due``): the tick sends no
        # help and /healthz does not call the send stalled meanwhile.
        if not _retrying(lambda: _still_sending(edition_id, back_at)):  # noqa: B023
            return False  # paused, cancelled or failed meanwhile
        if back_at:
            hand_off(back_at)
            return False
        time.sleep(min(max((due - timezone.now()).total_seconds(), 0.2), 5.0))


def _still_sending(edition_id: int, back_at=None) -> bool:
    return bool(
        Edition.objects.filter(pk=edition_id, status=Status.SENDING).update(
            last_activity_at=back_at or timezone.now()
        )
    )


def _next_due(edition_id: int):
    """When the next waiting row is due or a claimed one's lease runs out (a second from now
    if neither: the edition is about to finish)."""
    pending = Delivery.objects.filter(edition_id=edition_id).order_by()
    rows = [
        pending.filter(state=State.QUEUED).order_by("next_attempt_at").first(),
        pending.filter(state=State.SENDING).order_by("lease_until").first(),
    ]
    moments = [
        row.next_attempt_at if row.state == State.QUEUED else row.lease_until
        for row in rows
        if row is not None
    ]
    return min(moments, default=timezone.now() + timedelta(seconds=1))


def _retrying(step):
    """Run one database step, reconnecting while the database is unreachable.

    A connection the server dropped (a restart, a failover, an administrator's
    ``pg_terminate_backend``) raises on its next query and stays broken; closed,
    the next query opens a new one. Gives up, raising, after about ten minutes.
    """
    delay = 0.5
    for _ in range(30):
        try:
            return step()
        except (OperationalError, InterfaceError) as error:
            if connection.in_atomic_block:
                raise  # the caller's transaction is lost; it must start again
            logger.warning("Database connection lost (%s); retrying in %.1f s", error, delay)
            connection.close()
            time.sleep(delay)
            delay = min(delay * 2, 30.0)
    return step()


# --- Sending one claimed batch -----------------------------------------------------


def send_batch(*, edition: Edition, token: uuid.UUID, rows: list[Delivery], pacer=None) -> dict:
    """Send the claimed ``rows``, marking each as its answer comes; return outcome counts.

    Raises ``SendStopped`` when the mail server or ESP refuses us rather than
    a reader; the caller fails the edition.
    """
    outcome = dict.fromkeys(["sent", "retry", "failed", "skipped"], 0)
    gone = {row.pk for row in rows if row.subscriber is None or not row.subscribed}
    if gone:
        outcome["skipped"] = _retrying(
            lambda: Delivery.objects.filter(pk__in=gone, claim=token, state=State.SENDING).update(
                state=State.SKIPPED, error="No longer subscribed", **UNCLAIMED
            )
        )
    mailer = mailers.default
    try:
        results = _deliver(mailer, edition, [row for row in rows if row.pk not in gone], pacer)
        for row, (kind, detail) in results:
            # The message went (or not) whatever the database says: keep trying
            # to record it, or a lost connection would send it again.
            _retrying(lambda: _record(row, token, kind, detail))  # noqa: B023 (called at once)
            outcome["failed" if kind == "unsendable" else kind] += 1
    finally:
        _close_quietly(mailer)
        _retrying(
            lambda: Edition.objects.filter(pk=edition.pk).update(last_activity_at=timezone.now())
        )
    return outcome


def _deliver(mailer, edition, rows, pacer):
    """(row, (kind, detail)) for each row, as each message is handed over.

    Kinds: "sent" (detail: the Message-ID, or the ESP's id), "retry",
    "failed" (the reader's address was refused: suppress it) and "unsendable"
    (this reader's copy cannot be built: fail the row, suppress no one).
    """
    merge_field = emails.batch_merge_field(mailer)
    if merge_field and len(rows) > 1:
        if pacer:
            pacer.wait(len(rows))
        yield from _send_together(mailer, edition, rows, merge_field)
        return
    try:
        mailer.open()
    except Exception as error:
        if reason := _our_fault(error):
            raise SendStopped(reason) from error
        if not isinstance(error, OSError):
            raise
        # The server is unreachable: every row waits its backoff, none is lost.
        for row in rows:
            yield row, ("retry", f"Could not connect: {error}")
        return
    for row in rows:
        if pacer:
            pacer.wait()
        yield row, _send_one(mailer, edition, row)


def _send_one(mailer, edition, row) -> tuple[str, str]:
    try:
        message = emails.reader_message(edition, subscriber=row.subscriber, delivery_id=row.pk)
        mailer.send_messages([message])
    except AnymailRecipientsRefused:
        pass  # the recipient's status, below, says why
    except (AnymailError, smtplib.SMTPException, OSError, ValueError) as error:
        return _refused(mailer, error)
    return _accepted(message, row.subscriber.email)


def _send_together(mailer, edition, rows, merge_field):
    """One batch-API call for all ``rows``; the ESP makes each reader's copy."""
    message = emails.batch_message(edition, rows=rows, merge_field=merge_field)
    try:
        mailer.send_messages([message])
    except AnymailRecipientsRefused:
        pass
    except (AnymailAPIError, OSError) as error:
        result = _refused(mailer, error)
        for row in rows:
            yield row, result
        return
    except ValueError:
        # One address the ESP's API cannot take fails the whole call: send
        # one by one, so that address fails alone.
        for row in rows:
            yield row, _send_one(mailer, edition, row)
        return
    for row in rows:
        yield row, _accepted(message, row.subscriber.email)


def _accepted(message, address: str) -> tuple[str, str]:
    """The outcome for ``address`` of a message the backend took.

    anymail reports each recipient's status; other backends raise for a refusal.
    """
    status = getattr(message, "anymail_status", None)
    if status is None:
        return "sent", message.extra_headers["Message-ID"]
    recipient = status.recipients.get(address)
    if recipient is None:
        return "retry", "The mail provider did not report this recipient"
    if recipient.status in ("rejected", "invalid"):
        return "failed", f"The mail provider refused the address ({recipient.status})"
    if recipient.status == "failed":
        return "retry", "The mail provider could not send it (failed)"
    message_id = recipient.message_id
    if message_id is None:
        message_id = message.extra_headers.get("Message-ID", "")
    return "sent", str(message_id)


def _refused(mailer, error: Exception) -> tuple[str, str]:
    """The outcome of a message the backend raised for; ``SendStopped`` if it is about us."""
    if reason := _our_fault(error):
        raise SendStopped(reason) from error
    if isinstance(error, AnymailAPIError):
        return "retry", f"The mail provider did not take it: {error}"[:500]
    if isinstance(error, ValueError):
        # A header of this reader's copy cannot be written (an address stored
        # with a control character): no server saw it, and no retry will help.
        return "unsendable", f"The message could not be built: {error}"[:500]
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        code, reason = next(iter(error.recipients.values()))
        return _by_code(code, reason)
    if isinstance(error, smtplib.SMTPResponseException):
        return _by_code(error.smtp_code, error.smtp_error)
    # Timeouts and dropped connections: the message may or may not have
    # arrived. Retry (a possible duplicate) rather than lose the reader.
    _close_quietly(mailer)
    return "retry", f"{type(error).__name__}: {error}"[:500]


def _our_fault(error: Exception) -> str:
    """Why ``error`` stops the whole send, or "" if it is temporary or about one reader.

    Permanent: a 5xx to our login, our envelope sender or the connection; the
    server lacking what our settings ask for (AUTH, STARTTLS); an ESP refusing
    our credentials or the message itself (a 4xx API answer but 429), and an
    anymail error about no one recipient (a feature the ESP lacks, its settings).
    """
    if isinstance(error, AnymailAPIError):
        code = getattr(error, "status_code", None)
        if code and 400 <= code < 500 and code != 429:
            return f"The mail provider refused the message ({code}): {error}"[:500]
        return ""
    if isinstance(error, AnymailError) and not isinstance(error, AnymailInvalidAddress):
        return f"The mail provider's settings or features do not allow this: {error}"[:500]
    if isinstance(error, smtplib.SMTPNotSupportedError):
        return f"The mail server does not support what the mail settings ask for: {error}"
    what = {
        smtplib.SMTPAuthenticationError: "The mail server refused our login",
        smtplib.SMTPSenderRefused: "The mail server refused our sender address",
        smtplib.SMTPConnectError: "The mail server refused the connection",
    }
    for kind, text in what.items():
        if isinstance(error, kind) and 500 <= error.smtp_code < 600:
            detail = error.smtp_error
            detail = detail.decode(errors="replace") if isinstance(detail, bytes) else detail
            return f"{text}: {error.smtp_code} {detail}"[:500]
    return ""


def _by_code(code: int, reason) -> tuple[str, str]:
    text = reason.decode(errors="replace") if isinstance(reason, bytes) else str(reason)
    return ("failed" if 500 <= code < 600 else "retry"), f"{code} {text}"[:500]


def _record(row: Delivery, token: uuid.UUID, kind: str, detail: str) -> None:
    if kind == "sent":
        # Whoever holds the row now, it went out: never let it be sent again.
        Delivery.objects.filter(pk=row.pk).exclude(state=State.SENT).update(
            state=State.SENT, sent_at=timezone.now(), message_id=detail[:255], error="", **UNCLAIMED
        )
    elif kind == "retry" and row.attempts < settings.NEWSLETTER_MAX_ATTEMPTS:
        # ``attempts`` already counts this one (the claim added it).
        backoff = settings.NEWSLETTER_RETRY_BACKOFF * 2 ** (row.attempts - 1)
        Delivery.objects.filter(pk=row.pk, claim=token).update(
            state=State.QUEUED,
            next_attempt_at=timezone.now() + timedelta(seconds=backoff),
            error=detail[:500],
            **UNCLAIMED,
        )
    else:
        if kind == "retry":
            detail = f"Gave up after {row.attempts} attempts: {detail}"
        Delivery.objects.filter(pk=row.pk, claim=token).update(
            state=State.FAILED, error=detail[:500], **UNCLAIMED
        )
        if kind == "failed":  # the reader's mailbox refused it, not our data
            subscriptions.suppress(address=row.subscriber.email, reason="bounce")
            logger.info("Delivery %s failed permanently (%s); address suppressed", row.pk, detail)


def _close_quietly(mailer) -> None:
    try:
        mailer.close()
    except Exception:
        logger.warning("Closing the mail connection failed", exc_info=True)


class Pacer:
    """Keeps sending under ``rate`` messages a second (0: no limit).

    With Redis as the default cache the budget is shared by every worker
    process on every machine: ``INCR`` of the current second's counter gives
    each message its place in that second, and it goes at its share of the
    second, so no second carries more than ``rate`` and none is spent in a
    burst. Clocks are assumed NTP-synchronised. Other caches cannot count
    atomically across processes, so there each process keeps ``rate`` by
    itself: run one send worker per rate budget. If Redis fails, the
    worker paces itself too.
    """

    KEY = "newsletter:send-rate"

    def __init__(self, rate: float):
        self.rate = rate
        self.cache = caches["default"]
        self.shared = isinstance(self.cache, RedisCache)
        self.next_at = time.monotonic()

    def wait(self, messages: int = 1) -> None:
        """Return when ``messages`` more may go."""
        if not self.rate:
            return
        if self.shared:
            try:
                for start in range(0, messages, int(self.rate) or 1):
                    self._take_shared(min(messages - start, int(self.rate) or 1))
                return
            except Exception:
                logger.warning("The shared send-rate budget failed; pacing locally", exc_info=True)
                self.shared = False
        now = time.monotonic()
        start = max(self.next_at, now)
        self.next_at = start + messages / self.rate
        time.sleep(start - now)

    def _take_shared(self, messages: int) -> None:
        while True:
            second = int(time.time())
            key = f"{self.KEY}:{second}"
            self.cache.add(key, 0, timeout=10)
            place = self.cache.incr(key, messages)
            if place <= self.rate:
                time.sleep(max(second + (place - 1) / self.rate - time.time(), 0))
                return
            time.sleep(max(second + 1 - time.time(), 0.001))


def send_test(*, edition: Edition, to: str) -> None:
    """Mail the edition as it stands to one staff address, marked as a test.

    A draft is rendered afresh, and not stored.
    """
    if not edition.rendered_html:
        emails.fill_rendering(edition)
    mailers.default.send_messages([emails.test_message(edition, to=to)])
