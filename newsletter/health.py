"""``/healthz``'s ``sending`` check: a newsletter send that has stopped moving.

A worker stamps ``Edition.last_activity_at`` after every batch and while it
waits for a retry, so an edition ``sending`` with nothing heard for longer
than ``NEWSLETTER_LEASE_SECONDS`` (since it started, if never) has no live
worker. ``newsletter_tick`` enqueues it again every minute; one that stays
silent means no worker takes it up (none running, or each one dies on it),
and its subscribers wait until someone looks.
"""

from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from newsletter.models import Edition
from newsroom.health import Unhealthy


def check_sending() -> None:
    now = timezone.now()
    lease = settings.NEWSLETTER_LEASE_SECONDS
    silent_since = now - timedelta(seconds=lease)
    # What the tick calls silent (newsletter.schedule.tick).
    stalled = Edition.objects.filter(status=Edition.Status.SENDING).filter(
        Q(last_activity_at__lt=silent_since)
        | Q(last_activity_at__isnull=True, started_at__lt=silent_since)
    )
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
            f"sending stalled: {named} (lease {lease}s); is a task worker running?", stalled=found
        )
