"""The site's own address, for every absolute URL it emits.

Feeds, sitemaps and robots.txt build absolute links from ``settings.SITE_URL``,
never from the request: the Host header is the client's to choose, and a page
built from it is cached and served to every later reader.
"""

from urllib.parse import urlsplit

from django.conf import settings


def absolute(path: str) -> str:
    """A site path (as ``reverse()`` or ``get_absolute_url()`` give it) as an absolute URL."""
    return settings.SITE_URL + path


def scheme() -> str:
    return urlsplit(settings.SITE_URL).scheme


def domain() -> str:
    """The host (and port, if any) of ``SITE_URL``."""
    return urlsplit(settings.SITE_URL).netloc
