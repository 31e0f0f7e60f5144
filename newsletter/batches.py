"""Sending one claimed batch: one SMTP connection, each row marked as its answer comes.

The per-recipient outcome rules live here: 250 marks the row sent (time and
Message-ID) at once; 4xx and timeouts put it back in the queue with
exponential backoff; 5xx fails it and suppresses the address; anyone no longer
subscribed when the batch is claimed is skipped. ``newsletter.sending`` claims
the batches and decides when an edition is done.

A 5xx that is about us rather than one reader (our login refused, our sender
refused, the server refusing us at its greeting, or a feature our settings
need missing) would fail every message the same way: the batch stops, its
``SendStopped`` tells the caller to stop the edition (``sending.fail`` puts
the unsent rows back in the queue). 4xx answers there stay temporary.
"""

import logging
import smtplib
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.mail import mailers
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.utils import timezone

from newsletter import messages, subscriptions, wire
from newsletter.marking import SentMarks
from newsletter.models import Delivery, Edition
from newsletter.pacing import Pacer

logger = logging.getLogger(__name__)

State = Delivery.State


class SendStopped(Exception):
    """The send cannot go on until someone fixes our side (the message says what)."""


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
        if reason := _our_fault(exc):
            raise SendStopped(reason) from exc
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
                if result[0] == "stop":
                    raise SendStopped(result[1])
                _record(row, token, result, marks)
                outcome["failed" if result[0] == "unsendable" else result[0]] += 1
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
    """Hand one message to the server: ("sent", message_id) / (kind, why).

    Kinds: "retry", "failed" (the reader's server refused it: suppress),
    "unsendable" (this reader's copy cannot be built) and "stop" (see
    ``_our_fault``).
    """
    try:
        copy = fast[0].render(subscriber=row.subscriber, delivery_id=row.pk) if fast else None
    except ValueError as exc:
        return "unsendable", f"The message could not be built: {exc}"
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
    except ValueError as exc:
        # A header of this reader's copy cannot be written (an address stored
        # with a control character): no server saw it, and no retry will help.
        return "unsendable", f"The message could not be built: {exc}"
    except smtplib.SMTPRecipientsRefused as exc:
        code, reason = next(iter(exc.recipients.values()))
        return _by_code(code, reason)
    except (
        smtplib.SMTPSenderRefused,
        smtplib.SMTPAuthenticationError,
        smtplib.SMTPConnectError,
    ) as exc:
        # About us, not the reader (a reconnect's login, our envelope sender):
        # never suppress; permanent ones stop the send.
        _close_quietly(mailer)
        if reason := _our_fault(exc):
            return "stop", reason
        return "retry", f"{type(exc).__name__}: {exc}"
    except smtplib.SMTPResponseException as exc:
        return _by_code(exc.smtp_code, exc.smtp_error)
    except (smtplib.SMTPException, OSError) as exc:
        # Timeouts and dropped connections: the message may or may not have
        # arrived. Retry (a possible duplicate) rather than lose the reader.
        _close_quietly(mailer)
        return "retry", f"{type(exc).__name__}: {exc}"
    return "sent", message.extra_headers["Message-ID"]


def _our_fault(exc: OSError) -> str:
    """Why ``exc`` stops the whole send, or "" if it is temporary or about one reader.

    Permanent: a 5xx to our login, our envelope sender or the connection
    itself, and the server lacking what our settings ask for (AUTH, STARTTLS).
    Not: 4xx answers, timeouts and unreachable servers (they may pass), and
    5xx to one recipient (that reader's address; suppressed, as ever).
    """
    what = {
        smtplib.SMTPAuthenticationError: "The mail server refused our login",
        smtplib.SMTPSenderRefused: "The mail server refused our sender address",
        smtplib.SMTPConnectError: "The mail server refused the connection",
    }
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return f"The mail server does not support what the mail settings ask for: {exc}"
    for kind, text in what.items():
        if isinstance(exc, kind) and 500 <= exc.smtp_code < 600:
            detail = exc.smtp_error
            detail = detail.decode(errors="replace") if isinstance(detail, bytes) else detail
            return f"{text}: {exc.smtp_code} {detail}"[:500]
    return ""


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
    elif kind == "unsendable":
        _mark_failed(row, token, detail)  # our data, not the reader's mailbox: no suppression
    else:
        _mark_failed(row, token, detail)
        subscriptions.suppress(address=row.subscriber.email, reason="bounce")
        logger.info("Delivery %s failed permanently (%s); address suppressed", row.pk, detail)


def _retry_later(row: Delivery, token: uuid.UUID, detail: str) -> None:
    attempts = row.attempts  # already counts this attempt (the claim incremented it)
    if attempts >= settings.NEWSLETTER_MAX_ATTEMPTS:
        _mark_failed(row, token, f"Gave up after {attempts} attempts: {detail}")
        return
    backoff = settings.NEWSLETTER_RETRY_BACKOFF * 2 ** (attempts - 1)
    Delivery.objects.filter(pk=row.pk, claim=token).update(
        state=State.QUEUED,
        claim=None,
        lease_until=None,
        next_attempt_at=timezone.now() + timedelta(seconds=backoff),
        error=detail[:500],
    )


def _mark_failed(row: Delivery, token: uuid.UUID, detail: str) -> None:
    Delivery.objects.filter(pk=row.pk, claim=token).update(
        state=State.FAILED, claim=None, lease_until=None, error=detail[:500]
    )


def _close_quietly(mailer) -> None:
    try:
        mailer.close()
    except Exception:
        logger.warning("Closing the SMTP connection failed", exc_info=True)
