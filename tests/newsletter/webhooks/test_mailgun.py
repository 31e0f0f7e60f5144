"""Mailgun's tracking webhook: JSON signed with HMAC-SHA256, plus HTTP Basic auth."""

from datetime import UTC, datetime

import pytest

from newsletter.models import Subscription, Suppression
from tests.newsletter.webhooks.payloads import (
    MAILGUN,
    MAILGUN_MESSAGE_ID,
    basic,
    mailgun_data,
    mailgun_event,
    mailgun_failure,
    post,
    snapshot,
    statuses,
    suppression,
)

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.newsletter.webhooks.payloads")]


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
