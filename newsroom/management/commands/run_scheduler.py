"""Run the periodic management commands listed in ``settings.SCHEDULED_COMMANDS``.

The Procfile's ``scheduler`` process. Each entry is ``(command, every_seconds)``,
the command with its options as typed on a command line;
a command that fails is logged and tried again at its next turn, so one bad run
never stops the others. Every scheduled command must be safe to run twice.

The process lives for weeks on database connections that can die under it
(a failover, a restart of PostgreSQL, a session the server ended). Django
reopens a connection only once it is closed, and closes broken ones only
around requests: a broken connection kept here would fail every later run.
So each run starts as a request does: a connection that raised an error and
no longer answers, or that outlived ``CONN_MAX_AGE``, is closed, and the
others are checked by their next query (``CONN_HEALTH_CHECKS``) and reopened
if that check fails.
"""

import logging
import shlex
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connections

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Run the periodic commands of settings.SCHEDULED_COMMANDS, forever or --once."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Run each command once and exit.")

    def handle(self, *args, once=False, **options):
        next_run = dict.fromkeys((name for name, _ in settings.SCHEDULED_COMMANDS), 0.0)
        every = dict(settings.SCHEDULED_COMMANDS)
        self.stdout.write(f"Scheduler running: {', '.join(next_run) or 'nothing to run'}")
        while True:
            now = time.monotonic()
            for name, due in next_run.items():
                if due <= now:
                    self.run(name)
                    next_run[name] = now + every[name]
            if once:
                return
            time.sleep(max(1.0, min(next_run.values(), default=now + 60) - time.monotonic()))

    def run(self, name):
        # What Django does at the start of a request. Not inside a caller's
        # transaction (a test's): closing that connection would undo its work.
        for conn in connections.all(initialized_only=True):
            if not conn.in_atomic_block:
                conn.close_if_unusable_or_obsolete()
        try:
            call_command(*shlex.split(name), verbosity=0)
        except Exception:
            logger.exception("Scheduled command %s failed", name)
