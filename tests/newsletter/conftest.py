import re

import pytest
from django.core.cache import cache

from tests.factories import make_newsletter


@pytest.fixture(autouse=True)
def _fresh_throttles():
    """Throttle counters live in the cache; each test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = "https://news.example.org"


@pytest.fixture
def briefing(db):
    return make_newsletter(name="Tuesday Briefing", slug="tuesday-briefing")


@pytest.fixture
def dispatch(db):
    return make_newsletter(name="Friday Dispatch", slug="friday-dispatch")


def link_in(message, kind="confirm"):
    """The first /newsletters/<kind>/… link in the plain-text part, as a path."""
    match = re.search(rf"https://news\.example\.org(/newsletters/{kind}/[^\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


@pytest.fixture
def smtp_sink(settings):
    """A real SMTP server on a free port, made the default mailer."""
    from tests.smtp import start_sink

    sink, controller, port = start_sink()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 10},
        }
    }
    sink.port = port
    yield sink
    controller.stop()


@pytest.fixture
def fast_sending(settings):
    """No pacing and no waiting between retries, so sends finish at once."""
    settings.NEWSLETTER_SEND_RATE = 0
    settings.NEWSLETTER_RETRY_BACKOFF = 0
    settings.NEWSLETTER_BATCH_SIZE = 4
