"""Bounces and complaints arrive through anymail's tracking webhooks.

Real HTTP posts, through anymail's own views, of the payloads the ESPs send:
Postmark (JSON, HTTP Basic auth) and Mailgun (JSON signed with HMAC-SHA256,
plus Basic auth).
"""

import base64
import hashlib
import hmac
import json
import os
import subprocess
import sys
from datetime import UTC, datetime

import pytest
from anymail.exceptions import AnymailInsecureWebhookWarning
from django.conf import settings as django_settings
from django.urls import include, path
from django.utils import timezone

from newsletter.addresses import address_hash
from newsletter.models import Delivery, Subscriber, Subscription, Suppression
from newsroom.urls import tracking_webhooks
from newsroom.urls import urlpatterns as site_urlpatterns
from tests.factories import make_edition, make_subscriber

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
pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]

SECRET = "hooks:s3cret-shared"
MAILGUN_KEY = "mg-test-signing-key-0f3c"
POSTMARK = "/anymail/postmark/tracking/"
MAILGUN = "/anymail/mailgun/tracking/"
MESSAGE_ID = "883953f4-6105-42a2-a16a-77a8eac79483"
MAILGUN_MESSAGE_ID = "20261201153012.1.6A1C2E9B@mg.example.org"


@pytest.fixture(autouse=True)
def _anymail(settings):
    settings.ANYMAIL = {"WEBHOOK_SECRET": SECRET, "MAILGUN_WEBHOOK_SIGNING_KEY": MAILGUN_KEY}


@pytest.fixture
def reader(briefing, dispatch):
    return make_subscriber("Reader@Example.org", active=[briefing, dispatch])


@pytest.fixture
def delivery(briefing, reader):
    """The edition's row for ``reader``: sent, with the ESP's message id."""
    return Delivery.objects.create(
        edition=make_edition(briefing),
        subscriber=reader,
        state=Delivery.State.SENT,
        sent_at=timezone.now(),
        message_id=MESSAGE_ID,
    )


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


# --- Postmark ----------------------------------------------------------------


def test_a_postmark_bounce_suppresses_the_reader_and_notes_it_on_the_delivery(
    client, reader, delivery
):
    response = post(client, POSTMARK, postmark_bounce(metadata={"delivery": str(delivery.pk)}))

    assert response.status_code == 200
    assert suppression().reason == Suppression.Reason.BOUNCE
    assert statuses(reader) == {Subscription.Status.UNSUBSCRIBED}
    delivery.refresh_from_db()
    assert delivery.tracking_event == "bounced"
    assert delivery.tracking_at == datetime(2026, 12, 1, 16, 33, 54, 907025, tzinfo=UTC)
    assert delivery.tracking_detail.startswith("The server was unable to deliver")
    assert delivery.state == Delivery.State.SENT  # the sending process's record stands


def test_a_postmark_soft_bounce_is_noted_but_keeps_the_reader(client, reader, delivery):
    """A full mailbox is a passing fault: the reader stays subscribed."""
    soft = postmark_bounce(
        metadata={"delivery": str(delivery.pk)},
        Type="SoftBounce",
        TypeCode=4096,
        Name="Soft bounce",
        Description="The server could not temporarily deliver your message (mailbox full).",
        Inactive=False,
    )
    response = post(client, POSTMARK, soft)

    assert response.status_code == 200
    assert not Suppression.objects.exists()
    assert statuses(reader) == {Subscription.Status.ACTIVE}
    delivery.refresh_from_db()
    assert delivery.tracking_event == "bounced"
    assert "mailbox full" in delivery.tracking_detail


def test_a_postmark_spam_complaint_is_found_by_message_id_without_metadata(
    client, reader, delivery
):
    response = post(client, POSTMARK, postmark_complaint())

    assert response.status_code == 200
    assert suppression().reason == Suppression.Reason.COMPLAINT
    assert statuses(reader) == {Subscription.Status.UNSUBSCRIBED}
    delivery.refresh_from_db()
    assert delivery.tracking_event == "complained"
    assert delivery.tracking_detail == "Test spam complaint details"  # no description: Details


