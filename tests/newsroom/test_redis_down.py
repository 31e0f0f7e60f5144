"""With the Redis cache down, readers still read and sign up, and staff still sign in.

The cache fails open: a cache error is logged and the request goes on without
it. Two real ways for Redis to be down, both against real sockets: nothing
listens on the port (connection refused at once), and a server that accepts
connections and never answers (each call waits out the 1 s socket timeout).
``/healthz`` still reports the cache as failing.
"""

import socket
import threading
import time

import pytest
from django.core import mail
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.test import override_settings

from articles.models import Article
from newsletter.models import Subscription
from newsroom import page_cache
from tests.factories import make_article, make_newsletter

pytestmark = pytest.mark.django_db

# The production cache (newsroom/settings.py with REDIS_URL set), pointed elsewhere.
TIMEOUTS = {"socket_connect_timeout": 1, "socket_timeout": 1}
# Timeouts are 1 s a call: a request that takes this long is hanging.
WITHIN_SECONDS = 10


@pytest.fixture
def closed_port():
    """A Redis URL where nothing listens: connections are refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"redis://127.0.0.1:{port}/0"


@pytest.fixture
def silent_server():
    """A Redis URL whose server accepts connections and never sends a byte."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.1)
    held = []  # kept open so clients wait for an answer, not for a closed socket
    stop = threading.Event()

    def accept():
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            held.append(connection)

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"redis://127.0.0.1:{listener.getsockname()[1]}/0"
    stop.set()
    thread.join()
    for connection in held:
        connection.close()
    listener.close()


@pytest.fixture(params=["closed_port", "silent_server"])
def redis_down(request):
    """The default cache and the page cache are Redis at a dead address, as in production.

    override_settings as a context manager (rather than the ``settings``
    fixture) puts the working cache back when this fixture ends, before the
    autouse ``_fresh_cache`` fixture clears it; its setting_changed signal
    rebuilds Django's cache handler both ways.
    """
    url = request.getfixturevalue(request.param)
    dead = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "newsroom",
            "OPTIONS": TIMEOUTS,
        }
    }
    with override_settings(CACHES=dead, REDIS_URL=url):
        assert isinstance(caches["default"], RedisCache)
        assert caches["default"]._servers == [url]
        yield
    page_cache._Outage.until = 0  # the next test's cache works from its first request


@pytest.fixture(autouse=True)
def _tasks_run_at_once(settings):
    """A sign-up is finished by a task; here it runs in the request."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def stopwatch():
    """Fails the test if its requests together took long enough to be hanging."""
    started = time.monotonic()
    yield
    elapsed = time.monotonic() - started
    assert elapsed < WITHIN_SECONDS, f"requests took {elapsed:.1f}s against a dead Redis"


@pytest.fixture
def briefing(db):
    """Made while the cache works: saving content drops cached pages (not this test's subject)."""
    return make_newsletter(name="Tuesday Briefing", slug="tuesday-briefing")


def test_a_reader_can_sign_up(
    client, briefing, redis_down, stopwatch, django_capture_on_commit_callbacks, caplog
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/newsletters/subscribe/",
            {"email": "reader@example.org", "newsletters": [briefing.pk]},
        )
    assert response.status_code == 200
    assert "Check your inbox" in response.text
    subscription = Subscription.objects.get()
    assert subscription.status == Subscription.Status.PENDING
    assert subscription.subscriber.email == "reader@example.org"
    [message] = mail.outbox
    assert message.to == ["reader@example.org"]
    # Both limits (per address of the reader, per mailbox) went uncounted, and said so.
    warnings = [r for r in caplog.records if r.name == "newsletter.throttle"]
    assert [r.levelname for r in warnings] == ["WARNING", "WARNING"]


def test_healthz_names_the_cache(client, redis_down, stopwatch):
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "failing"
    assert body["checks"]["cache"]["ok"] is False
    assert body["checks"]["database"]["ok"] is True


@pytest.fixture
def piece(db):
    """Published while the cache works (a save drops cached pages, not this test's subject)."""
    return make_article(title="Still readable")


def test_public_pages_render_uncached(client, piece, redis_down, stopwatch, caplog):
    for _ in range(3):
        response = client.get("/")
        assert response.status_code == 200
        assert "Still readable" in response.text
    # Logged once for the outage, not once per request.
    warnings = [r for r in caplog.records if r.name == "newsroom.page_cache"]
    assert len(warnings) == 1


def test_staff_can_log_in_to_the_admin(client, superuser, redis_down, stopwatch):
    response = client.post(
        "/admin/login/", {"username": "chief", "password": "pw-chief-123", "next": "/admin/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_content_saved_while_the_cache_is_down_is_stored_and_said(redis_down, stopwatch, caplog):
    saved = make_article(title="Filed during the outage")
    assert Article.objects.get(pk=saved.pk).title == "Filed during the outage"
    assert "Could not drop cached pages tagged" in caplog.text
