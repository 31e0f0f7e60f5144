"""Run django-tasks-db's worker so that it outlives a lost database connection.

The Procfile's ``worker`` process: ``db_worker`` with the same options, for
weeks on database connections that can die under it (a failover, a restart
of PostgreSQL, a session the server ended). Between tasks ``db_worker``
already recovers: each poll starts by closing a connection that failed, and
``CONN_HEALTH_CHECKS`` reopens one that died while it slept. Two paths still
end the process, and here both carry on:

- A task whose connection died (while it ran, or as its outcome was saved)
  fails, and ``db_worker`` saves that outcome over the same dead connection
  (its retries never reconnect), then exits with the task row left "running"
  for good. Here the dead connection is closed first and the task is recorded
  as failed, with the task's own error in the traceback. It is not run
  again by itself: a task may have done part of its work. A newsletter send
  is safe to repeat, and ``newsletter_tick`` enqueues it again once its
  workers have been silent for a lease.
- A database that cannot be reached (down, or refusing connections) raises
  out of the polling loop. Here the worker waits and polls again.
"""

import logging
import os
import time

from django.db import close_old_connections, connection
from django.db.utils import InterfaceError, OperationalError
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger(__name__)

# Lost connections: OperationalError covers a session the server ended and one
# that cannot be opened; InterfaceError a connection already closed under us.
CONNECTION_ERRORS = (OperationalError, InterfaceError)
# Seconds between attempts while the database cannot be reached.
RECONNECT_PAUSE = 5


class Worker(db_worker.Worker):
    def run(self) -> None:
        while True:
            try:
                return super().run()  # returns when stopped, or --batch / --max-tasks are done
            except CONNECTION_ERRORS:
                if connection.in_atomic_block:
                    raise  # a caller's transaction (a test's): lost, whatever happens next
                # The next poll starts by closing the failed connection.
                logger.exception("Worker lost the database; trying again in %ss", RECONNECT_PAUSE)
                time.sleep(RECONNECT_PAUSE)

    def run_task(self, db_task_result: DBTaskResult) -> None:
        try:
            super().run_task(db_task_result)
        except CONNECTION_ERRORS as error:
            self.running_task = True  # a first Ctrl+C waits for the outcome to be saved
            try:
                logger.warning(
                    "Task id=%s lost its database connection; recording it as failed",
                    db_task_result.id,
                )
                close_old_connections()  # closes the dead one: the save below reconnects
                db_task_result.set_failed(error)  # its __context__ is the task's own error
            finally:
                self.running_task = False


class Command(db_worker.Command):
    help = "Run the database task worker (db_worker), surviving a lost database connection"

    def handle(
        self,
        *,
        verbosity: int,
        queue_name: str,
        interval: float,
        batch: bool,
        backend_name: str,
        startup_delay: bool,
        reload: bool,
        max_tasks: int | None,
        worker_id: str,
        exclude_queues: str,
        **options,
    ) -> None:
        # db_worker's own handle(), with this module's Worker.
        self.configure_logging(verbosity)
        if reload and batch:
            logger.warning("--reload and --batch cannot be specified together: not reloading.")
            reload = False
        queue_names = queue_name.split(",")
        excluded_queue_names = exclude_queues.split(",") if exclude_queues else []
        if excluded_queue_names and "*" not in queue_names:
            raise db_worker.CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = Worker(
            queue_names=queue_names,
            interval=interval,
            batch=batch,
            backend_name=backend_name,
            startup_delay=startup_delay,
            max_tasks=max_tasks,
            worker_id=worker_id,
            excluded_queue_names=excluded_queue_names,
        )
        if reload:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()  # in the reloaded child only
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()
