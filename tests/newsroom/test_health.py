import json
import logging
import re
from datetime import timedelta

import django_rq
import pytest
import time_machine
from django.tasks import task
from django.utils import timezone

from newsletter.models import Edition
from newsroom.logging import JsonFormatter
from tests.factories import make_edition

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


def sending_edition(*, started: timedelta, heard: timedelta | None, **fields):
    """An edition sending since ``started`` ago, its workers last heard ``heard`` ago."""
    now = timezone.now()
    return make_edition(
        status=fields.pop("status", Edition.Status.SENDING),
        started_at=now - started,
        last_activity_at=now - heard if heard is not None else None,
        **fields,
    )


def test_healthz_names_a_send_silent_for_longer_than_the_lease(client, settings):
    settings.NEWSLETTER_LEASE_SECONDS = 300
    stalled = sending_edition(
        started=timedelta(hours=1), heard=timedelta(minutes=10), subject="Energy Alert"
    )
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "failing"
    check = body["checks"]["sending"]
    assert check["ok"] is False
    assert f'edition {stalled.pk} "Energy Alert" silent for 600s' in check["error"]
    [named] = check["stalled"]
    assert named["id"] == stalled.pk and named["subject"] == "Energy Alert"
    assert 600 <= named["silent_seconds"] <= 602
    assert body["checks"]["database"]["ok"] and body["checks"]["tasks"]["ok"]


def test_healthz_names_a_send_no_worker_ever_took_up(client, settings):
    settings.NEWSLETTER_LEASE_SECONDS = 300
    stalled = sending_edition(started=timedelta(minutes=6), heard=None)
    response = client.get("/healthz")
    assert response.status_code == 503
    [named] = response.json()["checks"]["sending"]["stalled"]
    assert named["id"] == stalled.pk and 360 <= named["silent_seconds"] <= 362


def test_healthz_is_ok_while_sends_keep_moving(client, settings):
    settings.NEWSLETTER_LEASE_SECONDS = 300
    sending_edition(started=timedelta(hours=1), heard=timedelta(seconds=30))
    sending_edition(started=timedelta(minutes=1), heard=None)  # just started
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["checks"]["sending"]["ok"] is True


def test_healthz_ignores_silent_editions_that_are_not_sending(client, settings):
    settings.NEWSLETTER_LEASE_SECONDS = 300
    for status in (Edition.Status.PAUSED, Edition.Status.FAILED):
        sending_edition(started=timedelta(hours=1), heard=timedelta(hours=1), status=status)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["checks"]["sending"]["ok"] is True
