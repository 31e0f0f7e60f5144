from datetime import datetime

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def isodate(value: datetime | None) -> str:
    """A machine-readable time for ``<time datetime>``, JSON-LD and feeds.

    Whole seconds in UTC: HTML allows at most three digits of fractions, which
    Django's ``date:"c"`` exceeds.
    """
    if not value:
        return ""
    return value.astimezone(timezone.UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")
