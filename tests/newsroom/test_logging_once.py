"""Each log line reaches the console once, in the configured format (issue seen in `make run`)."""

import os
import subprocess
import sys

import pytest
from django.conf import settings

SCRIPT = """
import logging
import django
django.setup()
logging.getLogger("django.tasks").info("rendition task ran: once-marker")
"""


@pytest.mark.parametrize("debug", ["true", "false"])
def test_a_django_log_line_is_written_once(debug):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "DEBUG": debug,
        "SECRET_KEY": "test-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "ALLOWED_HOSTS": "127.0.0.1",
    }
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    lines = [line for line in done.stderr.splitlines() if "once-marker" in line]
    assert len(lines) == 1, lines
    assert "django.tasks" in lines[0]  # the configured format, not a bare message


BAD_PAGE_SCRIPT = """
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
print(Client().get("/experts/", {"program": "a\\x00b"}).status_code)
"""


def test_a_bad_query_parameter_logs_one_line_without_a_traceback(tmp_path):
    """A scanner's sweep of odd parameters must not fill the log with tracebacks."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "CACHE_DIR": str(tmp_path / "cache"),
        "LOG_FORMAT": "plain",
    }
    done = subprocess.run(
        [sys.executable, "-c", BAD_PAGE_SCRIPT],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.stdout.strip() == "400", done.stderr
    assert "WARNING django.request program holds a control character.: /experts/" in done.stderr
    assert "Traceback" not in done.stderr
