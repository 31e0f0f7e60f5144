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


@register.filter
def with_article(phrase: str) -> str:
    """``"investigative journalist"`` → ``"an investigative journalist"``.

    By the first letter, which suits the titles and descriptions of people
    ("an economist", "a journalist"); a phrase that already starts with an
    article is left alone.
    """
    phrase = (phrase or "").strip()
    if not phrase or phrase.split()[0].lower() in {"a", "an", "the"}:
        return phrase
    return ("an " if phrase[0].lower() in "aeiou" else "a ") + phrase
