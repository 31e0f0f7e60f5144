"""The bounce and complaint webhook (anymail's normalized tracking events)."""

import base64
import json

import pytest

from newsletter.addresses import address_hash
from newsletter.models import Subscription, Suppression
from tests.factories import make_subscriber

pytestmark = pytest.mark.django_db

URL = "/newsletters/hooks/bounces/"
SECRET = "mailer:s3cret-shared"


@pytest.fixture(autouse=True)
def _secret(settings):
    settings.NEWSLETTER_WEBHOOK_SECRET = SECRET


def basic(secret=SECRET):
    return {"Authorization": "Basic " + base64.b64encode(secret.encode()).decode()}


def post(client, body, headers=None):
    data = body if isinstance(body, (str, bytes)) else json.dumps(body)
    return client.post(URL, data, content_type="application/json", headers=headers or basic())


def suppressed(address):
    return Suppression.objects.filter(address_hash=address_hash(address)).first()


def test_a_bounce_suppresses_the_address_and_ends_its_subscriptions(client, briefing):
    reader = make_subscriber("Bouncy@Example.org", active=[briefing])
    response = post(client, {"event_type": "bounced", "recipient": "bouncy@example.org"})
    assert response.status_code == 200
    assert response.json() == {"suppressed": 1}
    assert suppressed("bouncy@example.org").reason == Suppression.Reason.BOUNCE
    assert reader.subscriptions.get().status == Subscription.Status.UNSUBSCRIBED


def test_a_list_of_events_suppresses_complaints_and_ignores_deliveries(client, briefing):
    make_subscriber("angry@example.org", active=[briefing])
    happy = make_subscriber("happy@example.org", active=[briefing])
    events = [
        {"event_type": "complained", "recipient": "angry@example.org"},
        {"event_type": "delivered", "recipient": "happy@example.org"},
    ]
    response = post(client, events, headers={"Authorization": f"Bearer {SECRET}"})
    assert response.status_code == 200
    assert suppressed("angry@example.org").reason == Suppression.Reason.COMPLAINT
    assert suppressed("happy@example.org") is None
    assert happy.subscriptions.get().status == Subscription.Status.ACTIVE


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("not json", "not JSON"),
        ([], "non-empty list"),
        ([{"event_type": "bounced", "recipient": "ok@example.org"}, "x"], "Event 2 is not"),
        (
            [
                {"event_type": "bounced", "recipient": "ok@example.org"},
                {"event_type": "exploded", "recipient": "ok2@example.org"},
            ],
            "unknown event_type 'exploded'",
        ),
        (
            [
                {"event_type": "bounced", "recipient": "ok@example.org"},
                {"event_type": "bounced", "recipient": "not an address"},
            ],
            "is not an email address",
        ),
        ({"event_type": "complained"}, "None is not an email address"),
    ],
)
def test_bad_input_answers_400_and_suppresses_no_one(client, briefing, body, message):
    reader = make_subscriber("ok@example.org", active=[briefing])
    response = post(client, body)
    assert response.status_code == 400
    assert message in response.json()["error"]
    assert Suppression.objects.count() == 0
    assert reader.subscriptions.get().status == Subscription.Status.ACTIVE


@pytest.mark.parametrize(
    "headers",
    [{}, basic("mailer:wrong"), {"Authorization": "Basic %%%"}, {"Authorization": "Bearer no"}],
)
def test_without_the_shared_secret_nothing_happens(client, briefing, headers):
    make_subscriber("ok@example.org", active=[briefing])
    response = client.post(
        URL,
        json.dumps({"event_type": "bounced", "recipient": "ok@example.org"}),
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 401
    assert Suppression.objects.count() == 0


def test_the_webhook_is_off_without_a_secret_and_takes_only_post(client, settings):
    assert client.get(URL).status_code == 405
    settings.NEWSLETTER_WEBHOOK_SECRET = ""
    response = post(client, {"event_type": "bounced", "recipient": "ok@example.org"})
    assert response.status_code == 404
    assert Suppression.objects.count() == 0
