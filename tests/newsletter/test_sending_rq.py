"""RQ workers on the real Redis sending one edition together.

Two ``manage.py rqworker --job-class django_tasks_rq.Job --burst`` processes
run against the test database (PostgreSQL: parallel workers need its row
locks) and the SMTP sink in this process, which counts what arrives.
"""

import os
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import django_rq
import pytest
from django.db import connection

from newsletter import sending
from newsletter.models import Delivery, Edition
from tests.factories import make_audience, make_edition
from tests.smtp import start_sink

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="parallel RQ workers need PostgreSQL row locks; SQLite runs one worker",
    ),
]

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def slow_sink():
    sink, controller, port = start_sink(delay=0.01)
    sink.port = port
    yield sink
    controller.stop()


def rq_worker(name: str, redis_url: str, sink, **env) -> subprocess.Popen:
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    environment = {
        **os.environ,
        "DATABASE_URL": url,
        "REDIS_URL": redis_url,
        "TASKS_BACKEND": "rq",
        "EMAIL_URL": f"smtp://127.0.0.1:{sink.port}",
        "SITE_URL": "https://news.example.org",
        "NEWSLETTER_SEND_RATE": "0",
        "NEWSLETTER_BATCH_SIZE": "10",
        "LOG_LEVEL": "WARNING",
        **env,
    }
    command = [sys.executable, "manage.py", "rqworker", "--job-class", "django_tasks_rq.Job"]
    return subprocess.Popen(
        [*command, "--burst", "--name", name, "default"],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def run_two_workers(redis_url, sink, **env) -> tuple[float, set[str]]:
    """Start two burst workers, wait for both; return the seconds taken and who ran the jobs."""
    started = time.monotonic()
    workers = [rq_worker(f"w{i}-{os.getpid()}", redis_url, sink, **env) for i in (1, 2)]
    for worker in workers:
        assert worker.wait(timeout=180) == 0, worker.stderr.read().decode()
    elapsed = time.monotonic() - started
    queue = django_rq.get_queue("default")
    assert queue.count == 0
    assert not queue.failed_job_registry.get_job_ids()
    job_ids = queue.finished_job_registry.get_job_ids()
    ran_by = {
        result.worker_name
        for job in queue.job_class.fetch_many(job_ids, queue.connection)
        for result in job.results()
    }
    return elapsed, ran_by


def senders(edition) -> set[str]:
    """The processes that sent: make_msgid puts the sender's pid in each Message-ID."""
    message_ids = Delivery.objects.filter(edition=edition).values_list("message_id", flat=True)
    return {mid.split(".")[1] for mid in message_ids}


def test_two_rq_workers_deliver_each_message_exactly_once(rq_redis, slow_sink, settings):
    settings.NEWSLETTER_PARALLEL_TASKS = 2
    newsletter, addresses = make_audience(300)
    edition = make_edition(newsletter)

    sending.start_send(edition=edition)  # enqueues two deliver_edition jobs on commit
    assert django_rq.get_queue("default").count == 2

    _, ran_by = run_two_workers(rq_redis, slow_sink)

    assert slow_sink.recipients() == dict.fromkeys(addresses, 1)
    assert ran_by == {f"w1-{os.getpid()}", f"w2-{os.getpid()}"}  # each worker ran a job
    assert len(senders(edition)) == 2  # and both jobs sent mail
    edition.refresh_from_db()
    assert edition.status == Edition.Status.SENT
    assert edition.sent_count == edition.audience_count == len(addresses)
    assert edition.failed_count == edition.skipped_count == 0


def test_the_send_rate_holds_across_workers(rq_redis, smtp_sink, settings):
    """Two workers sharing a budget of 20 messages a second.

    Counted per second of ``sent_at`` (the moment the server accepted each
    message, as the worker stored it): the sink in this process timestamps
    arrivals only when its event loop gets to them, in bunches. Each message's
    place in its second goes out at its share of the second, so a message can
    land just past the second it was given: two of slack. Two workers each
    pacing themselves would reach 40.
    """
    settings.NEWSLETTER_PARALLEL_TASKS = 2
    newsletter, addresses = make_audience(120)
    edition = make_edition(newsletter)
    sending.start_send(edition=edition)

    run_two_workers(rq_redis, smtp_sink, NEWSLETTER_SEND_RATE="20")

    assert smtp_sink.recipients() == dict.fromkeys(addresses, 1)
    assert len(senders(edition)) == 2
    sent_at = edition.deliveries.values_list("sent_at", flat=True)
    per_second = Counter(int(moment.timestamp()) for moment in sent_at)
    assert max(per_second.values()) <= 22, per_second
    assert max(sent_at) - min(sent_at) > timedelta(seconds=5)
