"""The subscription process: sign up, confirm, choose, unsubscribe, suppress, erase.

Views, the admin and commands call these functions and hold no rules of
their own. Emails leave through ``transaction.on_commit``, so a rolled-back
sign-up never mails anyone; a sign-up from the web is finished by a task
(``sign_up``), so its request never waits on the mail relay.

The personal links every email carries (``tokens.preferences_url`` and
``tokens.unsubscribe_url``, the RFC 8058 one-click target) live in
``newsletter.tokens``.
"""

import logging
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from newsletter import throttle, tokens
from newsletter.addresses import address_hash, address_key, normalize_address
from newsletter.emails import build_email
from newsletter.models import Newsletter, Subscriber, Subscription, Suppression

logger = logging.getLogger(__name__)

Status = Subscription.Status


# --- Personal links ----------------------------------------------------------


def confirm_url(subscriber: Subscriber, newsletters: Iterable[Newsletter]) -> str:
    token = tokens.confirm_token(subscriber.uid, [n.pk for n in newsletters])
    return settings.SITE_URL + reverse("newsletter:confirm", args=[token])


# --- Signing up --------------------------------------------------------------


def signup_allowed_from(client_ip: str | None) -> bool:
    """Count one sign-up attempt from ``client_ip``; False when over the limit."""
    return throttle.allow(
        f"ip:{client_ip or 'unknown'}",
        limit=settings.NEWSLETTER_SIGNUP_IP_LIMIT,
        window=settings.NEWSLETTER_SIGNUP_IP_WINDOW,
    )


def is_suppressed(address: str) -> bool:
    return Suppression.objects.filter(address_hash=address_hash(address)).exists()


def sign_up(
    *,
    email: str,
    newsletters: Iterable[Newsletter],
    source: str = Subscriber.Source.WEBSITE,
    source_detail: str = "",
) -> None:
    """Take a sign-up from the web: check the address, hand the rest to a task.

    Nothing here reads what we know about the address, so every address
    (new, pending, active, unsubscribed, suppressed) costs the request the
    same work: one enqueue. What to store and whom to mail is decided by
    ``request_subscription`` in the worker, which is also where a slow mail
    relay waits, never a web thread. Raises ``ValidationError`` for an address
    we do not take.
    """
    from newsletter.tasks import process_signup  # the task module imports this one

    address = normalize_address(email)
    newsletter_ids = sorted(n.pk for n in newsletters)
    detail = source_detail[:255]
    transaction.on_commit(
        lambda: process_signup.enqueue(
            email=address, newsletter_ids=newsletter_ids, source=source, source_detail=detail
        )
    )


@transaction.atomic
def request_subscription(
    *,
    email: str,
    newsletters: Iterable[Newsletter],
    source: str = Subscriber.Source.WEBSITE,
    source_detail: str = "",
) -> None:
    """Ask for ``newsletters`` on behalf of ``email``: double opt-in.

    Run by the sign-up task (see ``sign_up``) and by imports: it reads the
    address's state and mails from this process, so a web request that calls
    it directly would show that state in its timing. Returns nothing on
    purpose. New and unsubscribed subscriptions become pending and one
    confirmation mail goes out, at most one per mailbox (plus-tags ignored)
    per ``NEWSLETTER_CONFIRM_EMAIL_WINDOW``; active ones stay as they are; a
    suppressed address gets nothing.
    """
    address = normalize_address(email)
    wanted = [n for n in newsletters if n.is_active]
    if not wanted or is_suppressed(address):
        return
    subscriber, _ = Subscriber.objects.get_or_create(
        email_key=address_key(address),
        defaults={"email": address, "source": source, "source_detail": source_detail[:255]},
    )
    pending = _mark_pending(subscriber, wanted)
    if pending and throttle.allow(
        throttle.address_bucket(address),
        limit=1,
        window=settings.NEWSLETTER_CONFIRM_EMAIL_WINDOW,
    ):
        transaction.on_commit(lambda: send_confirmation(subscriber=subscriber, newsletters=pending))


def _mark_pending(subscriber: Subscriber, newsletters: list[Newsletter]) -> list[Newsletter]:
    """Make every not-yet-active subscription pending; return those newsletters."""
    existing = {
        s.newsletter_id: s
        for s in subscriber.subscriptions.select_for_update().filter(newsletter__in=newsletters)
    }
    pending = []
    for newsletter in newsletters:
        subscription = existing.get(newsletter.pk)
        if subscription is None:
            Subscription.objects.create(subscriber=subscriber, newsletter=newsletter)
        elif subscription.status == Status.UNSUBSCRIBED:
            subscription.status = Status.PENDING
            subscription.save(update_fields=["status"])
        elif subscription.status == Status.ACTIVE:
            continue
        pending.append(newsletter)
    return pending


def send_confirmation(*, subscriber: Subscriber, newsletters: list[Newsletter]) -> None:
    """Mail the double opt-in link. Only the address and our own words go in it."""
    message = build_email(
        "confirm",
        {"confirm_url": confirm_url(subscriber, newsletters), "newsletters": newsletters},
        to=[subscriber.email],
    )
    try:
        message.send()
    except Exception:
        # The visitor sees the same page either way; signing up again later
        # (after the throttle window) sends a fresh link.
        logger.exception("Could not send a confirmation email to subscriber %s", subscriber.pk)


# --- Confirming, choosing, leaving --------------------------------------------