def test_a_replayed_bounce_changes_nothing_more(client, reader, delivery):
    payload = postmark_bounce(metadata={"delivery": str(delivery.pk)})
    assert post(client, POSTMARK, payload).status_code == 200
    after_first = snapshot()

    assert post(client, POSTMARK, payload).status_code == 200

    assert snapshot() == after_first
    assert Suppression.objects.count() == 1


def test_a_bounce_for_an_address_we_do_not_know_still_suppresses_it(client, reader):
    response = post(client, POSTMARK, postmark_bounce("Stranger@Example.net"))

    assert response.status_code == 200
    assert suppression("stranger@example.net").reason == Suppression.Reason.BOUNCE
    assert not Subscriber.objects.filter(email_key="stranger@example.net").exists()
    assert statuses(reader) == {Subscription.Status.ACTIVE}


def test_a_delivery_is_noted_and_suppresses_no_one(client, reader, delivery):
    response = post(client, POSTMARK, postmark_delivery(metadata={"delivery": str(delivery.pk)}))

    assert response.status_code == 200
    assert Suppression.objects.count() == 0
    assert statuses(reader) == {Subscription.Status.ACTIVE}
    delivery.refresh_from_db()
    assert (delivery.tracking_event, delivery.tracking_detail) == ("delivered", "smtp;250 2.0.0 OK")


def test_the_row_keeps_the_newest_event_whatever_order_they_arrive_in(client, delivery):
    metadata = {"delivery": str(delivery.pk)}
    post(client, POSTMARK, postmark_bounce(metadata=metadata))  # 16:33:54
    post(client, POSTMARK, postmark_delivery(metadata=metadata, at="2026-12-01T16:30:00Z"))
    delivery.refresh_from_db()
    assert delivery.tracking_event == "bounced"

    post(client, POSTMARK, postmark_complaint(metadata=metadata))  # the next day
    delivery.refresh_from_db()
    assert delivery.tracking_event == "complained"


def test_an_esp_rejection_is_noted_but_suppresses_no_one(client, reader, delivery):
    blocked = postmark_bounce(
        Type="Blocked", Name="Blocked", Description="ISP block", MessageID=MESSAGE_ID
    )
    response = post(client, POSTMARK, blocked)

    assert response.status_code == 200
    assert Suppression.objects.count() == 0
    assert statuses(reader) == {Subscription.Status.ACTIVE}
    delivery.refresh_from_db()
    assert (delivery.tracking_event, delivery.tracking_detail) == ("rejected", "ISP block")


def test_opens_and_clicks_change_nothing(client, reader, delivery):
    before = snapshot()
    opened = {
        "RecordType": "Open",
        "MessageStream": "broadcast",
        "FirstOpen": True,
        "MessageID": MESSAGE_ID,
        "Recipient": "reader@example.org",
        "ReceivedAt": "2026-12-01T17:00:00Z",
        "Metadata": {"delivery": str(delivery.pk)},
        "UserAgent": "Mozilla/5.0",
    }
    assert post(client, POSTMARK, opened).status_code == 200
    assert snapshot() == before


def test_metadata_naming_someone_elses_row_marks_no_row(client, briefing, reader, delivery):
    other = Delivery.objects.create(
        edition=delivery.edition,
        subscriber=make_subscriber("other@example.org", active=[briefing]),
        state=Delivery.State.SENT,
        sent_at=timezone.now(),
    )
    post(client, POSTMARK, postmark_bounce(metadata={"delivery": str(other.pk)}))

    other.refresh_from_db()
    assert other.tracking_event == ""
    assert suppression().reason == Suppression.Reason.BOUNCE  # the bouncing address still goes


@pytest.mark.parametrize(
    "headers",
    [
        {},
        basic("hooks:wrong"),
        {"Authorization": "Basic %%%"},
        {"Authorization": f"Bearer {SECRET}"},
    ],
    ids=["none", "wrong secret", "garbled", "not basic"],
)
def test_a_postmark_call_without_the_secret_is_refused_and_changes_nothing(
    client, reader, delivery, headers
):
    before = snapshot()
    response = post(client, POSTMARK, postmark_bounce(), headers=headers)

    assert response.status_code == 400
    assert snapshot() == before
    assert statuses(reader) == {Subscription.Status.ACTIVE}


