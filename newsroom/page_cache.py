"""The public pages' cache for anonymous readers, dropped by tag.

A view wrapped in ``public_page`` names what its page shows with ``tag()``
(``"article:12"``, ``"author:5"``, listing tags such as ``"latest"``) and, if
the page will change by itself at a known moment (a scheduled piece going
live), when that is with ``expire_at()``. ``PageCacheMiddleware`` stores the
page for anonymous readers under its address with those tags, and answers
the next reader from the store before the rest of the stack runs. When
something a reader can see changes, its owner calls ``drop()`` with the
object's tags: the pages carrying any of them are forgotten, the others stay.
This module knows nothing of articles; the apps decide the tags.

Where pages live:
- with ``REDIS_URL``, in Redis, beside a set of page keys per tag; a drop
  deletes exactly the pages in its tags' sets, atomically. Each drop also
  leaves a mark on its tags, so a page rendered before a drop and stored after
  it (it read the old data) is not stored;
- otherwise in Django's default cache (files under ``make run``), where a
  drop of any tag forgets every page: each page is stored under the
  generation it was rendered in, and a drop starts a new generation.

Every key names the release (``release()``), so a deploy never serves pages
the old code, templates or static files wrote. A cache that fails (Redis
down or silent) is logged and skipped for a few seconds: pages render
uncached, never fail. Public responses carry their tags in ``Cache-Tag`` and
``Surrogate-Key`` for a CDN, and ``drop()`` tells the CDN too, through the
purge backend named by ``PAGE_CACHE_PURGE_BACKEND`` (``newsroom.purge``).
"""

import hashlib
import logging
import pickle
import time
import uuid
from datetime import datetime
from functools import cache, wraps
from importlib import metadata

import redis
from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.cache import cache as django_cache
from django.core.signals import setting_changed
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.csp import CSP, build_policy
from django.utils.http import http_date, parse_http_date_safe

from newsroom import purge

logger = logging.getLogger(__name__)

# Public pages run no inline script or style, so their policy needs no nonce,
# and a stored page shared by every reader carries none.
PUBLIC_CSP = {**settings.SECURE_CSP, "script-src": [CSP.SELF], "style-src": [CSP.SELF]}
PUBLIC_CSP_HEADER = build_policy(PUBLIC_CSP)

# A failed cache is not asked again for this long (per process), so an outage
# costs one timeout every few seconds, not one per request.
RETRY_AFTER_SECONDS = 5

CACHE_ERRORS = (redis.RedisError, OSError)


# --- What a view declares --------------------------------------------------


def tag(request, *tags: str) -> None:
    """Name what this page shows; a drop of any of these tags forgets it."""
    if (declared := getattr(request, "page_tags", None)) is not None:
        declared.update(tags)


def expire_at(request, moment: datetime | None) -> None:
    """The page changes by itself at ``moment`` (a scheduled piece goes live): keep it no longer."""
    if moment is not None and hasattr(request, "page_tags"):
        current = getattr(request, "page_expires", None)
        request.page_expires = moment if current is None else min(current, moment)


# --- The release -------------------------------------------------------------


@cache
def release() -> str:
    """What names this deploy: ``RELEASE_ID`` (say, the commit), else the installed
    version and the collected static files' manifest (a deploy of styles alone)."""
    if settings.RELEASE_ID:
        return settings.RELEASE_ID
    manifest = getattr(staticfiles_storage, "manifest_hash", "") or ""
    named = f"{metadata.version('newsroom')}+{manifest}"
    return hashlib.sha256(named.encode()).hexdigest()[:16]


# --- Where pages are stored --------------------------------------------------


