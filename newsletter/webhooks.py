"""Bounces and complaints from the ESP, through django-anymail's tracking webhooks.

The ESP calls ``/anymail/<esp>/tracking/``; anymail's view checks the call
(HTTP Basic auth with ``ANYMAIL["WEBHOOK_SECRET"]``, and the ESP's signature
where it signs: Mailgun, MailerSend, Postal, …), refuses a bad one with 400,
and sends each event it carries to ``record_tracking_event`` (connected in
``NewsletterConfig.ready``):

- ``bounced`` and ``complained`` suppress the recipient through
  ``subscriptions.suppress``, whether or not we know the address, except a
  bounce the ESP calls soft (``_soft_bounce``);
- those, and ``rejected``, ``failed``, ``deferred`` and ``delivered``, are noted
  on the edition's ``Delivery`` row (``tracking_*``), which never changes
  ``Delivery.state``;
- other events (opened, clicked, …) are acknowledged and change nothing.

ESPs retry a call until it succeeds, so the same event may come twice:
suppressing is idempotent, and a row only takes an event newer than the one
it holds (or, if the ESP gives no time, one that says something new).
"""

import logging

from anymail.exceptions import AnymailWebhookValidationFailure
from anymail.signals import AnymailTrackingEvent
from anymail.utils import get_anymail_setting
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from newsletter import subscriptions
from newsletter.addresses import address_key, normalize_address
from newsletter.models import Delivery, Suppression

logger = logging.getLogger(__name__)

SUPPRESSING = {
    "bounced": Suppression.Reason.BOUNCE,
    "complained": Suppression.Reason.COMPLAINT,
}
# Events that say what became of the message: worth showing on its row.
RECORDED = {"bounced", "complained", "rejected", "failed", "deferred", "delivered"}


def record_tracking_event(sender, event: AnymailTrackingEvent, esp_name: str, **kwargs):
    """anymail's ``tracking`` signal: act on one event from ``esp_name``'s webhook."""
    if _unauthenticated(sender):
        # Raised before anything is written; anymail's view answers 400.
        raise AnymailWebhookValidationFailure(
            f"The {esp_name} tracking webhook needs ANYMAIL_WEBHOOK_SECRET: it checked nothing."
        )
    kind = event.event_type
    if kind not in RECORDED:
        return
    address = _address(event.recipient)
    suppressing = kind in SUPPRESSING and not _soft_bounce(event)
    with transaction.atomic():
        if suppressing and address:
            subscriptions.suppress(address=address, reason=SUPPRESSING[kind])
        noted = _note_on_delivery(event, address)
    logger.info(
        "%s reported %s: %s, %d delivery row(s) updated",
        esp_name,
        kind,
        "address suppressed" if suppressing and address else "nothing suppressed",
        noted,
    )


def _soft_bounce(event: AnymailTrackingEvent) -> bool:
    """A bounce the ESP itself calls temporary (a full mailbox, a server down for now).

    anymail reports these as ``bounced`` for some ESPs; suppressing them would
    drop a reader for good over a passing fault. They are noted on the row only.
    """
    raw = event.esp_event if isinstance(event.esp_event, dict) else {}
    bounce = raw.get("bounce") if isinstance(raw.get("bounce"), dict) else {}
    return (
        raw.get("Type") == "SoftBounce"  # Postmark
        or raw.get("event") == "soft_bounce"  # Brevo
        or bounce.get("bounceType") == "Transient"  # Amazon SES
    )


def _unauthenticated(view_class) -> bool:
    """The view relies on HTTP Basic auth alone and there is no secret to check.

    anymail then accepts any caller (with a warning): an unknown party could
    suppress any address. Views that check the ESP's signature say so with
    ``warn_if_no_basic_auth = False``; Resend and Mailtrap decide that per
    instance, so for them the secret is required too (safe side).
    """
    if get_anymail_setting("webhook_secret", default=None):
        return False
    return getattr(view_class, "warn_if_no_basic_auth", True)


def _address(recipient: str | None) -> str | None:
    try:
        return normalize_address(recipient or "")
    except ValidationError:
        logger.warning("Tracking event without a usable recipient address; ignored.")
        return None


def _note_on_delivery(event: AnymailTrackingEvent, address: str | None) -> int:
    """Note the event on its Delivery row; how many rows changed (0 or 1).

    The row is the one named by the message's metadata (``{"delivery": pk}``,
    set when sending), else the one with the ESP's message id; either way it
    must be the recipient's, so a batch message id or a stray pk cannot mark
    someone else's row.
    """
    rows = Delivery.objects.all()
    if address:
        rows = rows.filter(subscriber__email_key=address_key(address))
    pk = str((event.metadata or {}).get("delivery", ""))
    if pk.isdigit():
        rows = rows.filter(pk=int(pk))
    elif event.message_id and address:
        # The subscriber's rows, through its foreign-key index: message_id
        # has no index, and a batch send may give all recipients one id.
        rows = rows.filter(message_id=event.message_id)
    else:
        return 0
    at = event.timestamp or timezone.now()
    detail = (event.description or event.mta_response or "")[:500]
    news = Q(tracking_at__isnull=True) | (
        Q(tracking_at__lt=at) & ~Q(tracking_event=event.event_type, tracking_detail=detail)
    )
    # The condition sits on the UPDATE of the row itself (PostgreSQL checks it
    # again once it holds the row's lock): two calls about one row at once
    # leave it holding the newer event.
    found = list(rows.values_list("pk", flat=True))
    return Delivery.objects.filter(news, pk__in=found).update(
        tracking_event=event.event_type, tracking_at=at, tracking_detail=detail
    )
