"""``make run``'s web server, task worker and scheduler write one SQLite file at once.

Each runs in its own process against a migrated file database of the test's
own (whatever database the suite itself uses), as under ``make run``; see
``tests/newsroom/sqlite_writers.py`` for what each one does.
"""

import json
import os
import sqlite3
import subprocess
import sys
import time

from django.conf import settings

from tests.newsroom import sqlite_writers

ROLES = ["admin", "worker", "scheduler"]


def environment(tmp_path) -> dict:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "TASKS_BACKEND": "db",
        # The file cache all processes share, as under make run, in the test's folder.
        "REDIS_URL": "",
        "CACHE_DIR": str(tmp_path / "cache"),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "VAR_DIR": str(tmp_path / "var"),
        "EMAIL_URL": "locmem:",
        "NEWSLETTER_SEND_RATE": "100000",
        "LOG_LEVEL": "ERROR",
    }
    env.pop("DEBUG", None)
    return env


def run(env, *args) -> None:
    subprocess.run([sys.executable, *args], env=env, cwd=settings.BASE_DIR, check=True, timeout=120)


def start_writers(env, out) -> list[subprocess.Popen]:
    writers = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.newsroom.sqlite_writers", role, str(out)],
            env=env,
            cwd=settings.BASE_DIR,
            stdout=subprocess.DEVNULL,
            stderr=(out / f"{role}.log").open("w"),
        )
        for role in ROLES
    ]
    deadline = time.monotonic() + 60
    while not all((out / f"{role}.ready").exists() for role in ROLES):
        assert all(w.poll() is None for w in writers), "a writer died while starting"
        assert time.monotonic() < deadline, "the writers never got ready"
        time.sleep(0.05)
    (out / "go").touch()
    return writers


def test_web_worker_and_scheduler_write_at_once_without_database_is_locked(tmp_path):
    env = environment(tmp_path)
    out = tmp_path / "reports"
    out.mkdir()
    run(env, "manage.py", "migrate", "--no-input", "--verbosity", "0")
    run(env, "-m", "tests.newsroom.sqlite_writers", "seed", str(out))
    ids = json.loads((out / "ids.json").read_text())

    admin, worker, scheduler = start_writers(env, out)
    try:
        admin.wait(timeout=120)
        (out / "stop").touch()
        scheduler.wait(timeout=60)
        worker.wait(timeout=60)
    finally:
        for process in (admin, worker, scheduler):
            if process.poll() is None:
                process.kill()
    for role, process in zip(ROLES, (admin, worker, scheduler), strict=True):
        assert process.returncode == 0, (out / f"{role}.log").read_text()[-3000:]
    reports = {role: json.loads((out / f"{role}.json").read_text()) for role in ROLES}

    for role in ROLES:
        assert reports[role]["operational_errors"] == [], role
    assert reports["admin"]["refused"] == []
    with sqlite3.connect(tmp_path / "db.sqlite3") as db:
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        (version,) = db.execute(
            "SELECT version FROM articles_article WHERE id = ?", [ids["article"]]
        ).fetchone()
        (dek,) = db.execute(
            "SELECT dek FROM articles_article WHERE id = ?", [ids["article"]]
        ).fetchone()
    # Every save landed: one version each, the last one's text stored.
    assert version == ids["version"] + sqlite_writers.ADMIN_SAVES
    assert dek == f"Standfirst, take {sqlite_writers.ADMIN_SAVES - 1}"
    # The others really wrote meanwhile: editions started and sent, sign-ups taken.
    assert reports["scheduler"]["editions_started"] >= 1
    assert reports["worker"]["tasks_run"] >= 1
    assert reports["worker"]["tasks_failed"] == []


def test_postgresql_keeps_its_own_options(tmp_path):
    """The SQLite options are for SQLite: psycopg would refuse them."""
    env = environment(tmp_path) | {
        "DATABASE_URL": "postgres://news@db.example/news?sslmode=require"
    }
    shown = subprocess.run(
        [sys.executable, "-c", SHOW_OPTIONS],
        env=env,
        cwd=settings.BASE_DIR,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert json.loads(shown) == {"sslmode": "require"}


SHOW_OPTIONS = """
import json, django
django.setup()
from django.conf import settings
print(json.dumps(settings.DATABASES["default"]["OPTIONS"]))
"""
