import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from newsroom.env import env_bool, parse_email_url

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(("raw", "expected"), [("false", False), ("0", False), ("ON", True)])
def test_env_bool_reads_common_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("FLAG", raw)
    assert env_bool("FLAG", not expected) is expected


def test_env_bool_refuses_a_typo(monkeypatch):
    monkeypatch.setenv("FLAG", "Flase")
    with pytest.raises(ImproperlyConfigured, match="FLAG"):
        env_bool("FLAG", True)


def test_email_url_smtp_with_starttls():
    mailer = parse_email_url("smtp+tls://user%40x:s3cret@mail.example.org")
    assert mailer["BACKEND"].endswith("smtp.EmailBackend")
    assert mailer["OPTIONS"] | {"timeout": 0} == {
        "host": "mail.example.org",
        "port": 587,
        "username": "user@x",
        "password": "s3cret",
        "use_tls": True,
        "use_ssl": False,
        "timeout": 0,
    }


def test_email_url_with_unknown_scheme_is_refused():
    with pytest.raises(ImproperlyConfigured, match="EMAIL_URL"):
        parse_email_url("carrier-pigeon://coop")


def _manage(*args, **env):
    base = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY"}}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_mode_refuses_to_start_without_a_secret_key():
    result = _manage("check", DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def _check_deploy(**env):
    return _manage(
        "check",
        "--deploy",
        "--fail-level",
        "ERROR",
        DEBUG="false",
        SECRET_KEY="x" * 64 + "-a-long-random-production-secret",
        SITE_URL="https://news.example.org",
        **env,
    )


def test_production_mode_passes_check_deploy_but_for_the_documented_ckeditor_warning():
    result = _check_deploy(RELEASE_ID="4f2a9c1")
    assert result.returncode == 0, result.stderr
    output = result.stdout + result.stderr
    assert "ckeditor.W001" in output
    # Nothing else: every other deploy warning is fixed, not silenced by accident.
    assert "security.W" not in output
    assert "1 issue" in output


def test_check_deploy_asks_for_a_release_id_the_page_cache_can_name_deploys_by():
    result = _check_deploy(RELEASE_ID="")
    assert "newsroom.W001" in result.stdout + result.stderr


def test_rq_task_backend_needs_redis_url():
    result = _manage("check", TASKS_BACKEND="rq", REDIS_URL="")
    assert result.returncode != 0
    assert "TASKS_BACKEND=rq needs REDIS_URL" in result.stderr


def test_unknown_task_backend_is_refused():
    result = _manage("check", TASKS_BACKEND="celery")
    assert result.returncode != 0
    assert "TASKS_BACKEND must be one of ['db', 'immediate', 'rq']" in result.stderr


def test_rq_task_backend_takes_its_queue_from_redis_url():
    code = (
        "from django.conf import settings; "
        "print(settings.TASKS['default']['BACKEND'], settings.RQ_QUEUES['default']['URL'])"
    )
    result = _manage(
        "shell",
        "--no-imports",
        "-c",
        code,
        TASKS_BACKEND="rq",
        REDIS_URL="redis://127.0.0.1:6379/11",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django_tasks_rq.RQBackend", "redis://127.0.0.1:6379/11"]


def test_without_redis_every_process_shares_one_cache(tmp_path):
    """make run's web workers, task worker and scheduler are separate processes: a page
    one of them drops (an edit, new renditions) must be dropped for all of them."""
    env = {"REDIS_URL": "", "CACHE_DIR": str(tmp_path / "cache")}
    code = "from django.core.cache import cache; "
    setter = _manage("shell", "--no-imports", "-c", code + "cache.set('k', 'from A')", **env)
    assert setter.returncode == 0, setter.stderr
    getter = _manage("shell", "--no-imports", "-c", code + "print(cache.get('k'))", **env)
    assert getter.returncode == 0, getter.stderr
    assert getter.stdout.strip() == "from A"
