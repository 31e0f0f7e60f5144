"""Numbers for the subscriber list: counts per newsletter and a weekly chart."""

from datetime import timedelta

from django.db.models import Count, Q
from django.db.models.functions import TruncWeek
from django.utils import timezone

from newsletter.models import Newsletter, Subscription

WEEKS = 12


def counts_per_newsletter():
    return Newsletter.objects.annotate(
        active_count=Count("subscriptions", filter=Q(subscriptions__status="active")),
        pending_count=Count("subscriptions", filter=Q(subscriptions__status="pending")),
        unsubscribed_count=Count("subscriptions", filter=Q(subscriptions__status="unsubscribed")),
    ).order_by("name")


def weekly_chart(weeks: int = WEEKS) -> list[dict]:
    """Confirmed sign-ups and unsubscribes per week, oldest first, with bar widths in %."""
    today = timezone.localdate()
    first = today - timedelta(days=today.weekday() + 7 * (weeks - 1))
    since = timezone.make_aware(timezone.datetime.combine(first, timezone.datetime.min.time()))
    series = {}
    for field, label in (("confirmed_at", "signups"), ("unsubscribed_at", "unsubscribes")):
        rows = (
            Subscription.objects.filter(**{f"{field}__gte": since})
            .annotate(week=TruncWeek(field))
            .values("week")
            .annotate(n=Count("id"))
        )
        series[label] = {_as_date(row["week"]): row["n"] for row in rows}
    bars = []
    for index in range(weeks):
        week = first + timedelta(weeks=index)
        bars.append(
            {
                "week": week,
                "signups": series["signups"].get(week, 0),
                "unsubscribes": series["unsubscribes"].get(week, 0),
            }
        )
    top = max([b["signups"] for b in bars] + [b["unsubscribes"] for b in bars] + [1])
    for bar in bars:
        bar["signups_pct"] = round(100 * bar["signups"] / top)
        bar["unsubscribes_pct"] = round(100 * bar["unsubscribes"] / top)
    return bars


def _as_date(value):
    return value.date() if hasattr(value, "date") else value