class RedisPages:
    """Pages in Redis, with a set of page keys per tag.

    ``lookup`` reads a page and the drop counter in one round trip; ``store``
    and ``drop`` are each one atomic script. Keys live under one prefix on one
    Redis (the scripts touch several keys, so not on a Redis Cluster).
    """

    # KEYS: the page, n tag sets, n tag marks. ARGV: page, seconds, counter seen, n.
    STORE = """
    local n = tonumber(ARGV[4])
    for i = 1, n do
      local dropped = redis.call('GET', KEYS[1 + n + i])
      if dropped and tonumber(dropped) > tonumber(ARGV[3]) then return 0 end
    end
    redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
    for i = 1, n do
      redis.call('SADD', KEYS[1 + i], KEYS[1])
      if redis.call('TTL', KEYS[1 + i]) < tonumber(ARGV[2]) then
        redis.call('EXPIRE', KEYS[1 + i], ARGV[2])
      end
    end
    return 1
    """
    # KEYS: n tag sets, n tag marks, the counter. ARGV: n, how long marks last.
    DROP = """
    local n = tonumber(ARGV[1])
    local counter = redis.call('INCR', KEYS[2 * n + 1])
    for i = 1, n do
      local pages = redis.call('SMEMBERS', KEYS[i])
      for j = 1, #pages, 500 do
        redis.call('DEL', unpack(pages, j, math.min(j + 499, #pages)))
      end
      redis.call('DEL', KEYS[i])
      redis.call('SET', KEYS[n + i], counter, 'EX', ARGV[2])
    end
    return counter
    """

    def __init__(self, url: str, key_prefix: str):
        self.client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
        # The cache's KEY_PREFIX, as Django's own keys on this Redis carry it.
        self.key_prefix = f"{key_prefix}:" if key_prefix else ""
        self.prefix = f"{self.key_prefix}pages"
        self.counter = f"{self.prefix}:drops"
        self._store = self.client.register_script(self.STORE)
        self._drop = self.client.register_script(self.DROP)

    def _tag_keys(self, tags) -> tuple[list[str], list[str]]:
        return [f"{self.prefix}:tag:{t}" for t in tags], [
            f"{self.prefix}:dropped:{t}" for t in tags
        ]

    def lookup(self, key: str):
        page, counter = self.client.mget([self.key_prefix + key, self.counter])
        return (pickle.loads(page) if page is not None else None), int(counter or 0)

    def store(self, key: str, page, tags: list[str], seconds: int, seen) -> None:
        sets, marks = self._tag_keys(tags)
        keys = [self.key_prefix + key, *sets, *marks]
        self._store(keys=keys, args=[pickle.dumps(page), seconds, seen, len(tags)])

    def drop(self, tags: list[str]) -> None:
        sets, marks = self._tag_keys(tags)
        # A mark outlives any render that could have read data from before the drop.
        mark_seconds = max(settings.PUBLIC_PAGE_CACHE_SECONDS, 60)
        self._drop(keys=[*sets, *marks, self.counter], args=[len(tags), mark_seconds])

    def clear(self) -> None:
        keys = list(self.client.scan_iter(match=f"{self.prefix}:*", count=1000))
        for start in range(0, len(keys), 500):
            self.client.delete(*keys[start : start + 500])


class CachePages:
    """Pages in Django's default cache; a drop of any tag forgets them all (a new generation)."""

    GENERATION = "pages:generation"

    def lookup(self, key: str):
        found = django_cache.get_many([self.GENERATION, key])
        generation = found.get(self.GENERATION)
        if generation is None:
            # add(): processes starting together agree on one generation. A
            # generation the cache evicted is never reused, so no page
            # stored under an older one can come back.
            django_cache.add(self.GENERATION, uuid.uuid4().hex, None)
            return None, django_cache.get(self.GENERATION)
        stored = found.get(key)
        if stored is None or stored[0] != generation:
            return None, generation
        return stored[1], generation

    def store(self, key: str, page, tags: list[str], seconds: int, seen) -> None:
        django_cache.set(key, (seen, page), seconds)

    def drop(self, tags: list[str]) -> None:
        django_cache.set(self.GENERATION, uuid.uuid4().hex, None)

    def clear(self) -> None:
        self.drop([])


