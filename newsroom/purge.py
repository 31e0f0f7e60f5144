"""Telling a CDN in front which cached pages changed, by tag (``newsroom.page_cache.drop``).

``PAGE_CACHE_PURGE_BACKEND`` names a class with ``purge(tags)``: ``HTTPPurge``
here, or none (no CDN to tell). Wagtail's frontend-cache invalidation works
the same way, by URL rather than by tag.
"""

import json
import logging
import urllib.request
from functools import cache

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class HTTPPurge:
    """One request per drop to ``PAGE_CACHE_PURGE_URL`` naming the tags, in the
    ``Surrogate-Key`` header (space-separated, as Fastly and Varnish's xkey take
    them) and as JSON ``{"tags": [...]}`` (as Cloudflare takes them), with
    ``PAGE_CACHE_PURGE_TOKEN`` as a bearer token when set."""

    def purge(self, tags: list[str]) -> None:
        request = urllib.request.Request(
            settings.PAGE_CACHE_PURGE_URL,
            data=json.dumps({"tags": tags}).encode(),
            method=settings.PAGE_CACHE_PURGE_METHOD,
            headers={"Content-Type": "application/json", "Surrogate-Key": " ".join(tags)},
        )
        if settings.PAGE_CACHE_PURGE_TOKEN:
            request.add_header("Authorization", f"Bearer {settings.PAGE_CACHE_PURGE_TOKEN}")
        with urllib.request.urlopen(request, timeout=5) as response:
            response.read()


@cache
def _purger():
    path = settings.PAGE_CACHE_PURGE_BACKEND
    return import_string(path)() if path else None


def purge(tags: list[str]) -> None:
    if (purger := _purger()) is None:
        return
    try:
        purger.purge(tags)
    except Exception:  # a CDN that is down must not undo the save that changed the page
        logger.exception("Purging %s from the CDN failed", " ".join(tags))


@receiver(setting_changed)
def _settings_changed(setting, **kwargs):
    if setting == "PAGE_CACHE_PURGE_BACKEND":
        _purger.cache_clear()
