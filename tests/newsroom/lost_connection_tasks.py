"""A task for tests/newsroom/test_lost_connection.py, importable by a worker process."""

import time
from pathlib import Path

from django.contrib.sessions.models import Session
from django.tasks import task


@task
def read_when_told(go: str) -> int:
    """Wait until the file ``go`` exists, then read from the database."""
    while not Path(go).exists():
        time.sleep(0.02)
    return Session.objects.count()
