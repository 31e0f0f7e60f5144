from datetime import datetime
from functools import cache

from django import template
from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag
def url_once(name: str) -> str:
    """``{% url_once "articles:home" %}``: ``{% url %}`` for a URL that takes no
    arguments, worked out once per process. The frame of every page links to
    the same ten such URLs, and reversing them was a tenth of what an article
    page costs on a page-cache miss."""
    return _reversed(get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF, name)


@cache
def _reversed(prefix: str, urlconf: str, name: str) -> str:
    return reverse(name, urlconf=urlconf)


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


class PartNode(template.Node):
    def __init__(self, name: str, nodelist):
        self.name, self.nodelist = name, nodelist

    def render(self, context):
        parts = context.get("parts")
        if parts is None:
            return self.nodelist.render(context)
        return mark_safe(parts.value(self.name, lambda: str(self.nodelist.render(context))))


@register.tag
def part(parser, token):
    """``{% part "name" %}…{% endpart %}``: a region kept rendered (``newsroom.fragments``)."""
    bits = token.split_contents()
    if len(bits) != 2 or bits[1][0] not in "\"'" or bits[1][0] != bits[1][-1]:
        raise template.TemplateSyntaxError('Usage: {% part "name" %}…{% endpart %}')
    nodelist = parser.parse(("endpart",))
    parser.delete_first_token()
    return PartNode(bits[1][1:-1], nodelist)