@cache
def pages() -> RedisPages | CachePages:
    if settings.REDIS_URL:
        return RedisPages(settings.REDIS_URL, settings.CACHES["default"].get("KEY_PREFIX", ""))
    return CachePages()


class _Outage:
    """After a cache error, skip the cache for ``RETRY_AFTER_SECONDS`` (logged once)."""

    until = 0.0

    @classmethod
    def ok(cls) -> bool:
        return time.monotonic() >= cls.until

    @classmethod
    def failed(cls, error: Exception) -> None:
        if cls.ok():
            logger.warning("Page cache unavailable, serving uncached pages: %s", error)
        cls.until = time.monotonic() + RETRY_AFTER_SECONDS


def _safely(call, *args, default=None):
    if not _Outage.ok():
        return default
    try:
        return call(*args)
    except CACHE_ERRORS as error:
        _Outage.failed(error)
        return default


# --- Dropping ------------------------------------------------------------------


def drop(*tags: str) -> None:
    """Forget the pages carrying any of ``tags``, and tell the CDN.

    Now, so this request's own later reads see fresh pages; and again once the
    transaction commits, because a reader may have stored the old page in
    between. The CDN is told after the commit only.
    """
    tags = sorted(set(tags))
    if not tags:
        return
    _drop_now(tags)

    def after_commit():
        _drop_now(tags)
        purge.purge(tags)

    transaction.on_commit(after_commit)


def _drop_now(tags: list[str]) -> None:
    # Tried even while lookups skip a failed cache: pages stored before an
    # outage must not outlive a change made during it. Saves are rare; a
    # failure costs the saving request at most a timeout, and is logged.
    try:
        pages().drop(tags)
    except CACHE_ERRORS as error:
        _Outage.failed(error)
        logger.error("Could not drop cached pages tagged %s: %s", " ".join(tags), error)


def clear() -> None:
    """Forget every page (after content changed behind the signals' back)."""
    _safely(pages().clear)


@receiver(setting_changed)
def _settings_changed(setting, **kwargs):
    if setting in {"REDIS_URL", "CACHES"}:
        pages.cache_clear()
    if setting in {"RELEASE_ID", "STORAGES", "STATIC_ROOT"}:
        release.cache_clear()


# --- Serving ---------------------------------------------------------------------

# Query parameters that campaign and click trackers add and no view reads: a
# shared link with ?utm_source=… or ?fbclid=… is the same page.
TRACKING_PARAMS = frozenset({"fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid", "igshid"})

# The request headers that can make a conditional GET (RFC 9110, section 13.1).
CONDITIONAL_HEADERS = frozenset(
    {"HTTP_IF_MATCH", "HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_IF_UNMODIFIED_SINCE"}
)


def _is_tracking(name: str) -> bool:
    return name.startswith("utm_") or name in TRACKING_PARAMS


def page_key(request) -> str:
    """The page's address (tracking parameters aside) under this release."""
    pairs = [part for part in request.META.get("QUERY_STRING", "").split("&") if part]
    kept = sorted(part for part in pairs if not _is_tracking(part.split("=", 1)[0]))
    address = request.path + ("?" + "&".join(kept) if kept else "")
    return f"pages:{release()}:{hashlib.sha256(address.encode()).hexdigest()}"


def _is_anonymous(request) -> bool:
    return settings.SESSION_COOKIE_NAME not in request.COOKIES


def _conditional(request, response):
    """A 304 (or 412) when the reader's conditional headers say so."""
    if response.status_code != 200 or not CONDITIONAL_HEADERS.intersection(request.META):
        return response
    return get_conditional_response(
        request,
        etag=response.get("ETag"),
        last_modified=parse_http_date_safe(response.get("Last-Modified", "")),
        response=response,
    )


def _storable(response) -> bool:
    return (
        response.status_code == 200
        and getattr(response, "page_tags", None) is not None
        and not response.streaming
        and not response.cookies
        and "Cookie" not in response.get("Vary", "")
    )


