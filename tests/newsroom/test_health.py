import json
import logging
import re
from datetime import timedelta

import django_rq
import pytest
import time_machine
from django.tasks import task
from django.utils import timezone

from newsroom.logging import JsonFormatter

pytestmark = pytest.mark.django_db


@task
def noop():
    return None


def test_healthz_reports_database_cache_and_queue(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert {"database", "cache", "tasks"} <= set(body["checks"])
    assert body["checks"]["tasks"]["oldest_queued_seconds"] == 0
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]


def test_healthz_fails_when_queued_tasks_wait_too_long(client, settings):
    settings.HEALTH_MAX_QUEUE_AGE = 60
    with time_machine.travel(timezone.now() - timedelta(minutes=5)):
        noop.enqueue()
    response = client.get("/healthz")
    assert response.status_code == 503
    assert "oldest queued task has waited" in response.json()["checks"]["tasks"]["error"]


def test_healthz_fails_when_the_cache_is_unreachable(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        }
    }
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["cache"]["ok"] is False


def test_json_log_lines_carry_extra_fields():
    record = logging.makeLogRecord(
        {"name": "newsletter", "levelname": "INFO", "msg": "sent %s", "args": (3,), "edition": 7}
    )
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "sent 3" and line["edition"] == 7 and line["level"] == "INFO"


def test_healthz_reports_the_oldest_job_waiting_on_rq(client, settings, rq_redis):
    settings.HEALTH_MAX_QUEUE_AGE = 60
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["checks"]["tasks"]["oldest_queued_seconds"] == 0

    with time_machine.travel(timezone.now() - timedelta(minutes=5)):
        noop.enqueue()
    noop.enqueue()  # a newer job behind it does not hide the old one
    assert django_rq.get_queue("default").count == 2

    response = client.get("/healthz")
    assert response.status_code == 503
    error = response.json()["checks"]["tasks"]["error"]
    waited = int(re.search(r"oldest queued task has waited (\d+)s", error).group(1))
    assert 300 <= waited <= 302


def test_healthz_is_ok_while_rq_jobs_are_fresh(client, settings, rq_redis):
    settings.HEALTH_MAX_QUEUE_AGE = 60
    with time_machine.travel(timezone.now() - timedelta(seconds=20)):
        noop.enqueue()
    response = client.get("/healthz")
    assert response.status_code == 200
    assert 20 <= response.json()["checks"]["tasks"]["oldest_queued_seconds"] <= 21
