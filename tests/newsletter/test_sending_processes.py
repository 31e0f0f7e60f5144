"""Real sender processes against PostgreSQL and a real SMTP server.

``manage.py send_edition`` runs in subprocesses on the test database; the
SMTP sink (aiosmtpd) runs in this process and counts what arrives.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from newsletter import sending
from newsletter.models import Delivery, Edition
from tests.factories import make_audience, make_edition
from tests.smtp import start_sink

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="parallel workers need PostgreSQL row locks"
    ),
]

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def slow_sink():
    sink, controller, port = start_sink(delay=0.01)
    sink.port = port
    yield sink
    controller.stop()


def sender(edition_id: int, sink, name: str = "newsroom-sender", **env) -> subprocess.Popen:
    """``send_edition`` in a process of its own; its database sessions are called ``name``."""
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    url += f"?application_name={name}"
    environment = {
        **os.environ,
        "DATABASE_URL": url,
        "EMAIL_URL": f"smtp://127.0.0.1:{sink.port}",
        "SITE_URL": "https://news.example.org",
        "NEWSLETTER_SEND_RATE": "0",
        "NEWSLETTER_BATCH_SIZE": "10",
        "NEWSLETTER_LEASE_SECONDS": "2",
        "LOG_LEVEL": "WARNING",
        **env,
    }
    return subprocess.Popen(
        [sys.executable, "manage.py", "send_edition", str(edition_id), "--verbosity", "0"],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def test_a_sender_killed_mid_send_and_restarted_misses_nobody(slow_sink):
    newsletter, addresses = make_audience(150)
    edition = make_edition(newsletter)

    first = sender(edition.pk, slow_sink)
    deadline = time.monotonic() + 60
    while sum(slow_sink.recipients().values()) < 40:
        assert time.monotonic() < deadline and first.poll() is None, first.stderr.read()
        time.sleep(0.01)
    first.send_signal(signal.SIGKILL)
    first.wait()
    received_before = sum(slow_sink.recipients().values())
    in_flight = Delivery.objects.filter(edition=edition, state="sending").count()
    assert 0 < received_before < len(addresses)
    # One process claims one batch of 10 at a time: at most that was in flight.
    assert in_flight <= 10

    second = sender(edition.pk, slow_sink)
    assert second.wait(timeout=120) == 0, second.stderr.read()

    received = slow_sink.recipients()
    assert set(received) == addresses  # nobody missed
    duplicates = sum(received.values()) - len(addresses)
    assert duplicates <= in_flight
    edition.refresh_from_db()
    assert edition.status == Edition.Status.SENT
    assert edition.sent_count == edition.audience_count == len(addresses)


@pytest.mark.parametrize("processes", [2, 4])
def test_parallel_worker_processes_never_send_one_row_twice(slow_sink, processes):
    newsletter, addresses = make_audience(300)
    edition = make_edition(newsletter)
    sending.start_send(edition=edition, in_process=True)

    workers = [sender(edition.pk, slow_sink) for _ in range(processes)]
    for worker in workers:
        assert worker.wait(timeout=120) == 0, worker.stderr.read()

    assert slow_sink.recipients() == dict.fromkeys(addresses, 1)
    # Every worker really took part: make_msgid puts the sender's pid in each Message-ID.
    message_ids = Delivery.objects.filter(edition=edition).values_list("message_id", flat=True)
    assert len({mid.split(".")[1] for mid in message_ids}) == processes
    edition.refresh_from_db()
    assert edition.status == Edition.Status.SENT
    assert edition.sent_count == edition.audience_count == len(addresses)


def test_a_send_whose_database_connection_is_killed_finishes_with_nobody_missed(slow_sink):
    """The database drops the worker mid-send: it reconnects, and every sent row is marked."""
    newsletter, addresses = make_audience(150)
    edition = make_edition(newsletter)
    sending.start_send(edition=edition, in_process=True)

    worker = sender(edition.pk, slow_sink, name="newsroom-doomed")
    deadline = time.monotonic() + 60
    while sum(slow_sink.recipients().values()) < 40:
        assert time.monotonic() < deadline and worker.poll() is None, worker.stderr.read()
        time.sleep(0.01)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = %s",
            ["newsroom-doomed"],
        )
        assert cursor.fetchall() == [(True,)]

    assert worker.wait(timeout=120) == 0, worker.stderr.read()
    assert b"Database connection lost" in worker.stderr.read()
    received = slow_sink.recipients()
    assert set(received) == addresses  # nobody missed
    assert sum(received.values()) == len(addresses)  # and nobody sent it twice
    edition.refresh_from_db()
    assert edition.status == Edition.Status.SENT
    assert edition.sent_count == edition.audience_count == len(addresses)
