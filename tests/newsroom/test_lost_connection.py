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
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from newsletter.models import Edition
from tests.factories import make_edition

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
    assert "failed" not in scheduler.output()
