"""Signed tokens for the links we email.

Personal links (preference center, one-click unsubscribe) never expire: an
edition sits in an inbox for years and its unsubscribe link must still work
(RFC 8058 gives no expiry). They sign the subscriber's random ``uid``, so a
link is one HMAC to build and one indexed lookup to follow, and erasing the
subscriber leaves every old link pointing at nobody.

Confirmation links expire (``NEWSLETTER_CONFIRM_MAX_AGE``) and name the
newsletters asked for, so a link confirms only what was asked in that mail.
"""

import uuid

from django.conf import settings
from django.core import signing
from django.urls import reverse

_PERSONAL = signing.Signer(salt="newsletter.personal")
_UNSUBSCRIBE = signing.Signer(salt="newsletter.unsubscribe")
_CONFIRM_SALT = "newsletter.confirm"


class BadToken(Exception):
    """A token that was tampered with, has expired or is not ours."""


def personal_token(uid: uuid.UUID) -> str:
    return _PERSONAL.sign(uid.hex)


def read_personal_token(token: str) -> uuid.UUID:
    try:
        return uuid.UUID(hex=_PERSONAL.unsign(token))
    except (signing.BadSignature, ValueError):
        raise BadToken from None


def unsubscribe_token(uid: uuid.UUID, newsletter_id: int) -> str:
    return _UNSUBSCRIBE.sign(f"{uid.hex}.{newsletter_id}")


def read_unsubscribe_token(token: str) -> tuple[uuid.UUID, int]:
    try:
        uid, newsletter_id = _UNSUBSCRIBE.unsign(token).split(".")
        return uuid.UUID(hex=uid), int(newsletter_id)
    except (signing.BadSignature, ValueError):
        raise BadToken from None


def confirm_token(uid: uuid.UUID, newsletter_ids: list[int]) -> str:
    return signing.dumps({"s": uid.hex, "n": sorted(newsletter_ids)}, salt=_CONFIRM_SALT)


def read_confirm_token(token: str) -> tuple[uuid.UUID, list[int]]:
    try:
        data = signing.loads(token, salt=_CONFIRM_SALT, max_age=settings.NEWSLETTER_CONFIRM_MAX_AGE)
        return uuid.UUID(hex=data["s"]), [int(n) for n in data["n"]]
    except (signing.BadSignature, ValueError, KeyError, TypeError):
        raise BadToken from None


# --- The personal links, as absolute URLs (no database query) -----------------


def preferences_url(subscriber) -> str:
    """The subscriber's preference center (choose newsletters, leave, erase)."""
    token = personal_token(subscriber.uid)
    return settings.SITE_URL + reverse("newsletter:preferences", args=[token])


def unsubscribe_url(subscriber, newsletter) -> str:
    """The one-click unsubscribe URL for one newsletter (RFC 8058 POST target; GET shows a page)."""
    newsletter_id = newsletter if isinstance(newsletter, int) else newsletter.pk
    token = unsubscribe_token(subscriber.uid, newsletter_id)
    return settings.SITE_URL + reverse("newsletter:unsubscribe", args=[token])