def _seconds(response) -> int:
    seconds = settings.PUBLIC_PAGE_CACHE_SECONDS
    if (expires := getattr(response, "page_expires", None)) is not None:
        seconds = min(seconds, int(expires.timestamp() - time.time()))
    return seconds


class PageCacheMiddleware:
    """Answer anonymous readers from the page cache before the rest of the stack runs.

    It sits right after WhiteNoise: a hit skips URL resolution, sessions,
    CSRF, auth and the view. On a miss the request goes on, and a page a
    ``public_page`` view answered is stored with its tags and the headers
    the inner middleware added. Paths under ``PUBLIC_PAGE_CACHE_SKIP_PREFIXES``
    hold no public page and pay no lookup. ``PUBLIC_PAGE_CACHE_SECONDS = 0``
    turns the cache off: nothing stored earlier is served.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.skip = tuple(settings.PUBLIC_PAGE_CACHE_SKIP_PREFIXES)

    def __call__(self, request):
        # The Host check CommonMiddleware makes further in, made before a stored
        # page can answer: a host not in ALLOWED_HOSTS raises DisallowedHost (a 400).
        request.get_host()
        if (
            settings.PUBLIC_PAGE_CACHE_SECONDS <= 0
            or request.method not in ("GET", "HEAD")
            or request.path_info.startswith(self.skip)
            or not _is_anonymous(request)
        ):
            return self.get_response(request)
        key = page_key(request)
        stored, seen = _safely(pages().lookup, key, default=(None, None))
        if stored is not None:
            status, content, headers = stored
            response = HttpResponse(content, status=status, headers=headers)
            return _conditional(request, response)
        response = self.get_response(request)
        if seen is not None and _storable(response) and (seconds := _seconds(response)) > 0:
            stored = (response.status_code, response.content, dict(response.items()))
            _safely(pages().store, key, stored, response.page_tags, seconds, seen)
        return _conditional(request, response)


def public_page(view=None, *, tags=(), expires=None):
    """Mark a view's pages public: cached for anonymous readers, tagged, 304s, CDN headers.

    ``tags`` are put on every page of the view, besides those it declares
    with ``tag()``; ``expires``, a callable, says when its pages next change
    by themselves (``expire_at()``). ``public_page(view)`` or
    ``public_page(view, tags=("feed",))``.
    """
    if view is None:
        return lambda view: public_page(view, tags=tags, expires=expires)

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        request.page_tags = set(tags)
        response = view(request, *args, **kwargs)
        if hasattr(response, "render"):
            response = response.render()
        if expires is not None and response.status_code == 200:
            expire_at(request, expires())
        _finish(request, response)
        if _is_anonymous(request):
            return response  # the middleware stores it and answers conditional GETs
        return _conditional(request, response)

    return wrapped


def _finish(request, response) -> None:
    tags = sorted(request.page_tags)
    response.page_tags = tags
    response.page_expires = getattr(request, "page_expires", None)
    if tags:
        response["Cache-Tag"] = ",".join(tags)
        response["Surrogate-Key"] = " ".join(tags)
    if "ETag" not in response:
        response["ETag"] = f'"{hashlib.sha256(response.content).hexdigest()[:32]}"'
    if "Last-Modified" not in response:
        response["Last-Modified"] = http_date()
    if _is_anonymous(request):
        # Browsers recheck soon (a cheap 304); a CDN may keep it a little
        # longer and serve a stale copy while it refetches.
        patch_cache_control(
            response,
            public=True,
            max_age=settings.PUBLIC_BROWSER_MAX_AGE,
            s_maxage=settings.PUBLIC_CDN_MAX_AGE,
            stale_while_revalidate=settings.PUBLIC_CDN_MAX_AGE,
        )
    else:
        patch_cache_control(response, private=True, no_cache=True)
    # Set here, so the CSP middleware (which leaves a present header alone)
    # adds no nonce to a page every reader shares.
    response[str(CSP.HEADER_ENFORCE)] = PUBLIC_CSP_HEADER
