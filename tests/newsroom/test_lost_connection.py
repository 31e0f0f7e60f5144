"""The scheduler and the task worker outlive a lost database connection.

Each runs as a real process on the PostgreSQL test database, as in the
Procfile; the test ends that process's database session the way a failover,
a restart of PostgreSQL or an administrator's ``pg_terminate_backend`` would,
then checks that the process's next piece of work still gets done.
"""

import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import psycopg
import pytest
from django.db import connection
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from newsletter.models import Edition
from newsletter.tasks import process_signup
from tests.factories import make_edition, make_newsletter
from tests.newsroom.lost_connection_tasks import read_when_told
from tests.smtp import start_sink

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="pg_terminate_backend is PostgreSQL's"
    ),
]

ROOT = Path(__file__).resolve().parents[2]


class Process:
    """A ``manage.py`` command running on the test database, its log in a file."""

    def __init__(self, log: Path, *args, **env):
        db = connection.settings_dict
        host, port = db["HOST"] or "127.0.0.1", db["PORT"] or 5432
        self.log = log
        self.popen = subprocess.Popen(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env={
                **os.environ,
                "DATABASE_URL": f"postgres://{db['USER']}@{host}:{port}/{db['NAME']}",
                "LOG_LEVEL": "WARNING",
                **env,
            },
            stdout=subprocess.DEVNULL,
            stderr=log.open("w"),
        )

    def output(self) -> str:
        return self.log.read_text()

    def wait_for(self, condition, *, seconds: float, what: str) -> None:
        deadline = time.monotonic() + seconds
        while not condition():
            if self.popen.poll() is not None:
                pytest.fail(f"exited ({self.popen.returncode}) before {what}:\n{self.output()}")
            if time.monotonic() > deadline:
                pytest.fail(f"no {what} within {seconds}s:\n{self.output()}")
            time.sleep(0.05)

    def stop(self) -> None:
        self.popen.send_signal(signal.SIGTERM)
        try:
            self.popen.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            self.popen.wait()


@pytest.fixture
def start(tmp_path):
    started = []

    def start(*args, **env) -> Process:
        started.append(Process(tmp_path / f"{args[0]}-{len(started)}.log", *args, **env))
        return started[-1]

    yield start
    for process in started:
        process.stop()


def terminate_other_sessions() -> int:
    """End every other session on the test database (the processes'); how many."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return len(cursor.fetchall())


def scheduled_edition() -> Edition:
    return make_edition(
        status=Edition.Status.SCHEDULED, scheduled_for=timezone.now() - timedelta(minutes=1)
    )


def sending(edition):
    return lambda: Edition.objects.filter(pk=edition.pk, status=Edition.Status.SENDING).exists()


def test_the_scheduler_runs_its_next_turn_after_losing_its_connection(start):
    scheduler = start("run_scheduler", DJANGO_SETTINGS_MODULE="tests.newsroom.scheduler_settings")
    first = scheduled_edition()
    scheduler.wait_for(sending(first), seconds=30, what="start of the first edition")

    assert terminate_other_sessions() >= 1
    second = scheduled_edition()
    # The tick after the lost connection starts the next edition, on time.
    scheduler.wait_for(sending(second), seconds=10, what="start of the second edition")
    # Only a tick the connection died under, if any, failed.
    assert scheduler.output().count("Scheduled command newsletter_tick failed") <= 1


@pytest.fixture
def sink():
    sink, controller, port = start_sink()
    sink.port = port
    yield sink
    controller.stop()


@pytest.fixture
def worker(start, sink, tmp_path):
    worker = start(
        "run_worker",
        *("--queue-name", "*", "--interval", "0.1", "--no-reload", "--no-startup-delay"),
        EMAIL_URL=f"smtp://127.0.0.1:{sink.port}",
        CACHE_DIR=str(tmp_path / "cache"),
        REDIS_URL="",
    )
    # Connected: its first poll of the queue has opened its session.
    worker.wait_for(lambda: other_sessions() > 0, seconds=30, what="connection to the database")
    return worker


def other_sessions() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def sign_up(email: str, sink, worker) -> None:
    """A reader signs up; the worker's task mails the confirmation link."""
    newsletter = make_newsletter()
    process_signup.enqueue(
        email=email, newsletter_ids=[newsletter.pk], source="website", source_detail=""
    )
    worker.wait_for(lambda: email in sink.recipients(), seconds=30, what=f"mail to {email}")


def test_the_worker_runs_the_next_task_after_losing_its_connection_while_idle(worker, sink):
    sign_up("before@example.org", sink, worker)
    assert terminate_other_sessions() >= 1
    sign_up("after@example.org", sink, worker)


def test_a_task_that_loses_its_connection_fails_and_the_worker_carries_on(worker, sink, tmp_path):
    go = tmp_path / "go"
    result = read_when_told.enqueue(go=str(go))
    running = DBTaskResult.objects.filter(pk=result.id, status=TaskResultStatus.RUNNING).exists
    worker.wait_for(running, seconds=30, what="start of the task")

    assert terminate_other_sessions() >= 1
    go.touch()  # the task's query meets the dead connection
    failed = DBTaskResult.objects.filter(pk=result.id, status=TaskResultStatus.FAILED).exists
    worker.wait_for(failed, seconds=30, what="task recorded as failed")
    assert "OperationalError" in DBTaskResult.objects.get(pk=result.id).exception_class_path

    sign_up("after@example.org", sink, worker)


@contextmanager
def database_refusing_connections():
    """New sessions are refused ("not currently accepting connections") and the
    processes' sessions ended, as while PostgreSQL restarts or fails over."""
    db = connection.settings_dict
    name = connection.ops.quote_name(db["NAME"])
    # A database cannot refuse connections from a session of its own.
    admin = psycopg.connect(
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        user=db["USER"],
        password=db["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )
    try:
        admin.execute(f"ALTER DATABASE {name} ALLOW_CONNECTIONS false")
        assert terminate_other_sessions() >= 1
        yield
    finally:
        admin.execute(f"ALTER DATABASE {name} ALLOW_CONNECTIONS true")
        admin.close()


def test_the_worker_waits_out_a_database_that_refuses_connections(worker, sink):
    with database_refusing_connections():
        newsletter = make_newsletter()
        process_signup.enqueue(
            email="meanwhile@example.org",
            newsletter_ids=[newsletter.pk],
            source="website",
            source_detail="",
        )
        worker.wait_for(
            lambda: "not currently accepting connections" in worker.output(),
            seconds=10,
            what="attempt to reconnect",
        )
        assert worker.popen.poll() is None
    worker.wait_for(
        lambda: "meanwhile@example.org" in sink.recipients(), seconds=30, what="mail sent"
    )
