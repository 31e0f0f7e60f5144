"""``/healthz``: can this node serve? Checks the database, the cache and the task queue,
then whatever the apps register.

Answers 200 with a JSON body when all is well and 503 naming what is not, so a
load balancer or uptime monitor can act on it. Never cached.

Apps depend on ``newsroom``, never the other way, so a check about an app's
own data (a newsletter send that has stopped moving) lives in that app, which
adds it with ``register`` from its ``AppConfig.ready()``.
"""

import time
import uuid
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

# name -> check: returns a dict of details to show (or None), raises to fail.
_registered: dict[str, Callable[[], dict | None]] = {}


def register(name: str, check: Callable[[], dict | None]) -> None:
    """Add ``check`` to ``/healthz`` under ``name`` (again: replaces it)."""
    _registered[name] = check


class Unhealthy(Exception):
    """What a check raises to fail with details beside its message (shown as given)."""

    def __init__(self, message: str, **details):
        super().__init__(message)
        self.details = details


def _timed(check):
    started = time.perf_counter()
    try:
        detail = check()
    except Unhealthy as error:
        return {"ok": False, "error": str(error), **error.details}
    except Exception as error:  # a health check reports failures, it never raises them
        return {"ok": False, "error": f"{type(error).__name__}: {error}"}
    return {"ok": True, "ms": round((time.perf_counter() - started) * 1000, 1), **(detail or {})}


def check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_cache():
    key, value = f"healthz:{uuid.uuid4().hex}", uuid.uuid4().hex
    cache.set(key, value, timeout=10)
    if cache.get(key) != value:
        raise RuntimeError("the cache did not return what was just stored")
    cache.delete(key)


def oldest_queued_task_age() -> timedelta | None:
    """How long the oldest task that is ready to run has waited, or None if none waits."""
    from django.tasks import task_backends

    backend = task_backends["default"]
    if type(backend).__module__.startswith("django_tasks_rq"):
        return _oldest_rq_job_age(backend)
    from django_tasks_db.models import DBTaskResult

    oldest = DBTaskResult.objects.ready().order_by("enqueued_at").first()
    return timezone.now() - oldest.enqueued_at if oldest else None


def _oldest_rq_job_age(backend) -> timedelta | None:
    """The age of the job at the head of each of the backend's RQ queues.

    RQ appends jobs to the tail, so the head has waited longest (a task sent
    at top priority jumps the queue, and is newer, so this never overstates).
    Jobs scheduled for later are not in the queue until they are due.
    """
    import django_rq

    ages = []
    for name in sorted(backend.queues):
        head = django_rq.get_queue(name).get_jobs(0, 1)
        if head and head[0].enqueued_at:
            ages.append(timezone.now() - head[0].enqueued_at)
    return max(ages, default=None)


def check_tasks():
    age = oldest_queued_task_age()
    seconds = round(age.total_seconds()) if age else 0
    if seconds > settings.HEALTH_MAX_QUEUE_AGE:
        raise RuntimeError(
            f"the oldest queued task has waited {seconds}s "
            f"(limit {settings.HEALTH_MAX_QUEUE_AGE}s): are the workers running?"
        )
    return {"oldest_queued_seconds": seconds}


@never_cache
@require_GET
def healthz(request):
    checks = {
        "database": _timed(check_database),
        "cache": _timed(check_cache),
        "tasks": _timed(check_tasks),
        **{name: _timed(check) for name, check in _registered.items()},
    }
    healthy = all(c["ok"] for c in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "failing", "checks": checks},
        status=200 if healthy else 503,
    )
