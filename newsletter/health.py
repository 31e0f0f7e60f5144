"""``/healthz``'s ``sending`` check: a newsletter send that has stopped moving.

An edition ``Edition.objects.silent()`` finds has no live worker.
``newsletter_tick`` enqueues it again every minute; one that stays silent
means no worker takes it up (none running, or each one dies on it), and its
subscribers wait until someone looks.
"""

from django.conf import settings
from django.utils import timezone

from newsletter.models import Edition
from newsroom.health import Unhealthy


def check_sending() -> None:
    now = timezone.now()
    stalled = Edition.objects.silent(now)
    found = []
    for edition in stalled.order_by("pk").only("subject", "last_activity_at", "started_at"):
        heard = edition.last_activity_at or edition.started_at
        found.append(
            {
                "id": edition.pk,
                "subject": edition.subject,
                "silent_seconds": round((now - heard).total_seconds()),
            }
        )
    if found:
        named = "; ".join(
            f'edition {e["id"]} "{e["subject"]}" silent for {e["silent_seconds"]}s' for e in found
        )
        raise Unhealthy(
            f"sending stalled: {named} (lease {settings.NEWSLETTER_LEASE_SECONDS}s); "
            "is a task worker running?",
            stalled=found,
        )
