"""Whole public pages kept per version of what they show, for anonymous readers.

The page cache (``newsroom.http_cache``) keys a page by its address and drops
every page at once when anything a reader can see changes: after each
publish, every article page would render again. A kept page outlives that.
It is stored under its path with the ``identity`` it was rendered from (for
an article, the versions of the piece and of its further reading) and what
its view needs to work that identity out again (``depends``). On a
page-cache miss the middleware reads the kept entry in the same round trip
as the page-cache lookup, asks the view's registered ``check`` for the
current identity (for an article, one query), and if it is the stored one
answers with the stored page and its headers, among them the
Content-Security-Policy whose nonce the markup carries: no URL resolution,
no view, no rendering. It is looked up by path alone, so only a view whose
page is the same for every query string of its path may keep it (the
article page reads none).

The shared token of ``newsroom.fragments`` (read before the page's data)
guards what the identity does not name, such as authors, series and photos;
the key names the release (``frame_release``), so a deploy, even of static
files alone, and a new year in the footer miss.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpResponse

from newsroom import fragments

# Per kind of kept page: the current identity from the stored ``depends``
# (None when the object is gone). The articles app registers "article".
checks: dict[str, Callable[..., tuple | None]] = {}


@dataclass(frozen=True)
class Keep:
    """What a view attaches to a response (``response.keep``) for the page to be kept."""

    kind: str
    identity: tuple
    depends: tuple
    token: str
    seconds: int


def key(path: str) -> str:
    return fragments.cache_key(fragments.frame_release(), "kept-page", path)


def timeout() -> int:
    return settings.PAGE_PARTS_CACHE_SECONDS


def answer(stored, token: str | None) -> HttpResponse | None:
    """The stored page, if it was stored under ``token`` and its identity is current."""
    if stored is None or token is None or stored[0] != token:
        return None
    _token, kind, identity, depends, content, headers = stored
    check = checks.get(kind)
    if check is None or check(*depends) != identity:
        return None
    response = HttpResponse(content)
    for name, value in headers.items():
        response[name] = value
    return response


def entry(response) -> tuple[tuple, int] | None:
    """What to store for a response a view asked to keep, and for how long."""
    keep = getattr(response, "keep", None)
    if keep is None:
        return None
    seconds = min(timeout(), keep.seconds)
    if seconds <= 0:
        return None
    headers = dict(response.items())
    return (keep.token, keep.kind, keep.identity, keep.depends, response.content, headers), seconds
