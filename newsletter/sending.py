"""Sending an edition: the delivery ledger, worked through by any number of workers.

The process, and the failures it is built to survive:

1. ``start_send`` — in ONE transaction: lock the edition, render it once,
   bulk-create one ``Delivery`` per audience member (active subscription on
   this newsletter, address not suppressed; the ``Subscriber`` model already
   makes one subscriber per lower-cased address), mark it ``sending``. The
   task that works the ledger is enqueued only ``on_commit``; if the process
   dies between the commit and the enqueue, ``newsletter_tick`` finds a
   ``sending`` edition whose workers are silent and enqueues it again.
2. ``claim_batch`` — a worker takes up to ``NEWSLETTER_BATCH_SIZE`` rows that
   are queued and due, or ``sending`` with an expired lease (their worker
   died), with ``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL so parallel
   workers never take the same row. The UPDATE that marks them repeats the
   "claimable" condition, so on SQLite (no row locks; run one worker) a
   second worker that read the same ids claims nothing.
3. ``send_batch`` — one SMTP connection per batch; each row is marked
   ``sent`` (time, Message-ID) the moment the server accepts its message, so
   after a crash at most the rows in flight can go out twice
   (``newsletter.marking``: the commit overlaps the next message). 4xx answers and
   timeouts put the row back in the queue with exponential backoff; 5xx
   answers fail it and suppress the address. Anyone no longer subscribed
   when their batch is claimed is ``skipped``.
4. ``finish_if_done`` — the edition becomes ``sent`` only when no row is
   queued or sending, with counters frozen from the ledger:
   audience = sent + failed + skipped (a database constraint checks it).

Mail goes through Django's ``mailers["default"]`` (the ``MAILERS`` setting).
When that is Django's SMTP backend, the edition is serialised once
(``newsletter.wire``) and each copy, filled in with its recipient's address,
Message-ID, date and links, goes out with one ``sendmail`` on the batch's
connection (opened by the backend: TLS, SSL and login as configured);
otherwise (file, console and locmem backends locally and in tests, or a copy
the template cannot make) one message per call to ``send_messages`` with
``fail_silently`` off. Either way smtplib's own exceptions carry the server's
code for that one recipient (``SMTPRecipientsRefused`` for RCPT,
``SMTPDataError`` for DATA), and the Message-ID is the one we set.
"""

import logging
import smtplib
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import mailers
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.db import connection, transaction
from django.db import connections as db_connections
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from newsletter import ledger, messages, rendering, subscriptions, wire
from newsletter.marking import SentMarks
from newsletter.models import Delivery, Edition, Subscription
from newsletter.pacing import Pacer

logger = logging.getLogger(__name__)

State = Delivery.State
Status = Edition.Status


# --- Starting, pausing, resuming, cancelling --------------------------------


def start_send(*, edition: Edition, by=None, in_process: bool = False) -> Edition:
    """Freeze the audience into the ledger and start sending ``edition`` now.

    Raises ``ValidationError`` unless the edition is a draft or scheduled and
    has something in it. Safe against double clicks: the edition row is
    locked and its status checked inside the transaction. With
    ``in_process`` no task is enqueued: the caller works the ledger with
    ``run`` itself (should it die, the tick still revives the send).
    """
    with transaction.atomic():
        edition = (
            Edition.objects.select_for_update(of=("self",))
            .select_related("newsletter")
            .get(pk=edition.pk)
        )
        if edition.status not in (Status.DRAFT, Status.SCHEDULED):
            raise ValidationError(
                f"This edition is {edition.get_status_display().lower()}; "
                "only a draft or scheduled edition can be sent."
            )
        if not edition.intro and not edition.edition_articles.exists():
            raise ValidationError("This edition has no introduction and no articles.")
        rendered = rendering.render_edition(edition)
        edition.rendered_subject = rendered.subject
        edition.rendered_text = rendered.text
        edition.rendered_html = rendered.html
        edition.audience_count = ledger.create_deliveries(edition)
        edition.status = Status.SENDING
        edition.started_at = timezone.now()
        edition.last_activity_at = None
        edition.approved_by = by if by is not None and by.pk else None
        edition.save()
        edition_id = edition.pk
        if not in_process:
            tasks = settings.NEWSLETTER_PARALLEL_TASKS
            transaction.on_commit(lambda: enqueue(edition_id=edition_id, tasks=tasks))
    logger.info("Edition %s: sending to %s subscribers", edition.pk, edition.audience_count)
    return edition


