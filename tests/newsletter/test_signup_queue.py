"""A sign-up request only hands the work to the task queue.

Whatever the address's state, the request does the same work and enqueues one
task; the worker decides what to store and whom to mail. So neither the time
a sign-up takes nor a slow mail relay tells anything about the address, and a
relay that hangs holds a worker, never a web thread.
"""

import re

import pytest
from aiosmtpd.controller import Controller
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from newsletter import subscriptions
from newsletter.models import Subscriber, Subscription, Suppression
from tests.factories import make_subscriber
from tests.smtp import SmtpSink, free_port

# The worker closes its database connection between tasks, as in production, which a
# test wrapped in one transaction would not survive on PostgreSQL.
pytestmark = pytest.mark.django_db(transaction=True)

SUBSCRIBE = "/newsletters/subscribe/"
STATES = ["new", "pending", "active", "unsubscribed", "suppressed"]


@pytest.fixture(autouse=True)
def _queue_without_a_worker(settings):
    """Tasks wait in the database, as in production before ``db_worker`` picks them up."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.NEWSLETTER_SIGNUP_IP_LIMIT = 100


@pytest.fixture
def addresses(briefing):
    """One address in each state a sign-up can meet, by state."""
    make_subscriber("active@example.org", active=[briefing])
    make_subscriber("pending@example.org").subscriptions.create(newsletter=briefing)
    make_subscriber("unsubscribed@example.org").subscriptions.create(
        newsletter=briefing, status="unsubscribed", unsubscribed_at=timezone.now()
    )
    subscriptions.suppress(address="suppressed@example.org", reason=Suppression.Reason.COMPLAINT)
    return {state: f"{state}@example.org" for state in STATES}


@pytest.fixture
def sign_up(client, briefing, django_capture_on_commit_callbacks):
    def post(email):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(SUBSCRIBE, {"email": email, "newsletters": [briefing.pk]})

    return post


def run_queued_tasks(django_capture_on_commit_callbacks):
    """What ``db_worker`` does in production, until the queue is empty."""
    with django_capture_on_commit_callbacks(execute=True):
        call_command("db_worker", batch=True, queue_name="*", interval=0, verbosity=0)


def without_csrf_token(body: bytes) -> bytes:
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]*"', b"", body)


def test_the_request_sends_no_mail_and_enqueues_one_task_whatever_the_state(sign_up, addresses):
    for state, address in addresses.items():
        before = DBTaskResult.objects.count()
        response = sign_up(address)
        assert response.status_code == 200, state
        assert DBTaskResult.objects.count() == before + 1, state
    assert mail.outbox == []
    assert {task.task_path for task in DBTaskResult.objects.all()} == {
        "newsletter.tasks.process_signup"
    }


def test_the_answer_is_byte_for_byte_the_same_whatever_the_state(sign_up, addresses):
    answers = {}
    for state, address in addresses.items():
        response = sign_up(address)
        answers[state] = (response.status_code, without_csrf_token(response.content))
    assert len(set(answers.values())) == 1, answers.keys()
    assert b"Check your inbox" in answers["new"][1]


def _shape(queries) -> list[str]:
    """The statements run, with every quoted value (address, ids, times) blanked out."""
    return [re.sub(r"'(?:[^']|'')*'", "?", query["sql"]) for query in queries]


def test_the_request_runs_the_same_queries_whatever_the_state(sign_up, addresses):
    shapes = {}
    for state, address in addresses.items():
        with CaptureQueriesContext(connection) as queries:
            sign_up(address)
        shapes[state] = _shape(queries.captured_queries)
    assert all(shape == shapes["new"] for shape in shapes.values()), shapes
    assert any(DBTaskResult._meta.db_table in sql for sql in shapes["new"])


def test_the_worker_sends_what_the_request_used_to(
    sign_up, addresses, briefing, django_capture_on_commit_callbacks
):
    for address in addresses.values():
        sign_up(address)
    assert not Subscriber.objects.filter(email_key="new@example.org").exists()

    run_queued_tasks(django_capture_on_commit_callbacks)

    # Those who can be asked get one confirmation each; the active and the
    # suppressed get nothing, as before.
    assert sorted(m.to[0] for m in mail.outbox) == [
        "new@example.org",
        "pending@example.org",
        "unsubscribed@example.org",
    ]
    assert all("Tuesday Briefing" in m.body for m in mail.outbox)
    statuses = dict(
        Subscription.objects.filter(newsletter=briefing).values_list("subscriber__email", "status")
    )
    assert statuses == {
        "new@example.org": "pending",
        "pending@example.org": "pending",
        "unsubscribed@example.org": "pending",
        "active@example.org": "active",
    }
    assert not Subscriber.objects.filter(email_key="suppressed@example.org").exists()
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}


def test_the_throttle_holds_in_the_worker(sign_up, briefing, django_capture_on_commit_callbacks):
    for _ in range(3):
        sign_up("reader@example.org")
    assert DBTaskResult.objects.count() == 3
    run_queued_tasks(django_capture_on_commit_callbacks)
    assert [m.to for m in mail.outbox] == [["reader@example.org"]]


def test_a_bot_caught_by_the_honeypot_queues_nothing(client, briefing):
    response = client.post(
        SUBSCRIBE,
        {"email": "x@example.org", "newsletters": [briefing.pk], "website": "http://spam"},
    )
    assert response.status_code == 200
    assert not DBTaskResult.objects.exists()


def test_a_bad_address_queues_nothing(client, briefing):
    response = client.post(SUBSCRIBE, {"email": "x@localhost", "newsletters": [briefing.pk]})
    assert response.status_code == 400
    assert not DBTaskResult.objects.exists()


class _CountingRelay(SmtpSink):
    """Also counts SMTP sessions (greetings), so a test sees whether the relay was contacted."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.greetings = 0

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        self.greetings += 1
        session.host_name = hostname
        return responses


@pytest.fixture
def slow_relay(settings):
    """A real SMTP server that takes seconds over each message, made the default mailer."""
    relay = _CountingRelay(delay=2.0)
    port = free_port()
    controller = Controller(relay, hostname="127.0.0.1", port=port)
    controller.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 10},
        }
    }
    yield relay
    controller.stop()


def test_a_slow_relay_is_not_contacted_from_the_request(
    sign_up, addresses, slow_relay, django_capture_on_commit_callbacks
):
    for address in addresses.values():
        assert sign_up(address).status_code == 200
    assert slow_relay.greetings == 0 and slow_relay.messages == []

    run_queued_tasks(django_capture_on_commit_callbacks)

    assert slow_relay.greetings == 3
    assert sorted(slow_relay.recipients()) == [
        "new@example.org",
        "pending@example.org",
        "unsubscribed@example.org",
    ]