def test_without_a_webhook_secret_basic_auth_webhooks_act_on_nothing(
    client, settings, reader, delivery
):
    """anymail alone would accept anyone's call (with a warning)."""
    settings.ANYMAIL = {"MAILGUN_WEBHOOK_SIGNING_KEY": MAILGUN_KEY}
    before = snapshot()
    with pytest.warns(AnymailInsecureWebhookWarning):
        response = post(client, POSTMARK, postmark_bounce(), headers={})

    assert response.status_code == 400
    assert snapshot() == before


def test_the_hand_made_webhook_is_gone(client, reader):
    response = post(client, "/newsletters/hooks/bounces/", {"event_type": "bounced"})
    assert response.status_code == 404
    assert Suppression.objects.count() == 0


def test_the_site_answers_only_the_webhook_of_the_esp_it_sends_through():
    code = (
        "from django.urls import resolve, Resolver404\n"
        "for esp in ['postmark', 'mailgun', 'amazon_ses']:\n"
        "    try: print(esp, resolve(f'/anymail/{esp}/tracking/').url_name)\n"
        "    except Resolver404: print(esp, None)\n"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=django_settings.BASE_DIR,
        env={**os.environ, "EMAIL_URL": "anymail+postmark://server-token@"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[:3] == [
        "postmark postmark_tracking_webhook",
        "mailgun None",
        "amazon_ses None",
    ]


def test_a_site_sending_over_smtp_has_no_esp_webhook():
    assert tracking_webhooks("django.core.mail.backends.smtp.EmailBackend") == []
    assert tracking_webhooks("anymail.backends.test.EmailBackend") == []


# --- Mailgun -----------------------------------------------------------------


def test_a_signed_mailgun_permanent_failure_suppresses_the_reader(client, reader, delivery):
    response = post(client, MAILGUN, mailgun_event(mailgun_failure(delivery=delivery)))

    assert response.status_code == 200
    assert suppression().reason == Suppression.Reason.BOUNCE
    assert statuses(reader) == {Subscription.Status.UNSUBSCRIBED}
    delivery.refresh_from_db()
    assert delivery.tracking_event == "bounced"
    assert delivery.tracking_at == datetime.fromtimestamp(1796142612.501324, tz=UTC)
    assert "does not exist" in delivery.tracking_detail


def test_a_mailgun_complaint_is_found_by_message_id(client, reader, delivery):
    delivery.message_id = f"<{MAILGUN_MESSAGE_ID}>"  # anymail's form of Mailgun's id
    delivery.save(update_fields=["message_id"])

    response = post(client, MAILGUN, mailgun_event(mailgun_data("complained")))

    assert response.status_code == 200
    assert suppression().reason == Suppression.Reason.COMPLAINT
    delivery.refresh_from_db()
    assert delivery.tracking_event == "complained"


def test_a_mailgun_temporary_failure_is_noted_as_deferred_and_suppresses_no_one(
    client, reader, delivery
):
    response = post(client, MAILGUN, mailgun_event(mailgun_failure("temporary", delivery=delivery)))

    assert response.status_code == 200
    assert Suppression.objects.count() == 0
    assert statuses(reader) == {Subscription.Status.ACTIVE}
    delivery.refresh_from_db()
    assert delivery.tracking_event == "deferred"


def test_a_replayed_mailgun_event_changes_nothing_more(client, reader, delivery):
    payload = mailgun_event(mailgun_failure(delivery=delivery))
    assert post(client, MAILGUN, payload).status_code == 200
    after_first = snapshot()

    assert post(client, MAILGUN, payload).status_code == 200
    assert snapshot() == after_first


@pytest.mark.parametrize(
    ("payload", "headers"),
    [
        (mailgun_event(mailgun_failure(), key="not-our-signing-key"), None),
        ({"event-data": mailgun_failure()}, None),  # unsigned
        (mailgun_event(mailgun_failure()), basic("hooks:wrong")),  # signed, wrong Basic auth
    ],
    ids=["wrong signature", "unsigned", "wrong basic auth"],
)
def test_a_bad_mailgun_call_is_refused_and_changes_nothing(
    client, reader, delivery, payload, headers
):
    before = snapshot()
    response = post(client, MAILGUN, payload, headers=headers)

    assert response.status_code == 400
    assert snapshot() == before
    assert statuses(reader) == {Subscription.Status.ACTIVE}