def subscriber_for_confirmation(token: str) -> tuple[Subscriber, list[Newsletter]]:
    """Read a confirmation link; raise ``tokens.BadToken`` if it is not good (any more)."""
    uid, newsletter_ids = tokens.read_confirm_token(token)
    subscriber = Subscriber.objects.filter(uid=uid).first()
    if subscriber is None:
        raise tokens.BadToken
    return subscriber, list(Newsletter.objects.filter(pk__in=newsletter_ids))


@transaction.atomic
def confirm(*, token: str, consent_source: str = "") -> Subscriber:
    """Activate the pending subscriptions a confirmation link names. Idempotent."""
    subscriber, newsletters = subscriber_for_confirmation(token)
    now = timezone.now()
    confirmed = subscriber.subscriptions.filter(newsletter__in=newsletters, status=Status.PENDING)
    if confirmed.update(status=Status.ACTIVE, confirmed_at=now, unsubscribed_at=None):
        _record_consent(subscriber, Subscriber.ConsentMethod.CONFIRMED_EMAIL, consent_source, now)
    return subscriber


def _record_consent(subscriber: Subscriber, method: str, source: str, when) -> None:
    subscriber.consent_at = when
    subscriber.consent_method = method
    subscriber.consent_source = source[:255]
    subscriber.save(update_fields=["consent_at", "consent_method", "consent_source"])


def subscriber_for_preferences(token: str) -> Subscriber:
    uid = tokens.read_personal_token(token)
    subscriber = Subscriber.objects.filter(uid=uid).first()
    if subscriber is None:
        raise tokens.BadToken
    return subscriber


@transaction.atomic
def update_preferences(*, subscriber: Subscriber, newsletters: Iterable[Newsletter]) -> None:
    """Subscribe to exactly ``newsletters`` (active ones), leaving the others.

    Whoever holds the personal link has read mail sent to the address, so a
    newsletter chosen here is active at once.
    """
    chosen = {n.pk: n for n in newsletters if n.is_active}
    now = timezone.now()
    current = {s.newsletter_id: s for s in subscriber.subscriptions.select_for_update()}
    added = False
    for newsletter_id, newsletter in chosen.items():
        subscription = current.get(newsletter_id)
        if subscription is None:
            Subscription.objects.create(
                subscriber=subscriber, newsletter=newsletter, status=Status.ACTIVE, confirmed_at=now
            )
            added = True
        elif subscription.status != Status.ACTIVE:
            subscription.status = Status.ACTIVE
            subscription.confirmed_at = now
            subscription.unsubscribed_at = None
            subscription.save(update_fields=["status", "confirmed_at", "unsubscribed_at"])
            added = True
    leaving = [
        pk for pk, s in current.items() if pk not in chosen and s.status != Status.UNSUBSCRIBED
    ]
    subscriber.subscriptions.filter(newsletter_id__in=leaving).update(
        status=Status.UNSUBSCRIBED, unsubscribed_at=now
    )
    if added:
        _record_consent(
            subscriber, Subscriber.ConsentMethod.PREFERENCE_CENTER, "preference center", now
        )


def unsubscribe(*, subscriber: Subscriber, newsletter_id: int) -> bool:
    """Leave one newsletter (and only that one). Idempotent; True if something changed.

    A single conditional UPDATE: takes effect for every message of a send not
    yet handed to the mail server, which reads the status row by row.
    """
    changed = subscriber.subscriptions.filter(newsletter_id=newsletter_id).exclude(
        status=Status.UNSUBSCRIBED
    )
    return bool(changed.update(status=Status.UNSUBSCRIBED, unsubscribed_at=timezone.now()))


def unsubscribe_by_token(token: str) -> Newsletter | None:
    """Follow a one-click link; raise ``tokens.BadToken`` if tampered with.

    An erased subscriber's old link still "works" (there is nothing left to
    unsubscribe, and the address is suppressed) and returns the newsletter.
    """
    uid, newsletter_id = tokens.read_unsubscribe_token(token)
    newsletter = Newsletter.objects.filter(pk=newsletter_id).first()
    subscriber = Subscriber.objects.filter(uid=uid).first()
    if subscriber is not None:
        unsubscribe(subscriber=subscriber, newsletter_id=newsletter_id)
    return newsletter


def unsubscribe_all(*, subscriber: Subscriber) -> int:
    return subscriber.subscriptions.exclude(status=Status.UNSUBSCRIBED).update(
        status=Status.UNSUBSCRIBED, unsubscribed_at=timezone.now()
    )


# --- Suppression and erasure -------------------------------------------------


@transaction.atomic
def suppress(*, address: str, reason: str) -> Suppression:
    """Never mail ``address`` again (bounce, complaint, staff decision).

    Its subscriptions end; the subscriber record stays for the history. For
    the sending process's bounce and complaint handling.
    """
    suppression, _ = Suppression.objects.get_or_create(
        address_hash=address_hash(address), defaults={"reason": reason}
    )
    subscriber = Subscriber.objects.filter(email_key=address_key(address)).first()
    if subscriber is not None:
        unsubscribe_all(subscriber=subscriber)
    return suppression


@transaction.atomic
def erase(*, subscriber: Subscriber) -> Suppression:
    """Delete everything we hold about a subscriber but a hash of the address.

    The hashed suppression keeps the address from being imported or signed
    up again; the subscriber row and its subscriptions are deleted, so every
    personal link they had stops pointing at anyone.
    """
    suppression, created = Suppression.objects.get_or_create(
        address_hash=subscriber.address_hash, defaults={"reason": Suppression.Reason.ERASED}
    )
    if not created and suppression.reason != Suppression.Reason.ERASED:
        suppression.reason = Suppression.Reason.ERASED
        suppression.save(update_fields=["reason"])
    subscriber.delete()
    return suppression
