"""Fixtures of the tracking-webhook tests: anymail's secrets, a reader and their delivery."""

import pytest
from django.utils import timezone

from newsletter.models import Delivery
from tests.factories import make_edition, make_subscriber
from tests.newsletter.webhooks.payloads import MAILGUN_KEY, MESSAGE_ID, SECRET


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
