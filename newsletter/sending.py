"""Sending an edition: the delivery ledger, worked through by any number of workers.

The process, and the failures it is built to survive (step 3 lives in ``newsletter.batches``):

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

A send that no retry can cure stops with ``fail``: the edition becomes
``failed`` with its reason, rows in flight go back to the queue, and the tick
leaves it alone (it revives only ``sending`` editions). The permanent causes:
a header that cannot be written (``messages.header_problem``), no live piece
left (``start_send``), and an SMTP server that refuses us rather than a
reader (5xx to our login or sender, ``newsletter.batches.SendStopped``).
Once the cause is fixed, ``resume`` carries on from the ledger.

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
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, mailers
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.db import connection, transaction
from django.db import connections as db_connections
from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from newsletter import ledger, messages, rendering
from newsletter.batches import SendStopped, send_batch, wire_template
from newsletter.models import Delivery, Edition, Subscription
from newsletter.pacing import Pacer

logger = logging.getLogger(__name__)

State = Delivery.State
Status = Edition.Status


# --- Starting, pausing, resuming, cancelling --------------------------------


def start_send(*, edition: Edition, by=None, in_process: bool = False) -> Edition:
    """Freeze the audience into the ledger and start sending ``edition`` now.

    Raises ``ValidationError`` unless the edition is a draft or scheduled (or
    failed before it started), has something live in it and headers that can
    be written; pieces no longer live are left out. Safe against double
    clicks: the edition row is locked and its status checked inside the
    transaction. With
    ``in_process`` no task is enqueued: the caller works the ledger with
    ``run`` itself (should it die, the tick still revives the send).
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
        if has_pieces and not rendering.live_links(edition).exists():
            raise ValidationError(
                "None of this edition's pieces is live any more (unpublished, archived or "
                "not yet published): there is nothing to send."
            )
        rendered = rendering.render_edition(edition)
        edition.rendered_subject = rendered.subject
        edition.rendered_text = rendered.text
        edition.rendered_html = rendered.html
        if problem := messages.header_problem(edition):
            raise ValidationError(problem)
        edition.audience_count = ledger.create_deliveries(edition)
        edition.status = Status.SENDING
        edition.started_at = timezone.now()
        edition.last_activity_at = None
        edition.failure_reason = ""
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
    """Carry on a paused send, or a failed one whose cause was fixed. True if it resumed."""
    with transaction.atomic():
        resumable = Q(status=Status.PAUSED) | Q(status=Status.FAILED, started_at__isnull=False)
        resumed = Edition.objects.filter(resumable, pk=edition.pk).update(
            status=Status.SENDING, last_activity_at=None, failure_reason="", finished_at=None
        )
        if resumed:
            tasks = settings.NEWSLETTER_PARALLEL_TASKS
            transaction.on_commit(lambda: enqueue(edition_id=edition.pk, tasks=tasks))
    return bool(resumed)


@transaction.atomic
def cancel(*, edition: Edition) -> bool:
    """Stop for good: every row not yet sent becomes skipped, none is left ``sending``.

    A message a live worker has on the wire may still go out; its worker then
    marks the row sent (a mark overrides any state but sent) and refreshes
    the counters (``finish_if_done``). Rows a dead worker left ``sending`` would
    otherwise stay so for ever, since nothing claims rows of a cancelled edition.
    """
    cancelled = Edition.objects.filter(
        pk=edition.pk,
        status__in=[Status.DRAFT, Status.SCHEDULED, Status.SENDING, Status.PAUSED, Status.FAILED],
    ).update(status=Status.CANCELLED, finished_at=timezone.now())
    if cancelled:
        edition.deliveries.filter(state__in=[State.QUEUED, State.SENDING]).update(
            state=State.SKIPPED, claim=None, lease_until=None, error="Edition cancelled"
        )
        _freeze_counters(Edition.objects.get(pk=edition.pk))
    return bool(cancelled)


def fail(*, edition_id: int, reason: str) -> bool:
    """Stop a send for a reason no retry can cure; True if this call stopped it.

    The edition becomes ``failed`` with ``reason`` (shown in the admin), rows
    in flight go back to the queue uncounted, and the approving editor is
    mailed. Only an edition not yet sent, cancelled or failed can fail (a
    draft or scheduled one when starting it was refused), so a race with a
    cancel or the last batch changes nothing.
    """
    reason = reason[:500]
    with transaction.atomic():
        failed = Edition.objects.filter(
            pk=edition_id,
            status__in=[Status.DRAFT, Status.SCHEDULED, Status.SENDING, Status.PAUSED],
        ).update(status=Status.FAILED, failure_reason=reason, finished_at=timezone.now())
        if not failed:
            return False
        ledger.release(edition_id=edition_id, error=reason)
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
    message = EmailMessage(
        subject=f"Edition {edition.pk} stopped: it could not be sent",
        body=(
            f"The edition “{edition.subject}” stopped and will not be retried "
            f"on its own.\n\nReason: {edition.failure_reason}\n\n"
            "Fix the cause, then send or resume it from its page in the admin: "
            f"{settings.SITE_URL}{reverse('admin:newsletter_edition_change', args=[edition.pk])}\n"
        ),
        to=[user.email],
    )
    try:
        message.send()
    except Exception:
        logger.exception("Could not tell %s that edition %s failed", user.email, edition.pk)


# --- Working the ledger -------------------------------------------------------


def _due(now) -> tuple[Q, Q]:
    """Rows a worker may take: those a dead worker left (lease run out), and waiting ones."""
    return Q(state=State.SENDING, lease_until__lt=now), Q(
        state=State.QUEUED, next_attempt_at__lte=now
    )


def _claimable(now) -> Q:
    expired, waiting = _due(now)
    return expired | waiting


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
        ids = []
        # Rows a dead worker left first, then waiting rows in order: two
        # queries, each walking its own partial index (one query with OR
        # made PostgreSQL collect and sort every waiting row).
        for due in _due(now):
            candidates = Delivery.objects.filter(due, edition_id=edition_id)
            if connection.features.has_select_for_update_skip_locked:
                # Parallel workers each lock different rows and never wait for each other.
                candidates = candidates.select_for_update(skip_locked=True)
            ids += candidates.order_by("pk").values_list("pk", flat=True)[: size - len(ids)]
            if len(ids) >= size:
                break
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


def finish_if_done(*, edition_id: int) -> bool:
    """Mark the edition ``sent`` if nothing is queued or sending. True if finished."""
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
    # Checked by start_send, and again here: the newsletter's sender may have
    # changed since, and a header that cannot be written fails every message.
    if edition.status == Status.SENDING and (problem := messages.header_problem(edition)):
        fail(edition_id=edition_id, reason=problem)
        return False
    pacer = pacer or Pacer(settings.NEWSLETTER_SEND_RATE)
    template = None
    while True:
        token, rows = claim_batch(edition_id=edition_id)
        if rows:
            if template is None and isinstance(mailers.default, SMTPBackend):
                template = wire_template(edition)
            try:
                outcome = send_batch(
                    edition=edition, token=token, rows=rows, pacer=pacer, template=template
                )
            except SendStopped as stop:
                fail(edition_id=edition_id, reason=str(stop))
                return False
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