def enqueue(*, edition_id: int, tasks: int = 1) -> None:
    """Hand the send to ``tasks`` background workers; a failure here is caught up by the tick.

    Each task claims its own batches, so several (on RQ, on several machines)
    work one edition at once without ever sending a row twice.
    """
    from newsletter.tasks import deliver_edition

    try:
        for _ in range(max(tasks, 1)):
            deliver_edition.enqueue(edition_id)
    except Exception:
        logger.exception("Could not enqueue edition %s; newsletter_tick will retry", edition_id)


def pause(*, edition: Edition) -> bool:
    """Stop claiming new batches; rows already in flight finish. True if it paused."""
    return bool(
        Edition.objects.filter(pk=edition.pk, status=Status.SENDING).update(status=Status.PAUSED)
    )


def resume(*, edition: Edition) -> bool:
    with transaction.atomic():
        resumed = Edition.objects.filter(pk=edition.pk, status=Status.PAUSED).update(
            status=Status.SENDING, last_activity_at=None
        )
        if resumed:
            tasks = settings.NEWSLETTER_PARALLEL_TASKS
            transaction.on_commit(lambda: enqueue(edition_id=edition.pk, tasks=tasks))
    return bool(resumed)


@transaction.atomic
def cancel(*, edition: Edition) -> bool:
    """Stop for good: queued rows become skipped; rows in flight may still go out."""
    cancelled = Edition.objects.filter(
        pk=edition.pk, status__in=[Status.DRAFT, Status.SCHEDULED, Status.SENDING, Status.PAUSED]
    ).update(status=Status.CANCELLED, finished_at=timezone.now())
    if cancelled:
        edition.deliveries.filter(state=State.QUEUED).update(
            state=State.SKIPPED, error="Edition cancelled"
        )
        _freeze_counters(Edition.objects.get(pk=edition.pk))
    return bool(cancelled)


# --- Working the ledger -------------------------------------------------------


def _claimable(now) -> Q:
    return Q(state=State.QUEUED, next_attempt_at__lte=now) | Q(
        state=State.SENDING, lease_until__lt=now
    )


