"""Postmark's tracking webhook through anymail, and how the site wires the webhooks.

Real HTTP posts, through anymail's own views, of the payloads Postmark sends
(JSON, HTTP Basic auth); the Mailgun ones are in ``test_mailgun``.
"""

import os
import subprocess
import sys
from datetime import UTC, datetime

import pytest
from anymail.exceptions import AnymailInsecureWebhookWarning
from django.conf import settings as django_settings
from django.utils import timezone

from newsletter.models import Delivery, Subscriber, Subscription, Suppression
from newsroom.urls import tracking_webhooks
from tests.factories import make_subscriber
from tests.newsletter.webhooks.payloads import (
    MAILGUN_KEY,
    MESSAGE_ID,
    POSTMARK,
    SECRET,
    basic,
    post,
    postmark_bounce,
    postmark_complaint,
    postmark_delivery,
    snapshot,
    statuses,
    suppression,
)

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.newsletter.webhooks.payloads")]


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
