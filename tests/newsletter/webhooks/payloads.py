"""What the tracking-webhook tests share: the site's URLs with two ESPs' webhooks,
and the payloads Postmark and Mailgun send, built as their documentation shows them."""

import base64
import hashlib
import hmac
import json

from django.urls import include, path

from newsletter.addresses import address_hash
from newsletter.models import Delivery, Subscription, Suppression
from newsroom.urls import tracking_webhooks
from newsroom.urls import urlpatterns as site_urlpatterns

# The site answers the webhook of the ESP EMAIL_URL names; these tests play
# two ESPs, so they add both webhooks to the site's URLs.
urlpatterns = [
    path(
        "anymail/",
        include(
            (
                tracking_webhooks("anymail.backends.postmark.EmailBackend")
                + tracking_webhooks("anymail.backends.mailgun.EmailBackend"),
                "anymail",
            )
        ),
    ),
    *site_urlpatterns,
]
SECRET = "hooks:s3cret-shared"
MAILGUN_KEY = "mg-test-signing-key-0f3c"
POSTMARK = "/anymail/postmark/tracking/"
MAILGUN = "/anymail/mailgun/tracking/"
MESSAGE_ID = "883953f4-6105-42a2-a16a-77a8eac79483"
MAILGUN_MESSAGE_ID = "20261201153012.1.6A1C2E9B@mg.example.org"


def basic(secret=SECRET):
    return {"Authorization": "Basic " + base64.b64encode(secret.encode()).decode()}


def post(client, url, payload, headers=None):
    return client.post(
        url,
        json.dumps(payload),
        content_type="application/json",
        headers=basic() if headers is None else headers,
    )


def postmark_bounce(email="reader@example.org", metadata=None, **fields):
    """A Postmark bounce webhook, as Postmark's documentation shows one."""
    return {
        "RecordType": "Bounce",
        "MessageStream": "broadcast",
        "ID": 4323372036854775807,
        "Type": "HardBounce",
        "TypeCode": 1,
        "Name": "Hard bounce",
        "Tag": "tuesday-briefing",
        "MessageID": MESSAGE_ID,
        "Metadata": metadata or {},
        "ServerID": 23,
        "Description": "The server was unable to deliver your message (ex: unknown user, "
        "mailbox not found).",
        "Details": "smtp;550 5.1.1 The email account that you tried to reach does not exist.",
        "Email": email,
        "From": "news@example.org",
        "BouncedAt": "2026-12-01T16:33:54.9070259Z",
        "DumpAvailable": True,
        "Inactive": True,
        "CanActivate": True,
        "Subject": "Tuesday Briefing",
        **fields,
    }


def postmark_complaint(email="reader@example.org", metadata=None):
    return postmark_bounce(
        email,
        metadata,
        RecordType="SpamComplaint",
        ID=42,
        Type="SpamComplaint",
        TypeCode=512,
        Name="Spam complaint",
        Description="",
        Details="Test spam complaint details",
        BouncedAt="2026-12-02T08:00:00Z",
        CanActivate=False,
    )


def postmark_delivery(email="reader@example.org", metadata=None, at="2026-12-01T16:30:00Z"):
    return {
        "RecordType": "Delivery",
        "ServerID": 23,
        "MessageStream": "broadcast",
        "MessageID": MESSAGE_ID,
        "Recipient": email,
        "Tag": "tuesday-briefing",
        "DeliveredAt": at,
        "Details": "smtp;250 2.0.0 OK",
        "Metadata": metadata or {},
    }


def mailgun_event(event_data, *, key=MAILGUN_KEY, token="a8ce0edb2dd8301dee6c240523558"):
    """A Mailgun webhook: the event, signed the way Mailgun signs (HMAC-SHA256 of
    timestamp + token with the webhook signing key)."""
    timestamp = "1796142612"
    signature = hmac.new(key.encode(), f"{timestamp}{token}".encode(), hashlib.sha256)
    return {
        "signature": {"timestamp": timestamp, "token": token, "signature": signature.hexdigest()},
        "event-data": event_data,
    }


def mailgun_data(event, recipient="reader@example.org", delivery=None, **fields):
    return {
        "id": "G9Bn5sl1TC6nu79C8C0bwg",
        "timestamp": 1796142612.501324,
        "log-level": "error",
        "event": event,
        "recipient": recipient,
        "recipient-domain": recipient.rpartition("@")[2],
        "tags": ["tuesday-briefing"],
        "campaigns": [],
        "user-variables": {"delivery": str(delivery.pk)} if delivery else {},
        "envelope": {
            "sender": "news@mg.example.org",
            "transport": "smtp",
            "targets": recipient,
            "sending-ip": "209.61.154.250",
        },
        "flags": {"is-routed": False, "is-authenticated": True, "is-test-mode": False},
        "message": {
            "headers": {
                "to": f"<{recipient}>",
                "message-id": MAILGUN_MESSAGE_ID,
                "from": "The Newsroom <news@mg.example.org>",
                "subject": "Tuesday Briefing",
            },
            "attachments": [],
            "size": 21421,
        },
        **fields,
    }


def mailgun_failure(severity="permanent", **fields):
    return mailgun_data(
        "failed",
        severity=severity,
        reason="bounce" if severity == "permanent" else "generic",
        **{
            "delivery-status": {
                "attempt-no": 1,
                "code": 550 if severity == "permanent" else 452,
                "message": "5.1.1 The email account that you tried to reach does not exist.",
                "description": "",
                "session-seconds": 0.8,
            },
            **fields,
        },
    )


def suppression(address="reader@example.org"):
    return Suppression.objects.filter(address_hash=address_hash(address)).first()


def statuses(subscriber):
    return set(subscriber.subscriptions.values_list("status", flat=True))


def snapshot():
    """Everything a webhook may change, to show that a call changed nothing."""
    return (
        list(Suppression.objects.values_list("address_hash", "reason")),
        list(Subscription.objects.order_by("pk").values_list("status", "unsubscribed_at")),
        list(
            Delivery.objects.order_by("pk").values_list(
                "state", "tracking_event", "tracking_at", "tracking_detail"
            )
        ),
    )
