"""The three writers of ``make run``, one per process, for the SQLite concurrency test.

Run as ``python -m tests.newsroom.sqlite_writers ROLE REPORT_DIR`` from the project
folder, with ``DATABASE_URL`` naming a migrated SQLite file:

- ``seed``: an editor, a draft piece, a newsletter with an audience.
- ``admin``: saves the piece through the admin's change form, ``ADMIN_SAVES`` times.
- ``worker``: enqueues sign-up tasks and runs ``db_worker --batch`` over and over
  (it also sends the editions the scheduler starts), until told to stop.
- ``scheduler``: makes a scheduled edition due and runs ``run_scheduler --once``
  over and over (the tick starts the send; the other scheduled commands delete),
  until told to stop.

Each writer waits for ``REPORT_DIR/go`` so all three start together, and writes
``REPORT_DIR/<role>.json`` with what it did and every ``OperationalError`` it met,
whether raised to it or swallowed and logged by the code it ran.
"""

import json
import logging
import os
import sys
import time
from datetime import timedelta
from pathlib import Path

ADMIN_SAVES = 30
AUDIENCE = 25
MAX_ROUNDS = 400  # a bound for the worker and the scheduler, should "stop" never come


class OperationalErrors(logging.Handler):
    """Counts logged exceptions that are ``OperationalError`` (the scheduler logs, not raises)."""

    def __init__(self):
        super().__init__(level=logging.ERROR)
        self.seen: list[str] = []

    def emit(self, record):
        from django.db import OperationalError

        if record.exc_info and isinstance(record.exc_info[1], OperationalError):
            self.seen.append(str(record.exc_info[1]))


def wait_for(path: Path) -> None:
    deadline = time.monotonic() + 60
    while not path.exists():
        if time.monotonic() > deadline:
            raise SystemExit(f"{path} never appeared")
        time.sleep(0.05)


def seed(out: Path) -> dict:
    from articles.models import Article
    from tests.factories import make_article, make_audience, make_user

    editor = make_user("Editors", username="desk", is_superuser=True)
    article = make_article(
        title="Written while others write",
        status=Article.Status.DRAFT,
        published_at=None,
        created_by=editor,
    )
    newsletter, _ = make_audience(AUDIENCE)
    make_article(series=newsletter.series, title="Already live")
    article.refresh_from_db()
    return {
        "article": article.pk,
        "version": article.version,
        "editor": editor.pk,
        "newsletter": newsletter.pk,
    }


def admin(out: Path, ids: dict) -> dict:
    from django.contrib.auth import get_user_model
    from django.db import OperationalError
    from django.test import Client

    from articles.models import Article
    from tests.articles.test_workflow_admin import change_url, edit_data

    client = Client()
    client.force_login(get_user_model().objects.get(pk=ids["editor"]))
    errors, refused = [], []
    (out / "admin.ready").touch()
    wait_for(out / "go")
    for i in range(ADMIN_SAVES):
        try:
            article = Article.objects.get(pk=ids["article"])
            data = edit_data(article, article.version, dek=f"Standfirst, take {i}")
            response = client.post(change_url(article), data)
        except OperationalError as error:
            errors.append(str(error))
            continue
        if response.status_code != 302:
            refused.append(response.status_code)
    return {"operational_errors": errors, "refused": refused, "saves": ADMIN_SAVES}


def worker(out: Path, ids: dict) -> dict:
    from django.core.management import call_command
    from django.db import OperationalError
    from django_tasks_db.models import DBTaskResult

    from newsletter.tasks import process_signup

    errors, rounds = [], 0
    (out / "worker.ready").touch()
    wait_for(out / "go")
    while rounds < MAX_ROUNDS:
        stopping = (out / "stop").exists()
        rounds += 1
        try:
            for k in range(2):
                process_signup.enqueue(
                    email=f"new{rounds}-{k}@example.org",
                    newsletter_ids=[ids["newsletter"]],
                    source="form",
                    source_detail="",
                )
            call_command(
                "db_worker",
                "--batch",
                "--no-reload",
                "--queue-name",
                "*",
                "--no-startup-delay",
                verbosity=0,
            )
        except OperationalError as error:
            errors.append(str(error))
        if stopping:
            break
    # A task that met the error is stored as failed with its class, not raised here.
    failed = DBTaskResult.objects.filter(status="FAILED")
    errors += [
        r.exception_class_path for r in failed if "OperationalError" in r.exception_class_path
    ]
    return {
        "operational_errors": errors,
        "rounds": rounds,
        "tasks_run": DBTaskResult.objects.filter(status="SUCCESSFUL").count(),
        "tasks_failed": sorted({r.exception_class_path for r in failed}),
    }


def scheduler(out: Path, ids: dict) -> dict:
    from django.core.management import call_command
    from django.db import OperationalError
    from django.utils import timezone

    from articles.models import Article
    from newsletter.models import Edition, Newsletter
    from tests.factories import make_edition

    logged = OperationalErrors()
    logging.getLogger("newsroom.management.commands.run_scheduler").addHandler(logged)
    newsletter = Newsletter.objects.get(pk=ids["newsletter"])
    live = list(Article.objects.live().filter(series=newsletter.series))
    errors, rounds = [], 0
    (out / "scheduler.ready").touch()
    wait_for(out / "go")
    while rounds < MAX_ROUNDS and not (out / "stop").exists():
        rounds += 1
        try:
            # Due a minute ago: this round's tick starts its send.
            make_edition(
                newsletter,
                articles=live,
                status=Edition.Status.SCHEDULED,
                scheduled_for=timezone.now() - timedelta(minutes=1),
            )
            call_command("run_scheduler", "--once", verbosity=0)
        except OperationalError as error:
            errors.append(str(error))
    started = Edition.objects.filter(newsletter=newsletter).exclude(status=Edition.Status.SCHEDULED)
    return {
        "operational_errors": errors + logged.seen,
        "rounds": rounds,
        "editions_started": started.count(),
    }


def main(role: str, out: Path) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    import django

    django.setup()
    if role == "seed":
        report = seed(out)
        (out / "ids.json").write_text(json.dumps(report))
        return
    ids = json.loads((out / "ids.json").read_text())
    report = {"admin": admin, "worker": worker, "scheduler": scheduler}[role](out, ids)
    (out / f"{role}.json").write_text(json.dumps(report))


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]))