def claim_batch(*, edition_id: int, size: int | None = None) -> tuple[uuid.UUID, list[Delivery]]:
    """Take up to ``size`` due rows of a ``sending`` edition for this worker.

    Returns the claim token and the rows, each annotated with ``subscribed``
    (the subscription is still active right now). No rows when there is
    nothing due or the edition was paused or cancelled.
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
        candidates = Delivery.objects.filter(_claimable(now), edition_id=edition_id)
        if connection.features.has_select_for_update_skip_locked:
            # Parallel workers each lock different rows and never wait for each other.
            candidates = candidates.select_for_update(skip_locked=True)
        ids = list(candidates.order_by("pk").values_list("pk", flat=True)[:size])
        if not ids:
            return token, []
        Delivery.objects.filter(_claimable(now), pk__in=ids).update(
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


def send_batch(
    *,
    edition: Edition,
    token: uuid.UUID,
    rows: list[Delivery],
    pacer: Pacer | None = None,
    template: wire.EditionTemplate | None = None,
) -> dict[str, int]:
    """Send the claimed ``rows`` over one SMTP connection; return outcome counts.

    ``template`` (from ``wire_template``) saves building it again per batch.
    """
    outcome = dict.fromkeys(["sent", "retry", "failed", "skipped"], 0)
    gone = [row.pk for row in rows if row.subscriber is None or not row.subscribed]
    if gone:
        outcome["skipped"] = Delivery.objects.filter(
            pk__in=gone, claim=token, state=State.SENDING
        ).update(state=State.SKIPPED, claim=None, lease_until=None, error="No longer subscribed")
    gone = set(gone)
    to_send = [row for row in rows if row.pk not in gone]
    mailer = mailers.default
    fast = None
    if isinstance(mailer, SMTPBackend):
        template = template or wire_template(edition)
        if template is not None:
            fast = (template, mailer.prep_address(edition.newsletter.from_header))
    try:
        mailer.open()
    except OSError as exc:
        # The server is unreachable: every row waits its backoff, none is lost.
        for row in to_send:
            _retry_later(row, token, f"Could not connect: {exc}")
        outcome["retry"] += len(to_send)
        return outcome
    try:
        with SentMarks() as marks:
            for row in to_send:
                if pacer and pacer.rate:
                    marks.wait()  # the budget may live in a database cache
                    pacer.wait()
                result = _send_one(mailer, edition, row, fast)
                _record(row, token, result, marks)
                outcome[result[0]] += 1
    finally:
        _close_quietly(mailer)
        Edition.objects.filter(pk=edition.pk).update(last_activity_at=timezone.now())
    return outcome


def wire_template(edition: Edition) -> wire.EditionTemplate | None:
    """The edition serialised once for the SMTP fast path; None: build each message in full."""
    try:
        return wire.EditionTemplate(edition)
    except wire.TemplateUnavailable:
        logger.warning("Edition %s: no wire template; building each message", edition.pk)
        return None


def _send_one(mailer, edition: Edition, row: Delivery, fast) -> tuple[str, str]:
    """Hand one message to the server: ("sent", message_id) / ("retry" | "failed", why)."""
    copy = fast[0].render(subscriber=row.subscriber, delivery_id=row.pk) if fast else None
    try:
        if copy is not None:
            if mailer.connection is None:  # closed after an error earlier in the batch
                mailer.open()
            mailer.connection.sendmail(fast[1], [copy.envelope_to], copy.data)
            return "sent", copy.message_id
        message = messages.build_message(
            edition=edition, subscriber=row.subscriber, delivery_id=row.pk
        )
        mailer.send_messages([message])
    except smtplib.SMTPRecipientsRefused as exc:
        code, reason = next(iter(exc.recipients.values()))
        return _by_code(code, reason)
    except smtplib.SMTPSenderRefused as exc:
        # Our envelope sender was refused: not the reader's fault, never suppress.
        _close_quietly(mailer)
        return "retry", f"Sender refused: {exc.smtp_code} {exc.smtp_error!r}"
    except smtplib.SMTPResponseException as exc:
        return _by_code(exc.smtp_code, exc.smtp_error)
    except (smtplib.SMTPException, OSError) as exc:
        # Timeouts and dropped connections: the message may or may not have
        # arrived. Retry (a possible duplicate) rather than lose the reader.
        _close_quietly(mailer)
        return "retry", f"{type(exc).__name__}: {exc}"
    return "sent", message.extra_headers["Message-ID"]


def _by_code(code: int, reason) -> tuple[str, str]:
    text = reason.decode(errors="replace") if isinstance(reason, bytes) else str(reason)
    return ("failed" if 500 <= code < 600 else "retry"), f"{code} {text}"[:500]


def _record(row: Delivery, token: uuid.UUID, result: tuple[str, str], marks: SentMarks) -> None:
    kind, detail = result
    if kind == "sent":
        # Whoever holds the row now, it went out: never let it be sent again.
        marks.mark(row.pk, detail)
        return
    marks.wait()  # the previous mark's answer first: one query at a time
    if kind == "retry":
        _retry_later(row, token, detail)
    else:
        Delivery.objects.filter(pk=row.pk, claim=token).update(
            state=State.FAILED, claim=None, lease_until=None, error=detail
        )
        subscriptions.suppress(address=row.subscriber.email, reason="bounce")
        logger.info("Delivery %s failed permanently (%s); address suppressed", row.pk, detail)


def _retry_later(row: Delivery, token: uuid.UUID, detail: str) -> None:
    attempts = row.attempts  # already counts this attempt (the claim incremented it)
    if attempts >= settings.NEWSLETTER_MAX_ATTEMPTS:
        Delivery.objects.filter(pk=row.pk, claim=token).update(
            state=State.FAILED,
            claim=None,
            lease_until=None,
            error=f"Gave up after {attempts} attempts: {detail}"[:500],
        )
        return
    backoff = settings.NEWSLETTER_RETRY_BACKOFF * 2 ** (attempts - 1)
    Delivery.objects.filter(pk=row.pk, claim=token).update(
        state=State.QUEUED,
        claim=None,
        lease_until=None,
        next_attempt_at=timezone.now() + timedelta(seconds=backoff),
        error=detail[:500],
    )


def _close_quietly(mailer) -> None:
    try:
        mailer.close()
    except Exception:
        logger.warning("Closing the SMTP connection failed", exc_info=True)


def finish_if_done(*, edition_id: int) -> bool:
    """Mark the edition ``sent`` if nothing is queued or sending. True if finished."""
    with transaction.atomic():
        edition = Edition.objects.select_for_update().get(pk=edition_id)
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


def run(
    *,
    edition_id: int,
    wait: bool = False,
    on_batch: Callable[[dict[str, int]], None] | None = None,
    connections: int | None = None,
) -> bool:
    """Work the edition's ledger until nothing is due; True when the edition is finished.

    With ``wait`` (``manage.py send_edition``) it sleeps through retry
    backoffs and other workers' leases until the edition is done, paused or
    cancelled; without it (a task) it returns and the tick comes back later.

    ``connections`` (default ``NEWSLETTER_CONNECTIONS_PER_WORKER``) threads each
    claim their own batches and hold their own SMTP and database connections:
    a worker spends most of its time waiting on SMTP round trips, so a few
    connections multiply its rate. Only on PostgreSQL outside a transaction
    (row locks; each thread must see the others' commits); else one.
    """
    connections = connections or settings.NEWSLETTER_CONNECTIONS_PER_WORKER
    if connections <= 1 or connection.vendor != "postgresql" or connection.in_atomic_block:
        return _work(edition_id=edition_id, wait=wait, on_batch=on_batch, pacer=None)
    pacer = Pacer(settings.NEWSLETTER_SEND_RATE)  # one budget for all the threads
    lock = threading.Lock()

    def report(outcome):
        with lock:
            on_batch(outcome)

    def thread_work(_):
        try:
            return _work(
                edition_id=edition_id,
                wait=wait,
                on_batch=report if on_batch else None,
                pacer=pacer,
            )
        finally:
            db_connections.close_all()  # this thread's own connection

    with ThreadPoolExecutor(max_workers=connections) as pool:
        finished = list(pool.map(thread_work, range(connections)))
    return any(finished) or finish_if_done(edition_id=edition_id)


def _work(*, edition_id: int, wait: bool, on_batch, pacer: Pacer | None) -> bool:
    edition = Edition.objects.select_related("newsletter").get(pk=edition_id)
    pacer = pacer or Pacer(settings.NEWSLETTER_SEND_RATE)
    template = None
    while True:
        token, rows = claim_batch(edition_id=edition_id)
        if rows:
            if template is None and isinstance(mailers.default, SMTPBackend):
                template = wire_template(edition)
            outcome = send_batch(
                edition=edition, token=token, rows=rows, pacer=pacer, template=template
            )
            if on_batch:
                on_batch(outcome)
            continue
        if finish_if_done(edition_id=edition_id):
            return True
        if not wait or not Edition.objects.filter(pk=edition_id, status=Status.SENDING).exists():
            return False
        time.sleep(_seconds_until_due(edition_id))


def _seconds_until_due(edition_id: int) -> float:
    pending = Delivery.objects.filter(
        edition_id=edition_id, state__in=[State.QUEUED, State.SENDING]
    ).order_by()
    due = [
        pending.filter(state=State.QUEUED).order_by("next_attempt_at").first(),
        pending.filter(state=State.SENDING).order_by("lease_until").first(),
    ]
    moments = [
        row.next_attempt_at if row.state == State.QUEUED else row.lease_until
        for row in due
        if row is not None
    ]
    if not moments:
        return 1.0
    seconds = (min(moments) - timezone.now()).total_seconds()
    return min(max(seconds, 0.2), 5.0)


def send_test(*, edition: Edition, to: str) -> None:
    """Mail the edition as it stands to one staff address, marked as a test.

    Renders a draft afresh (without storing it); the personal links point at
    the public sign-up page, since the staff member need not be a subscriber.
    """
    if not edition.rendered_html:
        rendered = rendering.render_edition(edition)
        edition.rendered_subject = rendered.subject
        edition.rendered_text = rendered.text
        edition.rendered_html = rendered.html
    signup = rendering.public_copy(rendering.UNSUBSCRIBE_PLACEHOLDER, newsletter=edition.newsletter)
    links = {"unsubscribe_url": signup, "preferences_url": signup}
    message = messages.compose(edition, to=to, links=links, subject_prefix="[Test] ")
    mailers.default.send_messages([message])
